import * as path from 'path';
import type { SequenceData, TokenizerSpec } from '@vaekit/core';
import { DataError, fail } from '../errors';
import { at, resolveOptions, Schema } from '../options';
import { DEFAULT_MAX_REGEX_LINE_BYTES, DEFAULT_MAX_TEXT_LINE_BYTES, forEachLine } from '../text/lines';
import { addAt, givenVocabulary, reportCut, SequenceCollector, shuffleSequences, sliceSequences, Splits, TokenIds, sequenceDataset } from '../text/corpus';
import { makeTokenizer, patternProblem } from '../text/tokenizers';
import { tokenizeAt } from '../text/vocabulary';
import { atOption, countOf, resolveFile } from '../util';
import type { Dataset, DatasetContext, DatasetPlugin } from '../types';
import { limitSchema, pathSchema, seedSchema } from './common';

export type TokenizerKind = 'words' | 'chars' | 'smiles' | 'regex';

export interface TextOptions {
  /** The file of training lines, one sequence per line; validation and test may be held out from it. */
  train?: string;
  /** One file split into train / validation / test (the same as `train` with held-out splits). */
  path?: string;
  /** A file of validation lines, or a count / fraction (below 1) of the training file's lines held out. Default 0. */
  validation?: string | number;
  /** A file of test lines, or a count / fraction (below 1) of the training file's lines held out. Default 0.1. */
  test?: string | number;
  /** Default 'words'. */
  tokenizer?: TokenizerKind;
  /** The regular expression of the 'regex' tokenizer: each match is a token. */
  pattern?: string;
  /** Lowercase text before cutting it (not with 'smiles'); default false. */
  lowercase?: boolean;
  /** Keep at most this many words (the 4 special tokens not counted), the most frequent in the training split. */
  maxVocab?: number;
  /** Keep only words seen at least this many times in the training split; default 1. */
  minCount?: number;
  /** Cut longer sequences to this many tokens (the count of cut lines is printed); default no limit. */
  maxLength?: number;
  /** Use only the first `limit` sequences of each file. */
  limit?: number;
  /** Shuffle the training file's lines (with seed) before holding out validation and test lines. */
  shuffle?: boolean;
  seed?: number;
  /** Longest line accepted, in bytes; default 64 KiB (4 KiB with the 'regex' tokenizer). */
  maxLineBytes?: number;
}

/** Options shared by the text datasets (how text becomes tokens and the vocabulary). */
export const vocabularySchemas: Record<string, Schema> = {
  maxVocab: {
    type: 'integer',
    minimum: 1,
    description:
      'Keep at most this many words, the most frequent in the training split (the 4 special tokens `<pad> <bos> <eos> <unk>` not counted); the rest read as `<unk>`. Default: every training word',
  },
  minCount: {
    type: 'integer',
    minimum: 1,
    default: 1,
    description: 'Keep only words seen at least this many times in the training split; rarer ones read as `<unk>`',
  },
  maxLength: {
    type: 'integer',
    minimum: 1,
    description: 'Cut longer sequences to their first maxLength tokens; how many lines were cut is printed on stderr. Default: no limit',
  },
};

const fileOrCount = (what: string, dflt: number): Schema => ({
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'number', minimum: 0 }],
  default: dflt,
  description: `A file of ${what} lines, or a count (or a fraction below 1) of the training file's lines held out for ${what}, from its end`,
});

const schema: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    train: pathSchema('File of training lines (UTF-8), one sequence per line; blank lines are skipped'),
    path: pathSchema('One file of lines to split into train, validation and test (instead of train)'),
    validation: fileOrCount('validation', 0),
    test: fileOrCount('test', 0.1),
    tokenizer: {
      enum: ['words', 'chars', 'smiles', 'regex'],
      default: 'words',
      description:
        "'words': split on whitespace; 'chars': Unicode characters; 'smiles': the SMILES regular expression (Cl, Br, [nH+], %12 are single tokens); 'regex': each match of pattern is a token",
    },
    pattern: {
      type: 'string',
      minLength: 1,
      description:
        "The 'regex' tokenizer's JavaScript regular expression (Unicode mode): each match is a token, text between matches is skipped; it must not match the empty string",
    },
    lowercase: { type: 'boolean', default: false, description: "Lowercase the text before cutting it (not with 'smiles')" },
    ...vocabularySchemas,
    limit: { ...limitSchema, description: 'Use only the first `limit` sequences (non-blank lines) of each file (default: all)' },
    shuffle: {
      type: 'boolean',
      default: false,
      description: "Shuffle the training file's lines (with seed) before holding out validation and test lines from its end",
    },
    seed: { ...seedSchema, description: 'Seed for shuffle' },
    maxLineBytes: {
      type: 'integer',
      minimum: 1,
      description:
        "Longest line accepted, in bytes: a longer one, such as in a file without newlines, is an error. Default 64 KiB; 4 KiB with the 'regex' tokenizer, since a pattern may take time quadratic in a line's length",
    },
  },
};

type Resolved = TextOptions & {
  validation: string | number;
  test: string | number;
  tokenizer: TokenizerKind;
  lowercase: boolean;
  minCount: number;
  shuffle: boolean;
  seed: number;
};

