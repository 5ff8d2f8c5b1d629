import { isAlias, LineCounter, parseDocument, visit } from 'yaml';
import { ConfigError, formatValue, typeName } from '@vaekit/core';

/** The deepest nesting of mappings and lists a config or a `--set` value may have. */
export const MAX_YAML_DEPTH = 64;

const TOO_DEEP = `mappings and lists nested more than ${MAX_YAML_DEPTH} levels deep`;

/** The parser's reason without its position suffix and code excerpt: "Map keys must be unique". */
function shortReason(message: string): string {
  if (/Maximum call stack size exceeded/i.test(message)) return TOO_DEEP;
  return message
    .split('\n')[0]
    .replace(/\s*at line \d+, column \d+:?\s*$/, '')
    .trim();
}

/** True when a parsed value nests mappings and lists deeper than MAX_YAML_DEPTH (checked without recursion). */
function tooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= MAX_YAML_DEPTH) return true;
    for (const c of Array.isArray(v) ? v : Object.values(v as object)) stack.push([c, d + 1]);
  }
  return false;
}

/**
 * Parses a YAML document into plain data. A syntax error becomes a one-line ConfigError:
 * `configs/x.yaml: invalid YAML at line 3, column 1: Map keys must be unique`.
 * `file` is the name shown in messages. An empty document (or only comments) gives undefined.
 */
export function parseYamlText(text: string, file: string): unknown {
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  } catch (e) {
    throw new ConfigError(`${file}: invalid YAML: ${shortReason(String((e as Error)?.message ?? e))}`);
  }
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const reason =
      err.code === 'MULTIPLE_DOCS'
        ? 'a config file holds one YAML document, but a second one starts here ("---")'
        : shortReason(err.message);
    throw new ConfigError(`${file}: invalid YAML${at}: ${reason}`);
  }
  if (doc.contents === null) return undefined;
  try {
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (tooDeep(value)) throw new ConfigError(`${file}: invalid YAML: ${TOO_DEEP}`);
    return value;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // toJS fails on an alias (*name) without an anchor (&name) before it: point at the alias.
    let at = '';
    visit(doc, {
      Alias(_key, node) {
        if (isAlias(node) && node.resolve(doc) === undefined && node.range) {
          const pos = lines.linePos(node.range[0]);
          at = ` at line ${pos.line}, column ${pos.col}`;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    throw new ConfigError(`${file}: invalid YAML${at}: ${shortReason(String((e as Error)?.message ?? e))}`);
  }
}

/**
 * Reads a `--set` value as YAML: 3e-4 → number, true → boolean, [1, 2] → list, {a: 1} → mapping,
 * anything else → string; an empty value is null. Throws an Error with the parser's short reason.
 */
export function parseYamlValue(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new Error(`${shortReason(e.message)}${pos ? ` at column ${pos.col}` : ''}`);
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    throw new Error(shortReason(String((e as Error)?.message ?? e)));
  }
  if (tooDeep(value)) throw new Error(TOO_DEEP);
  return value;
}

/** "a list", "a mapping"... for the top-level check. */
export function describeFound(v: unknown): string {
  return `${formatValue(v)} (${typeName(v)})`;
}
