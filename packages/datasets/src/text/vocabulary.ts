import { BOS_ID, EOS_ID, PAD_ID, SequenceData, SPECIAL_TOKENS, TokenizerSpec, UNK_ID, Vocabulary } from '@vaekit/core';
import { DataError } from '../errors';
import { makeTokenizer, TokenizeError, tokenizerSpecProblem, tokenSeparator } from './tokenizers';

/**
 * Vocabularies: ids 0..3 are <pad> <bos> <eos> <unk>, then the words of the training split by
 * descending count, ties broken by code-unit (alphabetical for ASCII) order of the token, so the
 * same training lines give the same vocabulary in any order. A token spelled like a special
 * (`<unk>` in the Penn Treebank files, or `<eos>`) is never a word: it reads as <unk>.
 */

export interface VocabularyOptions {
  /** Keep at most this many words (the 4 specials not counted); the rest read as <unk>. */
  maxVocab?: number;
  /** Keep only words seen at least this many times in the training split; default 1. */
  minCount?: number;
}

/** Largest vocabulary accepted from a checkpoint (a bound on what an untrusted file can make us allocate). */
export const MAX_VOCABULARY = 1 << 24;

/**
 * Most distinct tokens a dataset may have while its vocabulary is built. Counting them takes about
 * 200 bytes each, so this bounds the memory a file of ever-new "words" (not text) can take to
 * about 1 GB (measured: 175 MB for a million); real corpora have far fewer (the Brown corpus 56,057, the
 * Penn Treebank 9,999).
 */
export const MAX_DISTINCT_TOKENS = 1 << 22;

/** Thrown by TokenTable when a dataset has more than MAX_DISTINCT_TOKENS distinct tokens. */
export class TooManyTokens extends Error {
  constructor(max: number) {
    super(
      `more than ${max.toLocaleString('en-US')} distinct tokens; is this text, one sequence per line? ` +
        '(a vocabulary this large cannot be trained; clean or lowercase the text first)',
    );
  }
}

/** Interns token strings to provisional ids in order of first appearance; the specials' names are <unk>. */
export class TokenTable {
  readonly types: string[] = [...SPECIAL_TOKENS];
  private readonly index = new Map<string, number>(SPECIAL_TOKENS.map((s) => [s, UNK_ID]));

  constructor(private readonly maxTypes = MAX_DISTINCT_TOKENS) {}

  id(token: string): number {
    let id = this.index.get(token);
    if (id === undefined) {
      if (this.types.length - SPECIAL_TOKENS.length >= this.maxTypes) throw new TooManyTokens(this.maxTypes);
      id = this.types.length;
      this.types.push(token);
      this.index.set(token, id);
    }
    return id;
  }
}

/** Token ids of many lines back to back, in growing typed arrays (no per-line arrays kept). */
export class SequenceBuilder {
  private tokens: Int32Array = new Int32Array(1024);
  private offsets: Int32Array = new Int32Array(256);
  private used = 0;
  n = 0;

  push(ids: ArrayLike<number>, count = ids.length): void {
    if (this.used + count > this.tokens.length) this.tokens = grow(this.tokens, this.used + count);
    if (this.n + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.n + 2);
    for (let k = 0; k < count; k++) this.tokens[this.used + k] = ids[k];
    this.used += count;
    this.offsets[++this.n] = this.used;
  }

  /** The sequences so far, in arrays of exactly their size. */
  data(): SequenceData {
    return { tokens: this.tokens.slice(0, this.used), offsets: this.offsets.slice(0, this.n + 1) };
  }
}

