import { Dataset, DataSplit, SequenceData, SPECIAL_TOKENS, TokenizerSpec, UNK_ID, Vocabulary } from '@vaekit/core';
import { DataError } from '../errors';
import { DEFAULT_MAX_REGEX_LINE_BYTES, DEFAULT_MAX_TEXT_LINE_BYTES, forEachLine } from './lines';
import { makeTokenizer } from './tokenizers';
import { deriveSeed, permutation } from '../rng';
import { describeTokenizer, sameTokenizer } from './tokenizers';
import { checkVocabulary, SequenceBuilder, tokenizeAt, TokenTable, TooManyTokens, vocabularyFromCounts, VocabularyOptions, vocabularyIndex } from './vocabulary';

/**
 * From lines of tokens to a sequence Dataset. While reading, tokens get provisional ids (first
 * appearance, shared by all splits) stored straight into Int32Arrays; once the splits are known,
 * the vocabulary is built from the training split's counts and the ids are remapped in place.
 * With a given vocabulary (a checkpoint's), tokens get their final ids at once.
 */
export class TokenIds {
  private readonly table: TokenTable | null;
  private readonly index: Map<string, number> | null;

  constructor(
    readonly tokenizer: TokenizerSpec,
    readonly vocabulary?: Vocabulary,
    maxTypes?: number,
  ) {
    this.table = vocabulary ? null : new TokenTable(maxTypes);
    this.index = vocabulary ? vocabularyIndex(vocabulary) : null;
  }

  id(token: string): number {
    return this.table ? this.table.id(token) : (this.index!.get(token) ?? UNK_ID);
  }

  /** The vocabulary (the given one, or one built from `train`'s counts) and the final splits. */
  finish(splits: Splits, options: VocabularyOptions): { vocabulary: Vocabulary; splits: Splits } {
    if (!this.table) return { vocabulary: this.vocabulary!, splits };
    const counts = new Float64Array(this.table.types.length);
    const t = splits.train.tokens;
    for (let i = 0; i < t.length; i++) counts[t[i]]++;
    const { vocabulary, remap } = vocabularyFromCounts(this.table.types, counts, this.tokenizer, options);
    // Splits of one file are disjoint views of one buffer: each token is remapped exactly once.
    const done = new Set<Int32Array>();
    for (const s of [splits.train, splits.validation, splits.test]) {
      if (done.has(s.tokens)) continue;
      done.add(s.tokens);
      remapInPlace(s.tokens, remap);
    }
    return { vocabulary, splits };
  }
}

function remapInPlace(tokens: Int32Array, remap: Int32Array): void {
  for (let i = 0; i < tokens.length; i++) tokens[i] = remap[tokens[i]];
}

export interface Splits {
  train: SequenceData;
  validation: SequenceData;
  test: SequenceData;
}

/** Collects the lines of one file (or corpus) as sequences, cutting them to maxLength. */
export class SequenceCollector {
  private readonly builder = new SequenceBuilder();
  private ids = new Int32Array(64);
  /** Lines longer than maxLength, cut. */
  cut = 0;

  constructor(
    private readonly tokenIds: TokenIds,
    private readonly maxLength = Infinity,
  ) {}

  get n(): number {
    return this.builder.n;
  }

  add(tokens: string[]): void {
    if (tokens.length > this.maxLength) this.cut++;
    const n = Math.min(tokens.length, this.maxLength);
    if (this.ids.length < n) this.ids = new Int32Array(Math.max(n, this.ids.length * 2));
    for (let k = 0; k < n; k++) this.ids[k] = this.tokenIds.id(tokens[k]);
    this.builder.push(this.ids, n);
  }

  data(): SequenceData {
    return this.builder.data();
  }
}

/** Adds one line's tokens, naming the file and line when the dataset has too many distinct tokens. */
export function addAt(collector: SequenceCollector, tokens: string[], name: string, line: number): void {
  try {
    collector.add(tokens);
  } catch (e) {
    if (e instanceof TooManyTokens) throw new DataError(`${name} line ${line}: ${e.message}`);
    throw e;
  }
}

/** Sequences [a, b) of `seq`: the tokens as a view (no copy), the offsets rebased to 0. */
export function sliceSequences(seq: SequenceData, a: number, b: number): SequenceData {
  const base = seq.offsets[a];
  const offsets = new Int32Array(b - a + 1);
  for (let i = 0; i <= b - a; i++) offsets[i] = seq.offsets[a + i] - base;
  return { tokens: seq.tokens.subarray(base, seq.offsets[b]), offsets };
}

