import { ConfigError } from '../plugins/types';

/** Parses the text after `=` in `--set path=value` (the vaekit CLI reads it as YAML). */
export type ValueParser = (text: string) => unknown;

export interface SetArgument {
  /** Dotted config path, such as "train.optimizer.lr" (list items as "hidden[0]" or "hidden.0"). */
  path: string;
  value: unknown;
}

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const PATH_RE = /^[^.\[\]\s=]+(?:\.[^.\[\]\s=]+|\[\d+\])*$/;

/** The most parts a config path may have (`model.encoder.hidden[0]` has 4). */
export const MAX_PATH_DEPTH = 32;
/** The longest config path, in characters. */
export const MAX_PATH_LENGTH = 1000;

/** A value from untrusted input as shown in a message: one line, control and bidi characters as `?`, at most `max` characters. */
export function shownValue(v: unknown, max: number): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  // eslint-disable-next-line no-control-regex
  const t = String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
  return t.length > max ? t.slice(0, max - 3) + '...' : t;
}

/** Text from the command line as shown in a message: control characters escaped, at most `max` characters. */
export function showArgument(text: string, max = 100): string {
  const cut = text.length > max ? text.slice(0, max - 3) + '...' : text;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The path as quoted in messages: control characters escaped, at most 80 characters. */
function quote(dotted: string): string {
  return `"${showArgument(dotted, 80)}"`;
}

/** Splits "model.encoder.hidden[0]" into ["model", "encoder", "hidden", 0]; throws a ConfigError for a malformed path. */
export function splitPath(dotted: string): Array<string | number> {
  if (dotted.length > MAX_PATH_LENGTH) {
    throw new ConfigError(`${quote(dotted)} is not a config path: it is ${dotted.length} characters long (at most ${MAX_PATH_LENGTH})`, dotted.slice(0, 80));
  }
  if (!PATH_RE.test(dotted)) {
    const bad = /\[([^\]]*)\]/.exec(dotted.replace(/\[\d+\]/g, ''));
    const why = bad ? `: [${bad[1]}] is not a list item number (expected [0], [1], ...)` : ' (such as train.optimizer.lr)';
    throw new ConfigError(`${quote(dotted)} is not a dotted config path${why}`, dotted);
  }
  const out: Array<string | number> = [];
  for (const m of dotted.matchAll(/([^.\[\]]+)|\[(\d+)\]/g)) {
    if (out.length >= MAX_PATH_DEPTH) {
      throw new ConfigError(`${quote(dotted)} is not a config path: it has more than ${MAX_PATH_DEPTH} parts`, dotted.slice(0, 80));
    }
    if (m[2] !== undefined) out.push(Number(m[2]));
    else {
      if (FORBIDDEN.has(m[1])) throw new ConfigError(`${quote(dotted)}: "${m[1]}" cannot be used as a config key`, dotted);
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
        throw new ConfigError(`cannot set ${quote(dotted)}: ${at} is a list, so "${showArgument(String(seg))}" must be an item number`, dotted);
      }
      // A list grows by at most one item: a far index would allocate a huge, mostly empty list.
      if (i > cur.length) {
        const which = cur.length ? `items 0 to ${cur.length - 1}` : 'no items';
        throw new ConfigError(
          `cannot set ${quote(dotted)}: ${at} is a list with ${which}, so the item number must be at most ${cur.length} (${cur.length} adds one at the end), found ${seg}`,
          dotted,
        );
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
      throw new ConfigError(`cannot set ${quote(dotted)}: ${at} is ${show(here)}, not a mapping`, dotted);
    }
    cur = cur[key];
  }
}

/**
 * Parses one `--set` argument, `path=value`, such as `train.optimizer.lr=3e-4` or
 * `model.encoder.hidden=[512, 256]`. The value is read by `parseValue` (the vaekit CLI passes its
 * YAML reader). Errors are ConfigErrors that quote the argument.
 */
export function parseSetArgument(arg: string, parseValue: ValueParser): SetArgument {
  const eq = arg.indexOf('=');
  const shown = showArgument(arg);
  if (eq < 0) throw new ConfigError(`--set "${shown}": expected PATH=VALUE, such as train.optimizer.lr=3e-4`);
  const path = arg.slice(0, eq).trim();
  if (!path) throw new ConfigError(`--set "${shown}": the config path before "=" is empty (expected PATH=VALUE)`);
  try {
    splitPath(path);
  } catch (e) {
    throw new ConfigError(`--set "${shown}": ${(e as Error).message}`, path);
  }
  const text = arg.slice(eq + 1);
  let value: unknown;
  try {
    value = parseValue(text);
  } catch (e) {
    const reason = String((e as Error)?.message ?? e)
      .split('\n')[0]
      .replace(/\s*at line \d+, column \d+:?\s*$/, '');
    throw new ConfigError(`--set "${shown}": cannot read the value "${showArgument(text)}": ${reason}`, path);
  }
  return { path, value };
}
