import { ConfigError } from '../plugins/types';

/** Parses the text after `=` in `--set path=value`; the tuner passes a YAML parser. */
export type ValueParser = (text: string) => unknown;

export interface SetArgument {
  /** Dotted config path, such as "train.optimizer.lr" (list items as "hidden[0]" or "hidden.0"). */
  path: string;
  value: unknown;
}

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const PATH_RE = /^[^.\[\]\s=]+(?:\.[^.\[\]\s=]+|\[\d+\])*$/;

/** Splits "model.encoder.hidden[0]" into ["model", "encoder", "hidden", 0]; throws a ConfigError for a malformed path. */
export function splitPath(dotted: string): Array<string | number> {
  if (!PATH_RE.test(dotted)) {
    throw new ConfigError(`"${dotted}" is not a dotted config path (such as train.optimizer.lr)`, dotted);
  }
  const out: Array<string | number> = [];
  for (const m of dotted.matchAll(/([^.\[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else {
      if (FORBIDDEN.has(m[1])) throw new ConfigError(`"${dotted}": "${m[1]}" cannot be used as a config key`, dotted);
      out.push(m[1]);
    }
  }
  return out;
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return v !== null && typeof v === 'object';
}

function show(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `${JSON.stringify(v)} (string)`;
  return `${String(v)} (${v === null ? 'null' : typeof v})`;
}

/** The value at a dotted path, or undefined when any part of it is missing. */
export function getPath(obj: unknown, dotted: string): unknown {
  let cur: any = obj;
  for (const seg of splitPath(dotted)) {
    if (!isContainer(cur)) return undefined;
    if (Array.isArray(cur)) {
      const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
      cur = Number.isInteger(i) ? cur[i] : undefined;
    } else {
      cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    }
  }
  return cur;
}

/**
 * Sets the value at a dotted path, creating missing mappings on the way (a list for a `[i]` segment).
 * Throws a ConfigError when a part of the path already holds something that is not a mapping or list.
 */
export function setPath(obj: Record<string, unknown> | unknown[], dotted: string, value: unknown): void {
  if (!isContainer(obj)) throw new ConfigError(`cannot set "${dotted}": the config is not a mapping`, dotted);
  const segs = splitPath(dotted);
  let cur: any = obj;
  let at = '';
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k];
    const last = k === segs.length - 1;
    let key: string | number = seg;
    if (Array.isArray(cur)) {
      const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
      if (!Number.isInteger(i)) {
        throw new ConfigError(`cannot set "${dotted}": ${at} is a list, so "${seg}" must be an item number`, dotted);
      }
      key = i;
    }
    if (last) {
      cur[key] = value;
      return;
    }
    const next = segs[k + 1];
    at = typeof seg === 'number' ? `${at}[${seg}]` : at ? `${at}.${seg}` : seg;
    const here = Array.isArray(cur) || Object.prototype.hasOwnProperty.call(cur, key) ? cur[key] : undefined;
    if (here === undefined || here === null) {
      cur[key] = typeof next === 'number' ? [] : {};
    } else if (!isContainer(here)) {
      throw new ConfigError(`cannot set "${dotted}": ${at} is ${show(here)}, not a mapping`, dotted);
    }
    cur = cur[key];
  }
}

/**
 * Parses one `--set` argument, `path=value`, such as `train.optimizer.lr=3e-4` or
 * `model.encoder.hidden=[512, 256]`. The value is read by `parseValue` (the tuner passes a YAML
 * parser); the default, parseFlowValue, reads YAML scalars and flow lists/mappings.
 * Errors are ConfigErrors that quote the argument.
 */
export function parseSetArgument(arg: string, parseValue: ValueParser = parseFlowValue): SetArgument {
  const eq = arg.indexOf('=');
  if (eq < 0) throw new ConfigError(`--set "${arg}": expected PATH=VALUE, such as train.optimizer.lr=3e-4`);
  const path = arg.slice(0, eq).trim();
  if (!path) throw new ConfigError(`--set "${arg}": the config path before "=" is empty (expected PATH=VALUE)`);
  try {
    splitPath(path);
  } catch (e) {
    throw new ConfigError(`--set "${arg}": ${(e as Error).message}`, path);
  }
  const text = arg.slice(eq + 1);
  let value: unknown;
  try {
    value = parseValue(text);
  } catch (e) {
    const reason = String((e as Error)?.message ?? e)
      .split('\n')[0]
      .replace(/\s*at line \d+, column \d+:?\s*$/, '');
    throw new ConfigError(`--set "${arg}": cannot read the value ${JSON.stringify(text)}: ${reason}`, path);
  }
  return { path, value };
}

// ---------------------------------------------------------------- a tiny YAML flow reader

/** A plain scalar resolved as YAML 1.2's core schema does: null, booleans, ints, floats, else the string. */
export function resolvePlainScalar(s: string): unknown {
  if (s === '' || s === '~' || /^(null|Null|NULL)$/.test(s)) return null;
  if (/^(true|True|TRUE)$/.test(s)) return true;
  if (/^(false|False|FALSE)$/.test(s)) return false;
  if (/^[-+]?[0-9]+$/.test(s)) return Number(s);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

/**
 * Reads a `--set` value without a YAML library: a YAML 1.2 core scalar (3e-4, true, null, ~, text),
 * a quoted string, or a flow list/mapping such as `[1, 2]` or `{a: 1, b: [x, y]}`.
 * An empty value is null, as in YAML. Throws an Error naming the column on malformed input.
 */
export function parseFlowValue(text: string): unknown {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new Error(`${what} at column ${i + 1}`);
  };
  const ws = (): void => {
    while (i < n && /\s/.test(text[i])) i++;
    if (text[i] === '#' && (i === 0 || /\s/.test(text[i - 1]))) i = n;
  };
  const quoted = (): string => {
    const q = text[i];
    const start = i++;
    if (q === "'") {
      let out = '';
      for (;;) {
        if (i >= n) fail('missing closing quote');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          return out;
        }
        out += text[i++];
      }
    }
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= n) fail('missing closing quote');
    i++;
    try {
      return JSON.parse(text.slice(start, i));
    } catch {
      i = start;
      return fail('bad escape in a double-quoted string');
    }
  };
  const plain = (inFlow: boolean): unknown => {
    const start = i;
    while (i < n) {
      const c = text[i];
      if (inFlow && (c === ',' || c === ']' || c === '}')) break;
      if (c === ':' && inFlow && (i + 1 >= n || /[\s,\]}]/.test(text[i + 1]))) break;
      if (c === '#' && i > start && /\s/.test(text[i - 1])) break;
      i++;
    }
    return resolvePlainScalar(text.slice(start, i).trim());
  };
  const node = (inFlow: boolean): unknown => {
    ws();
    const c = text[i];
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(node(true));
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') {
            i++;
            return out;
          }
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail(i >= n ? 'missing closing ]' : 'expected "," or "]"');
      }
    }
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const key = text[i] === '"' || text[i] === "'" ? quoted() : plain(true);
        ws();
        let value: unknown = null;
        if (text[i] === ':') {
          i++;
          value = node(true);
          ws();
        }
        const k = String(key);
        if (Object.prototype.hasOwnProperty.call(out, k)) fail(`duplicate key "${k}"`);
        Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') {
            i++;
            return out;
          }
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail(i >= n ? 'missing closing }' : 'expected "," or "}"');
      }
    }
    if (c === '"' || c === "'") return quoted();
    if (inFlow && (c === ']' || c === '}' || c === ',')) return null;
    return plain(inFlow);
  };
  const value = node(false);
  ws();
  if (i < n) fail(`unexpected "${text[i]}"`);
  return value;
}
