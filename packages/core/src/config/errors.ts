import type { ErrorObject } from 'ajv';
import { ConfigError } from '../plugins/types';

/**
 * Turns ajv error objects into one short sentence: `file: dotted.path: expected X, found Y`.
 * The translation is by keyword, never by field, so plugin option schemas get the same messages.
 * It needs ajv's `verbose: true` (for `parentSchema` and `data`).
 */

// ---------------------------------------------------------------- suggestions

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2: number[] = new Array(n + 1).fill(0);
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur: number[] = new Array(n + 1);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}

const normalize = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The candidate the user most likely meant by `word`, or undefined when none is close.
 * Case, `-` and `_` are ignored first (batch_size → batchSize); then up to 1, 2 or 3 edits for
 * words of 4-5, 6-8 or more characters (short words only match exactly: "gpu" is not a typo of
 * "cpu"); then an unambiguous prefix of 4+ characters (warmup → warmupEpochs).
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  if (!word || candidates.length === 0) return undefined;
  const w = normalize(word);
  const exact = candidates.find((c) => normalize(c) === w);
  if (exact !== undefined) return exact;
  const limit = w.length <= 3 ? 0 : w.length <= 5 ? 1 : w.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, normalize(c));
    if (d <= limit && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best !== undefined) return best;
  if (w.length >= 4) {
    const prefixed = candidates.filter((c) => {
      const n = normalize(c);
      return n.startsWith(w) || (n.length >= 4 && w.startsWith(n));
    });
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

// ---------------------------------------------------------------- values

/** YAML-flavoured name of a value's type, for "found ... (string)". */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'not a finite number';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}

