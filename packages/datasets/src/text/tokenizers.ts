import type { TokenizerSpec } from '@vaekit/core';

/**
 * Cutting a line of text into tokens. Four kinds:
 * - `words`: runs of non-whitespace (Unicode whitespace separates);
 * - `chars`: Unicode code points (an emoji or a letter outside the BMP is one token, not two UTF-16 units);
 * - `smiles`: the standard SMILES regular expression (the Molecular Transformer of Schwaller et al.), so Cl, Br, bracket atoms
 *   such as [nH+] and two-digit ring bonds such as %12 are single tokens; a character it cannot cut
 *   is an error, never silently dropped;
 * - `regex`: every match of a user pattern is a token, text between matches is skipped.
 */

/** The SMILES tokeniser's pattern (written for Unicode mode, where a lone `]` must be escaped). */
export const SMILES_PATTERN =
  '(\\[[^\\]]+\\]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\\(|\\)|\\.|=|#|-|\\+|\\\\|/|:|~|@|\\?|>|\\*|\\$|%[0-9]{2}|[0-9])';

/** Flags a regex tokenizer's pattern may carry besides the 'gu' it always gets. */
const USER_FLAGS = /^[ims]*$/;

/** A token the tokenizer could not produce: where in the line (0-based code-point column) and what. */
export class TokenizeError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

export type Tokenizer = (line: string) => string[];

/**
 * Why `pattern` cannot be a tokenizer's pattern, or null when it can: it must compile (in Unicode
 * mode), must not match the empty string (a token is at least one character) and must not nest
 * quantifiers, such as (a+)+, that can take exponential time on a line that does not match.
 */
export function patternProblem(pattern: string, flags = ''): string | null {
  if (!USER_FLAGS.test(flags)) return `flags '${flags}' are not allowed (only i, m and s)`;
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags + 'gu');
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  re.lastIndex = 0;
  if (re.test('') || matchesEmptyIn(pattern, flags)) return 'it can match the empty string; a token must be at least one character';
  const nested = nestedQuantifier(pattern);
  if (nested) return `nested quantifiers (${nested}) can take exponential time on some lines; write the pattern without a repeated group that itself repeats`;
  return null;
}

/** Whether the pattern matches an empty string inside some short probe text (lookarounds, \b). */
function matchesEmptyIn(pattern: string, flags: string): boolean {
  const re = new RegExp(pattern, flags + 'gu');
  for (const probe of ['a', 'ab c', 'A1 .', '[x]', 'é ']) {
    re.lastIndex = 0;
    for (const m of probe.matchAll(re)) if (m[0].length === 0) return true;
  }
  return false;
}

/**
 * A quantified group that contains a quantifier, such as `(a+)+` or `(?:\w*\s?){2,}`: the classic
 * shape of catastrophic backtracking. Returns the offending group's text, or null. Escapes and
 * character classes are skipped; a quantifier of at most one repetition (`?`, `{0,1}`) does not count.
 */
function nestedQuantifier(p: string): string | null {
  const open: { start: number; hasQuantifier: boolean }[] = [];
  const repeats = (i: number): number => {
    // Length of a quantifier that allows more than one repetition at p[i], else 0.
    const c = p[i];
    if (c === '*' || c === '+') return 1;
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (m && (m[2] === undefined ? Number(m[1]) > 1 : m[3] === '' || Number(m[3]) > 1)) return m[0].length;
    }
    return 0;
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      for (i++; i < p.length && p[i] !== ']'; i++) if (p[i] === '\\') i++;
      if (repeats(i + 1) && open.length) open[open.length - 1].hasQuantifier = true;
      continue;
    }
    if (c === '(') {
      open.push({ start: i, hasQuantifier: false });
      continue;
    }
    if (c === ')') {
      const g = open.pop();
      if (!g) continue;
      const q = repeats(i + 1);
      if (q && g.hasQuantifier) return p.slice(g.start, i + 1 + q);
      if ((q || g.hasQuantifier) && open.length) open[open.length - 1].hasQuantifier = true;
      continue;
    }
    if (repeats(i) && open.length) open[open.length - 1].hasQuantifier = true;
  }
  return null;
}

/**
 * A function cutting lines into tokens as `spec` says. Whitespace around a line is ignored by
 * every kind (a line of `chars` does not start with a space token); `lowercase` applies first.
 */
