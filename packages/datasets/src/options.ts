import { fail } from './errors';

/** The subset of JSON Schema the option schemas in this package use. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  items?: Schema;
  minItems?: number;
  uniqueItems?: boolean;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
}

/** "data" + "path" → "data.path"; "" + "path" → "path". */
export function at(where: string | undefined, key: string): string {
  return where ? `${where}.${key}` : key;
}

/**
 * Checks `options` against an object schema and fills in defaults, throwing a ConfigError naming
 * the option's config path. The core validates configs with the same schema; this makes the
 * plugins safe to call directly, too.
 */
export function resolveOptions<T>(schema: Schema, options: unknown, where: string): T {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    fail(`${where || 'options'}: expected an object of options, got ${show(options)}`, where);
  }
  const props = schema.properties ?? {};
  const given = options as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (!(key in props) && schema.additionalProperties === false) {
      fail(`${at(where, key)}: unknown option (expected one of: ${Object.keys(props).join(', ')})`, at(where, key));
    }
  }
  for (const key of schema.required ?? []) {
    if (given[key] === undefined) fail(`${at(where, key)}: required`, at(where, key));
  }
  for (const [key, sub] of Object.entries(props)) {
    const value = given[key];
    if (value === undefined) {
      if (sub.default !== undefined) out[key] = clone(sub.default);
      continue;
    }
    const problem = check(sub, value);
    if (problem) fail(`${at(where, key)}: ${problem}`, at(where, key));
    out[key] = value;
  }
  return out as T;
}

function check(s: Schema, v: unknown): string | null {
  if (s.anyOf) {
    return s.anyOf.some((alt) => check(alt, v) === null) ? null : `must be ${describe(s)}, got ${show(v)}`;
  }
  const bad = `must be ${describe(s)}, got ${show(v)}`;
  if (s.enum && !s.enum.some((e) => e === v)) return bad;
  switch (s.type) {
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return bad;
      break;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad;
      break;
    case 'string':
      if (typeof v !== 'string') return bad;
      if (s.minLength !== undefined && v.length < s.minLength) return bad;
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return bad;
      break;
    case 'array': {
      if (!Array.isArray(v)) return bad;
      if (s.minItems !== undefined && v.length < s.minItems) return bad;
      if (s.uniqueItems && new Set(v).size !== v.length) return `must not repeat items, got ${show(v)}`;
      if (s.items) {
        for (const item of v) {
          const p = check(s.items, item);
          if (p) return `items ${p}`;
        }
      }
      break;
    }
    case 'object':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad;
      break;
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return bad;
    if (s.maximum !== undefined && v > s.maximum) return bad;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return bad;
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return bad;
  }
  return null;
}

function describe(s: Schema): string {
  if (s.anyOf) return s.anyOf.map(describe).join(' or ');
  if (s.enum) return s.enum.length === 1 ? show(s.enum[0]) : `one of ${s.enum.map(show).join(', ')}`;
  const bounds: string[] = [];
  if (s.minimum !== undefined) bounds.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) bounds.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  const b = bounds.length ? ' ' + bounds.join(' and ') : '';
  switch (s.type) {
    case 'integer':
      return `an integer${b}`;
    case 'number':
      return `a number${b}`;
    case 'string':
      return s.minLength ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return s.items ? `a list, each item ${describe(s.items)}` : 'a list';
    case 'object':
      return 'an object';
    default:
      return 'valid';
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function clone<T>(v: T): T {
  return Array.isArray(v) ? (v.slice() as unknown as T) : v;
}