function flow(v: unknown, budget: { left: number }): string {
  if (budget.left <= 0) return '…';
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v.length > 48 ? v.slice(0, 45) + '…' : v);
  else if (v === undefined) s = 'nothing';
  else if (v === null || typeof v !== 'object') s = String(v);
  else if (Array.isArray(v)) {
    budget.left -= 2;
    const parts: string[] = [];
    for (const x of v) {
      if (budget.left <= 0) {
        parts.push('…');
        break;
      }
      parts.push(flow(x, budget));
    }
    return `[${parts.join(', ')}]`;
  } else {
    budget.left -= 2;
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as object)) {
      if (budget.left <= 0) {
        parts.push('…');
        break;
      }
      budget.left -= k.length + 2;
      parts.push(`${k}: ${flow(x, budget)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  budget.left -= s.length;
  return s;
}

/** A short one-line rendering of a value: strings quoted, lists and mappings in YAML flow style, cut at ~60 chars. */
export function formatValue(v: unknown): string {
  return flow(v, { left: 60 });
}

function literal(v: unknown): string {
  return typeof v === 'string' ? v : formatValue(v);
}

// ---------------------------------------------------------------- schemas

const NOUNS: Record<string, [string, string]> = {
  integer: ['an integer', 'integers'],
  number: ['a number', 'numbers'],
  string: ['a string', 'strings'],
  boolean: ['true or false', 'true/false values'],
  object: ['a mapping', 'mappings'],
  array: ['a list', 'lists'],
  null: ['null', 'nulls'],
};

function bounds(s: any): string[] {
  const lower =
    typeof s.exclusiveMinimum === 'number' ? `> ${s.exclusiveMinimum}` : typeof s.minimum === 'number' ? `>= ${s.minimum}` : '';
  const upper =
    typeof s.exclusiveMaximum === 'number' ? `< ${s.exclusiveMaximum}` : typeof s.maximum === 'number' ? `<= ${s.maximum}` : '';
  const out: string[] = [];
  if (lower && upper) out.push(`${lower} and ${upper}`);
  else if (lower || upper) out.push(lower || upper);
  if (typeof s.multipleOf === 'number') out.push(`(a multiple of ${s.multipleOf})`);
  return out;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeType(s: any, t: string, many: boolean): string {
  const nouns = NOUNS[t] ?? [`a ${t}`, `${t}s`];
  let noun = nouns[many ? 1 : 0];
  const parts: string[] = [];
  if (t === 'number' || t === 'integer') parts.push(...bounds(s));
  if (t === 'string') {
    if (s.minLength === 1 && s.maxLength === undefined) noun = many ? 'non-empty strings' : 'a non-empty string';
    else {
      if (typeof s.minLength === 'number' && s.minLength > 0) parts.push(`of at least ${plural(s.minLength, 'character')}`);
      if (typeof s.maxLength === 'number') parts.push(`of at most ${plural(s.maxLength, 'character')}`);
    }
    if (typeof s.pattern === 'string') parts.push(`matching /${s.pattern}/`);
    if (typeof s.format === 'string') parts.push(`in ${s.format} format`);
  }
  if (t === 'array') {
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
      const inner = describeSchema(s.items, true);
      if (inner !== 'values') noun += ` of ${inner}`;
    }
    if (typeof s.minItems === 'number' && s.minItems === s.maxItems) parts.push(`with exactly ${plural(s.minItems, 'item')}`);
    else {
      if (typeof s.minItems === 'number' && s.minItems > 0) parts.push(`with at least ${plural(s.minItems, 'item')}`);
      if (typeof s.maxItems === 'number') parts.push(`with at most ${plural(s.maxItems, 'item')}`);
    }
    if (s.uniqueItems === true) parts.push('without duplicates');
  }
  if (t === 'object' && Array.isArray(s.required) && s.required.length > 0) {
    const keys = s.required.map((k: string) => `"${k}"`);
    parts.push(keys.length === 1 ? `with key ${keys[0]}` : `with keys ${keys.join(', ')}`);
  }
  return [noun, ...parts].join(' ');
}

function typesOf(s: any): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].some((k) => k in s)) return ['number'];
  if (['minLength', 'maxLength', 'pattern', 'format'].some((k) => k in s)) return ['string'];
  if (['items', 'minItems', 'maxItems', 'uniqueItems'].some((k) => k in s)) return ['array'];
  if (['properties', 'required', 'additionalProperties'].some((k) => k in s)) return ['object'];
  return [];
}

/** What a schema accepts, as a noun phrase: "an integer >= 1", "one of adam, sgd, rmsprop", "a list of numbers". */
export function describeSchema(schema: unknown, many = false): string {
  if (schema === false) return 'nothing';
  if (!schema || typeof schema !== 'object') return many ? 'values' : 'any value';
  const s = schema as any;
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.length === 1 ? literal(s.enum[0]) : `one of ${s.enum.map(literal).join(', ')}`;
  const branches = s.anyOf ?? s.oneOf;
  if (Array.isArray(branches) && !s.type) {
    const described = branches.map((b: unknown) => describeSchema(b, many));
    if (!described.some((d: string) => d === 'any value' || d === 'values')) return described.join(' or ');
  }
  const types = typesOf(s);
  if (types.length === 0) return many ? 'values' : 'any value';
  return types.map((t) => describeType(s, t, many)).join(' or ');
}

// ---------------------------------------------------------------- paths

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Appends JSON-pointer segments to a dotted path: list indices as [i], other keys after a dot. */
export function pointerToPath(base: string, pointer: string, data: unknown): string {
  let out = base;
  let cur: any = data;
  if (!pointer) return out;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = unescapePointer(raw);
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      out += (out ? '.' : '') + (/^[^.\[\]\s]+$/.test(seg) ? seg : JSON.stringify(seg));
      cur = cur && typeof cur === 'object' ? cur[seg] : undefined;
    }
  }
  return out;
}

function childPath(base: string, key: string): string {
  return (base ? base + '.' : '') + key;
}

// ---------------------------------------------------------------- picking the error

const SHALLOW = new Set(['type', 'const', 'enum']);
const COMBINATORS = new Set(['anyOf', 'oneOf']);

/**
 * With allErrors off, ajv stops at the first failing keyword, but a failing anyOf/oneOf (or if/then)
 * reports its branches' errors before its own. Keep the branch error when exactly one branch fitted
 * the value's shape (its errors are deeper than a type mismatch), else keep the combinator's.
 */
function pick(errors: ErrorObject[]): ErrorObject {
  let list = errors;
  for (;;) {
    const last = list[list.length - 1];
    if (list.length > 1 && last.keyword === 'if') {
      list = list.slice(0, -1);
      continue;
    }
    if (list.length > 1 && last.keyword === 'propertyNames') return last;
    if (list.length > 1 && COMBINATORS.has(last.keyword) && !(last.params as any).passingSchemas) {
      const before = list.slice(0, -1);
      const relevant = before.filter(
        (e) =>
          e.instancePath.startsWith(last.instancePath + '/') ||
          (e.instancePath === last.instancePath && !SHALLOW.has(e.keyword)),
      );
      const prefix = last.schemaPath + '/';
      const branchOf = (e: ErrorObject): string | undefined =>
        e.schemaPath.startsWith(prefix) ? e.schemaPath.slice(prefix.length).split('/')[0] : undefined;
      const branches = new Set(relevant.map(branchOf));
      if (relevant.length > 0 && branches.size === 1 && !branches.has(undefined)) {
        const b = [...branches][0];
        list = before.filter((e) => branchOf(e) === b);
        continue;
      }
    }
    return last;
  }
}

// ---------------------------------------------------------------- messages

const BOUND_KEYWORDS = new Set([
  'type',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'enum',
  'const',
]);

function found(value: unknown, withType: boolean): string {
  const tag = value === null ? 'an empty value' : typeName(value);
  return `found ${formatValue(value)}${withType ? ` (${tag})` : ''}`;
}

/** Whether a value's JSON type is among the types of the allowed literal values. */
function sameTypeAsAny(value: unknown, literals: unknown[]): boolean {
  return literals.some((l) => typeName(l) === typeName(value));
}

function detail(e: ErrorObject, path: string): { text: string; path: string } {
  const parent: any = e.parentSchema ?? {};
  const value = e.data;
  const params: any = e.params ?? {};
  switch (e.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      const present = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
      const typo = present.find((k) => closestMatch(k, [key]) !== undefined);
      const hint = typo !== undefined ? ` (found "${typo}": a typo?)` : '';
      return { text: `missing required key "${key}"${hint}`, path: childPath(path, key) };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {}).filter((k) => !k.startsWith('$'));
      const expected = allowed.length ? `expected one of: ${allowed.join(', ')}` : 'no keys are allowed here';
      const guess = closestMatch(key, allowed);
      const hint = guess !== undefined ? `; did you mean "${guess}"?` : '';
      return { text: `unknown key "${key}" (${expected})${hint}`, path: childPath(path, key) };
    }
    case 'propertyNames':
      return {
        text: `key "${params.propertyName}" is not allowed (keys must be ${describeSchema(e.schema)})`,
        path: childPath(path, String(params.propertyName)),
      };
    case 'dependencies':
    case 'dependentRequired':
      return { text: `key "${params.property}" needs key "${params.missingProperty}" as well`, path };
    case 'uniqueItems':
      return {
        text: `expected ${describeSchema(parent)}, found ${formatValue(value)} (items ${params.j} and ${params.i} are equal)`,
        path,
      };
    case 'false schema':
      return { text: 'is not allowed here', path };
    case 'not':
      return { text: `must not be ${describeSchema(e.schema)}, found ${formatValue(value)}`, path };
    case 'anyOf':
    case 'oneOf': {
      const branches: unknown[] = Array.isArray(e.schema) ? (e.schema as unknown[]) : [];
      const forms = branches.map((b) => describeSchema(b));
      if (params.passingSchemas) {
        return { text: `${formatValue(value)} fits more than one of the allowed forms (${forms.join('; ')})`, path };
      }
      const expected = forms.length && !forms.includes('any value') ? forms.join(' or ') : 'one of the allowed forms';
      return { text: `expected ${expected}, ${found(value, true)}`, path };
    }
    default: {
      if (BOUND_KEYWORDS.has(e.keyword)) {
        let withType = e.keyword === 'type';
        if (e.keyword === 'enum' && Array.isArray(e.schema)) withType = !sameTypeAsAny(value, e.schema as unknown[]);
        if (e.keyword === 'const') withType = !sameTypeAsAny(value, [e.schema]);
        let text = `expected ${describeSchema(parent)}, ${found(value, withType)}`;
        const literals = e.keyword === 'enum' ? (e.schema as unknown[]) : Array.isArray(parent.enum) ? parent.enum : undefined;
        if (typeof value === 'string' && Array.isArray(literals)) {
          const guess = closestMatch(value, literals.filter((l): l is string => typeof l === 'string'));
          if (guess !== undefined) text += `; did you mean "${guess}"?`;
        }
        if (e.keyword === 'type' && typesOf(parent).join() === 'object' && Array.isArray(parent.required)) {
          if (parent.required.length === 1 && value !== null && typeof value !== 'object') {
            text += ` (write it as { ${parent.required[0]}: ${literal(value)} })`;
          }
        }
        return { text, path };
      }
      return { text: `${e.message ?? `fails "${e.keyword}"`}, found ${formatValue(value)}`, path };
    }
  }
}

/**
 * The ConfigError for a failed ajv validation. `data` is the value that was validated (for list
 * indices in paths), `where.path` the dotted path it sits at ("" for a whole config).
 * The error's `path` is the dotted path of the offending key.
 */
export function ajvErrorToConfigError(
  errors: readonly ErrorObject[] | null | undefined,
  data: unknown,
  where: { file?: string; path?: string },
): ConfigError {
  const base = where.path ?? '';
  if (!errors || errors.length === 0) {
    return new ConfigError(`${where.file ? where.file + ': ' : ''}${base || 'config'}: is not valid`, base);
  }
  const e = pick([...errors]);
  const path = pointerToPath(base, e.instancePath, data);
  const d = detail(e, path);
  const message = `${where.file ? where.file + ': ' : ''}${path || 'top level'}: ${d.text}`.replace(/\s*\n\s*/g, ' ');
  return new ConfigError(message, d.path);
}