export function makeTokenizer(spec: TokenizerSpec): Tokenizer {
  const lower = spec.lowercase ? (s: string) => s.toLowerCase().trim() : (s: string) => s.trim();
  switch (spec.kind) {
    case 'words':
      return (line) => {
        const t = lower(line);
        return t ? t.split(/\s+/u) : [];
      };
    case 'chars':
      return (line) => Array.from(lower(line));
    case 'smiles':
      return smilesTokens;
    case 'regex': {
      const problem = patternProblem(spec.pattern, spec.flags);
      if (problem) throw new Error(`regex tokenizer pattern: ${problem}`);
      const re = new RegExp(spec.pattern, (spec.flags ?? '') + 'gu');
      return (line) => {
        const out: string[] = [];
        re.lastIndex = 0;
        const t = lower(line);
        for (const m of t.matchAll(re)) {
          // Cannot happen after patternProblem's probes, unless the empty match needs rarer context.
          if (m[0].length === 0) throw new TokenizeError(`the pattern matched the empty string`, codePointColumn(t, m.index ?? 0));
          out.push(m[0]);
        }
        return out;
      };
    }
    default:
      throw new Error(`unknown tokenizer kind '${(spec as { kind: string }).kind}'`);
  }
}

/** The tokens of one line (see makeTokenizer; build the tokenizer once for many lines). */
export function tokenize(line: string, spec: TokenizerSpec): string[] {
  return makeTokenizer(spec)(line);
}

const SMILES_STICKY = new RegExp(SMILES_PATTERN, 'yu');

/** SMILES tokens; whitespace around the string is ignored, anything the pattern cannot cut is a TokenizeError. */
function smilesTokens(line: string): string[] {
  const s = line.trim();
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    SMILES_STICKY.lastIndex = i;
    const m = SMILES_STICKY.exec(s);
    if (!m) {
      const ch = String.fromCodePoint(s.codePointAt(i) as number);
      const col = codePointColumn(line, line.indexOf(s) + i);
      const hint = ch === '[' ? ' (an unclosed bracket atom)' : /\s/u.test(ch) ? ' (a SMILES string has no spaces)' : '';
      throw new TokenizeError(`'${ch}' at column ${col + 1} is not part of a SMILES token${hint}`, col);
    }
    out.push(m[0]);
    i += m[0].length;
  }
  return out;
}

/** The code-point column of UTF-16 index `i` in `s`. */
function codePointColumn(s: string, i: number): number {
  let col = 0;
  for (let k = 0; k < i; k++) {
    const c = s.charCodeAt(k);
    if (c < 0xd800 || c > 0xdbff) col++;
  }
  return col;
}

/** How decoded tokens are joined back into text: words (and regex tokens) with a space, characters and SMILES with nothing. */
export function tokenSeparator(spec: TokenizerSpec): string {
  return spec.kind === 'chars' || spec.kind === 'smiles' ? '' : ' ';
}

/**
 * Checks a TokenizerSpec read from an untrusted place (a checkpoint); returns the problem or null.
 */
export function tokenizerSpecProblem(spec: unknown): string | null {
  if (typeof spec !== 'object' || spec === null) return 'expected a tokenizer object';
  const s = spec as Record<string, unknown>;
  if (typeof s.lowercase !== 'boolean') return 'expected lowercase: true or false';
  switch (s.kind) {
    case 'words':
    case 'chars':
      return null;
    case 'smiles':
      return s.lowercase ? 'a smiles tokenizer never lowercases' : null;
    case 'regex':
      if (typeof s.pattern !== 'string' || !s.pattern) return 'a regex tokenizer needs a pattern';
      if (s.flags !== undefined && typeof s.flags !== 'string') return 'flags must be a string';
      return patternProblem(s.pattern, s.flags as string | undefined);
    default:
      return `unknown tokenizer kind ${JSON.stringify(s.kind)} (expected words, chars, smiles or regex)`;
  }
}

/** The spec in words, for messages: "words, lowercased", "regex /\w+/". */
export function describeTokenizer(spec: TokenizerSpec): string {
  const base = spec.kind === 'regex' ? `regex /${spec.pattern}/${spec.flags ?? ''}` : spec.kind;
  return spec.lowercase ? `${base}, lowercased` : base;
}

/** Whether two specs cut text the same way. */
export function sameTokenizer(a: TokenizerSpec, b: TokenizerSpec): boolean {
  if (a.kind !== b.kind || a.lowercase !== b.lowercase) return false;
  if (a.kind === 'regex' && b.kind === 'regex') return a.pattern === b.pattern && (a.flags ?? '') === (b.flags ?? '');
  return true;
}
