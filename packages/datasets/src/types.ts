/** Core's plugin types, and the narrower shapes dataset plugins use. */
import type { PluginContext } from '@vaekit/core';
export type { DataInfo, DataSplit, Dataset, PluginContext } from '@vaekit/core';
import type { Dataset } from '@vaekit/core';

/** What dataset plugins read from their context (a PluginContext has all of it); `vocabulary` is for sequence datasets. */
export type DatasetContext = Partial<Pick<PluginContext, 'path' | 'baseDir' | 'vocabulary'>>;

/** A dataset plugin: assignable to core's `Plugin<'dataset', O>`. */
export interface DatasetPlugin<O = any> {
  kind: 'dataset';
  name: string;
  description?: string;
  /** JSON Schema of the options object. */
  optionsSchema: object;
  create(options: O, context?: DatasetContext): Dataset;
}

export type Binarize = 'none' | 'static' | 'dynamic';

/** How values are scaled: divide by a number, 'minmax' to [0, 1] on train, 'none', or 'auto'
 * (divide by 255 for 8-bit unsigned data, else none). */
export type ScaleOption = 'auto' | 'none' | 'minmax' | number;

/** The typed arrays the readers return. */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;