/** The sequences in a seeded random order (the same permutation as the other datasets' shuffle). */
export function shuffleSequences(seq: SequenceData, seed: number): SequenceData {
  const n = seq.offsets.length - 1;
  const p = permutation(n, deriveSeed(seed, 100));
  const tokens = new Int32Array(seq.tokens.length);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const a = seq.offsets[p[i]];
    const b = seq.offsets[p[i] + 1];
    tokens.set(seq.tokens.subarray(a, b), offsets[i]);
    offsets[i + 1] = offsets[i] + b - a;
  }
  return { tokens, offsets };
}

/**
 * Checks a vocabulary handed in by the caller (a checkpoint's) and that it cuts text the way the
 * options ask; returns the tokenizer to read with.
 */
export function givenVocabulary(v: unknown, tokenizer: TokenizerSpec, where: string): Vocabulary {
  checkVocabulary(v, where || 'data', "the checkpoint's vocabulary");
  if (!sameTokenizer(v.tokenizer, tokenizer)) {
    throw new DataError(
      `${where || 'data'}: the checkpoint's vocabulary was built with the ${describeTokenizer(v.tokenizer)} tokenizer, ` +
        `but the data options ask for ${describeTokenizer(tokenizer)}; use the options the model was trained with`,
      where || undefined,
    );
  }
  return v;
}

/** Prints (on stderr) how many lines were cut to maxLength, when any were. */
export function reportCut(where: string, cut: number, maxLength: number | undefined, what = 'lines'): void {
  if (cut > 0 && maxLength !== undefined) {
    process.stderr.write(`${where}: ${cut} ${cut === 1 ? what.replace(/s$/, '') : what} longer than maxLength ${maxLength} tokens ${cut === 1 ? 'was' : 'were'} cut\n`);
  }
}

const emptyFloat = new Float32Array(0);

function split(seq: SequenceData): DataSplit {
  return { x: emptyFloat, n: seq.offsets.length - 1, dim: 0, seq };
}

/** The Dataset of sequence splits with their vocabulary. */
export function sequenceDataset(name: string, splits: Splits, vocabulary: Vocabulary): Dataset {
  const vocabSize = vocabulary.tokens.length;
  return {
    name,
    info: { shape: [], min: 0, max: vocabSize - 1, sequence: { vocabSize } },
    train: split(splits.train),
    validation: split(splits.validation),
    test: split(splits.test),
    binarize: 'none',
    vocab: vocabulary,
  };
}

/**
 * Encodes a text file with a given vocabulary (a trained model's), one sequence per non-blank line,
 * as the text dataset reads its files: UTF-8, lines of at most `maxLineBytes` (64 KiB, 4 KiB with a
 * regex tokenizer), unknown tokens → <unk>, cut to `maxLength`. Returns the sequences, the 1-based
 * line number each came from and how many were cut; a file without sequences is a DataError.
 */
export function encodeFile(
  file: string,
  vocabulary: Vocabulary,
  options: { name?: string; maxLength?: number; maxLineBytes?: number } = {},
): { seq: SequenceData; lines: Int32Array; cut: number } {
  const name = options.name ?? file;
  const ids = new TokenIds(vocabulary.tokenizer, vocabulary);
  const collector = new SequenceCollector(ids, options.maxLength);
  const cut = makeTokenizer(vocabulary.tokenizer);
  const lines: number[] = [];
  const maxLineBytes =
    options.maxLineBytes ?? (vocabulary.tokenizer.kind === 'regex' ? DEFAULT_MAX_REGEX_LINE_BYTES : DEFAULT_MAX_TEXT_LINE_BYTES);
  forEachLine(file, { name, maxLineBytes }, (text, line) => {
    if (text.trim() === '') return;
    collector.add(tokenizeAt(cut, text, name, line));
    lines.push(line);
  });
  if (collector.n === 0) throw new DataError(`${name} has no sequences: it is empty or has only blank lines (expected one sequence per line)`);
  return { seq: collector.data(), lines: Int32Array.from(lines), cut: collector.cut };
}

export { SPECIAL_TOKENS };