function grow(a: Int32Array, need: number): Int32Array {
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/**
 * The vocabulary from token counts: `types[i]` seen `counts[i]` times (ids below 4 are ignored).
 * Returns it with `remap`, taking each index of `types` to its id in the vocabulary (<unk> when left out).
 */
export function vocabularyFromCounts(
  types: string[],
  counts: ArrayLike<number>,
  tokenizer: TokenizerSpec,
  options: VocabularyOptions = {},
): { vocabulary: Vocabulary; remap: Int32Array } {
  const minCount = options.minCount ?? 1;
  const kept: number[] = [];
  for (let i = SPECIAL_TOKENS.length; i < types.length; i++) if (counts[i] >= Math.max(1, minCount)) kept.push(i);
  kept.sort((a, b) => counts[b] - counts[a] || (types[a] < types[b] ? -1 : types[a] > types[b] ? 1 : 0));
  if (options.maxVocab !== undefined && kept.length > options.maxVocab) kept.length = options.maxVocab;
  const remap = new Int32Array(types.length).fill(UNK_ID);
  const tokens: string[] = [...SPECIAL_TOKENS];
  for (const i of kept) {
    remap[i] = tokens.length;
    tokens.push(types[i]);
  }
  return { vocabulary: { tokens, tokenizer: { ...tokenizer } }, remap };
}

/** Builds a vocabulary from training lines (blank lines contribute nothing). */
export function buildVocabulary(lines: Iterable<string>, tokenizer: TokenizerSpec, options: VocabularyOptions = {}): Vocabulary {
  const cut = makeTokenizer(tokenizer);
  const table = new TokenTable();
  const counts: number[] = [];
  for (const line of lines) {
    for (const t of cut(line)) {
      const id = table.id(t);
      counts[id] = (counts[id] ?? 0) + 1;
    }
  }
  for (let i = 0; i < table.types.length; i++) counts[i] ??= 0;
  return vocabularyFromCounts(table.types, counts, tokenizer, options).vocabulary;
}

/** token → id for encoding with a vocabulary; the specials' names map to <unk>. */
export function vocabularyIndex(vocabulary: Vocabulary): Map<string, number> {
  const index = new Map<string, number>();
  vocabulary.tokens.forEach((t, id) => index.set(t, id < SPECIAL_TOKENS.length ? UNK_ID : id));
  return index;
}

/**
 * Checks a vocabulary from an untrusted place (a checkpoint, a file): a list of distinct non-empty
 * strings starting with <pad> <bos> <eos> <unk>, and a valid tokenizer. Throws a DataError naming
 * `where` (and the vocabulary as `name`) and what is wrong.
 */
export function checkVocabulary(v: unknown, where: string, name = 'the vocabulary'): asserts v is Vocabulary {
  const bad = (what: string): never => {
    throw new DataError(`${where}: ${name} ${what}`);
  };
  if (typeof v !== 'object' || v === null) bad('is not an object with tokens and tokenizer');
  const { tokens, tokenizer } = v as { tokens?: unknown; tokenizer?: unknown };
  if (!Array.isArray(tokens)) bad('has no tokens list');
  const list = tokens as unknown[];
  if (list.length > MAX_VOCABULARY) bad(`has ${list.length} tokens, more than the ${MAX_VOCABULARY} accepted`);
  const head = list.slice(0, SPECIAL_TOKENS.length);
  if (head.length < SPECIAL_TOKENS.length || SPECIAL_TOKENS.some((s, i) => head[i] !== s)) {
    bad(`must start with the special tokens ${SPECIAL_TOKENS.join(' ')} at ids 0..3, found ${JSON.stringify(head)}`);
  }
  const seen = new Set<string>();
  list.forEach((t, i) => {
    if (typeof t !== 'string' || t === '') bad(`token ${i} is ${JSON.stringify(t)}, expected a non-empty string`);
    if (seen.has(t as string)) bad(`lists ${JSON.stringify(t)} twice (ids ${list.indexOf(t)} and ${i})`);
    seen.add(t as string);
  });
  const problem = tokenizerSpecProblem(tokenizer);
  if (problem) bad(`tokenizer is invalid: ${problem}`);
}

/**
 * Encodes lines with a given vocabulary (unknown tokens → <unk>), cutting each to at most
 * `maxLength` tokens; every line is one sequence, a blank one an empty sequence. A line the
 * tokenizer cannot cut is a DataError naming `name` and the 1-based line.
 */
export function encodeLines(
  lines: Iterable<string>,
  vocabulary: Vocabulary,
  options: { maxLength?: number; name?: string } = {},
): SequenceData & { cut: number } {
  const cut = makeTokenizer(vocabulary.tokenizer);
  const index = vocabularyIndex(vocabulary);
  const builder = new SequenceBuilder();
  const max = options.maxLength ?? Infinity;
  let cutLines = 0;
  let line = 0;
  for (const text of lines) {
    line++;
    const toks = tokenizeAt(cut, text, options.name ?? 'input', line);
    if (toks.length > max) cutLines++;
    const n = Math.min(toks.length, max);
    const ids = new Int32Array(n);
    for (let k = 0; k < n; k++) ids[k] = index.get(toks[k]) ?? UNK_ID;
    builder.push(ids);
  }
  return { ...builder.data(), cut: cutLines };
}

/** The tokens of a line, with a tokenizer's complaint turned into a DataError naming the file and line. */
export function tokenizeAt(cut: (s: string) => string[], text: string, name: string, line: number): string[] {
  try {
    return cut(text);
  } catch (e) {
    if (e instanceof TokenizeError) throw new DataError(`${name} line ${line}: ${e.message}`);
    throw e;
  }
}

/**
 * Token ids back to text: <bos> and <pad> are skipped, the text ends at the first <eos>; words
 * (and regex tokens) are joined by spaces, characters and SMILES tokens by nothing.
 */
export function decodeIds(ids: ArrayLike<number>, vocabulary: Vocabulary): string {
  const out: string[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (id === EOS_ID) break;
    if (id === BOS_ID || id === PAD_ID) continue;
    const t = vocabulary.tokens[id];
    if (!Number.isInteger(id) || t === undefined) throw new RangeError(`token id ${id} is outside the vocabulary of ${vocabulary.tokens.length}`);
    out.push(t);
  }
  return out.join(tokenSeparator(vocabulary.tokenizer));
}

/** Each sequence of `seq` as text (see decodeIds). */
export function decodeSequences(seq: SequenceData, vocabulary: Vocabulary): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < seq.offsets.length; i++) out.push(decodeIds(seq.tokens.subarray(seq.offsets[i], seq.offsets[i + 1]), vocabulary));
  return out;
}