/** The TokenizerSpec the options describe; a ConfigError naming the option when they contradict each other. */
export function tokenizerFromOptions(o: { tokenizer?: TokenizerKind; pattern?: string; lowercase?: boolean }, where: string): TokenizerSpec {
  const kind = o.tokenizer ?? 'words';
  const lowercase = o.lowercase ?? false;
  if (kind !== 'regex' && o.pattern !== undefined) {
    fail(`${at(where, 'pattern')}: only the 'regex' tokenizer takes a pattern (tokenizer is '${kind}')`, at(where, 'pattern'));
  }
  switch (kind) {
    case 'regex': {
      if (o.pattern === undefined) fail(`${at(where, 'pattern')}: required with tokenizer 'regex'`, at(where, 'pattern'));
      const problem = patternProblem(o.pattern);
      if (problem) fail(`${at(where, 'pattern')}: ${problem}`, at(where, 'pattern'));
      return { kind, pattern: o.pattern, lowercase };
    }
    case 'smiles':
      if (lowercase) fail(`${at(where, 'lowercase')}: SMILES is case-sensitive (c is an aromatic carbon, C an aliphatic one); leave lowercase off`, at(where, 'lowercase'));
      return { kind, lowercase: false };
    default:
      return { kind, lowercase };
  }
}

/** Reads one file's non-blank lines as sequences into `collector`; an empty file is a DataError. */
function readFile(
  key: string,
  given: string,
  file: string,
  o: Resolved,
  cut: (s: string) => string[],
  collector: SequenceCollector,
  where: string,
): SequenceData {
  const w = at(where, key);
  const maxLineBytes = o.maxLineBytes ?? (o.tokenizer === 'regex' ? DEFAULT_MAX_REGEX_LINE_BYTES : DEFAULT_MAX_TEXT_LINE_BYTES);
  atOption(w, () =>
    forEachLine(file, { name: given, maxLineBytes }, (text, line) => {
      if (text.trim() === '') return true;
      addAt(collector, tokenizeAt(cut, text, given, line), given, line);
      return o.limit === undefined || collector.n < o.limit;
    }),
  );
  if (collector.n === 0) {
    throw new DataError(`${w}: ${given} has no sequences: it is empty or has only blank lines (expected one sequence per line)`, w);
  }
  reportCut(w, collector.cut, o.maxLength);
  return collector.data();
}

export const text: DatasetPlugin<TextOptions> = {
  kind: 'dataset',
  name: 'text',
  description:
    'Token sequences from UTF-8 text files, one per line (sentences, SMILES strings), with a vocabulary built from the training split',
  optionsSchema: schema,
  create(options: TextOptions, context?: DatasetContext): Dataset {
    const where = context?.path ?? '';
    const o = resolveOptions<Resolved>(schema, options, where);
    if (o.train !== undefined && o.path !== undefined) {
      fail(`${at(where, 'path')}: give either path or train, not both`, at(where, 'path'));
    }
    const mainKey = o.train !== undefined ? 'train' : 'path';
    const mainGiven = o.train ?? o.path;
    if (mainGiven === undefined) {
      fail(`${at(where, 'train')}: required: the file of training lines, one sequence per line (or path, one file to split)`, at(where, 'train'));
    }
    const spec = tokenizerFromOptions(o, where);
    const vocabulary = context?.vocabulary !== undefined ? givenVocabulary(context.vocabulary, spec, where) : undefined;
    const ids = new TokenIds(spec, vocabulary);
    const cut = makeTokenizer(spec);
    const collector = () => new SequenceCollector(ids, o.maxLength);

    // Resolve every file first, so a wrong path fails before a large file is read.
    const mainFile = resolveFile(mainGiven, context, at(where, mainKey));
    const validationFile = typeof o.validation === 'string' ? resolveFile(o.validation, context, at(where, 'validation')) : null;
    const testFile = typeof o.test === 'string' ? resolveFile(o.test, context, at(where, 'test')) : null;

    let main = readFile(mainKey, mainGiven, mainFile, o, cut, collector(), where);
    if (o.shuffle) main = shuffleSequences(main, o.seed);
    const n = main.offsets.length - 1;
    const nTest = typeof o.test === 'number' ? countOf(o.test, n, at(where, 'test')) : 0;
    const nValidation = typeof o.validation === 'number' ? countOf(o.validation, n - nTest, at(where, 'validation')) : 0;
    const nTrain = n - nTest - nValidation;
    if (nTrain < 1) {
      const w = at(where, nValidation ? 'validation' : 'test');
      fail(`${w}: holding out ${nValidation} validation and ${nTest} test lines of the ${n} in ${mainGiven} leaves none to train on`, w);
    }
    const splits: Splits = {
      train: sliceSequences(main, 0, nTrain),
      validation: validationFile
        ? readFile('validation', o.validation as string, validationFile, o, cut, collector(), where)
        : sliceSequences(main, nTrain, nTrain + nValidation),
      test: testFile ? readFile('test', o.test as string, testFile, o, cut, collector(), where) : sliceSequences(main, n - nTest, n),
    };
    const done = ids.finish(splits, { maxVocab: o.maxVocab, minCount: o.minCount });
    return sequenceDataset(path.basename(mainFile), done.splits, done.vocabulary);
  },
};
