import * as path from 'path';
import { at, resolveOptions, Schema } from '../options';
import { DEFAULT_MAX_LINE_BYTES, readCsv } from '../readers/csv';
import { assembleDataset, atOption, limitRows, makeScaler, planSplits, resolveFile, shuffleRows, splitRows, Table } from '../util';
import type { Binarize, Dataset, DatasetContext, DatasetPlugin, ScaleOption } from '../types';
import { binarizeSchema, limitSchema, pathSchema, scaleSchema, seedSchema, shuffleSchema, testFractionSchema, validationSchema } from './common';

export interface CsvOptions {
  /** The CSV file (required), relative to the config's folder. */
  path: string;
  /** Default 'auto': the first line is a header if any of its cells is not a number. */
  header?: boolean | 'auto';
  /** Column of integer labels (excluded from the features): a header name or a 0-based index (negative from the end). */
  labelColumn?: string | number;
  /** Default ','; 'tab' for tab-separated. */
  delimiter?: string;
  /** Validation rows: a count, or a fraction below 1 of the non-test rows. Default 0. */
  validation?: number;
  /** Fraction of rows held out as test, from the end of the file. Default 0.1. */
  testFraction?: number;
  /** Default 'none'; 'minmax' maps each column's training range to [0, 1] (applied to all splits); a number divides. */
  scale?: ScaleOption;
  binarize?: Binarize;
  /** Use only the first `limit` data rows. */
  limit?: number;
  /** Longest line accepted, in bytes; default 8 MiB. */
  maxLineBytes?: number;
  seed?: number;
  shuffle?: boolean;
}

const schema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: pathSchema('CSV file of numbers, one example per line'),
    header: {
      anyOf: [{ type: 'boolean' }, { enum: ['auto'] }],
      default: 'auto',
      description: "Whether the first line is a header; 'auto': yes if any of its cells is not a number",
    },
    labelColumn: {
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }],
      description: 'Column of integer class labels, by header name or 0-based index (negative counts from the end); not a feature',
    },
    delimiter: { type: 'string', minLength: 1, default: ',', description: "Cell separator ('tab' for a tab)" },
    validation: validationSchema,
    testFraction: testFractionSchema,
    scale: scaleSchema('none', true),
    binarize: binarizeSchema,
    limit: { ...limitSchema, description: 'Use only the first `limit` data rows (default: all)' },
    seed: seedSchema,
    shuffle: shuffleSchema,
    maxLineBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_MAX_LINE_BYTES,
      description: 'Longest line accepted, in bytes (default 8 MiB): a longer one, such as in a file without newlines, is an error',
    },
  },
};

type Resolved = CsvOptions & {
  header: boolean | 'auto';
  delimiter: string;
  validation: number;
  testFraction: number;
  scale: ScaleOption;
  binarize: Binarize;
  seed: number;
  shuffle: boolean;
  maxLineBytes: number;
};

export const csv: DatasetPlugin<CsvOptions> = {
  kind: 'dataset',
  name: 'csv',
  description: 'Vectors from a CSV file of numbers, with an optional label column',
  optionsSchema: schema,
  create(options: CsvOptions, context?: DatasetContext): Dataset {
    const where = context?.path ?? '';
    const o = resolveOptions<Resolved>(schema, options, where);
    const file = resolveFile(o.path, context, at(where, 'path'));
    const parsed = atOption(at(where, 'path'), () =>
      readCsv(file, { delimiter: o.delimiter, header: o.header, labelColumn: o.labelColumn, name: o.path, maxLineBytes: o.maxLineBytes }),
    );
    let table: Table = limitRows(parsed, o.limit);
    if (o.shuffle) table = shuffleRows(table, o.seed);
    const plan = planSplits(table.n, { validation: o.validation, testFraction: o.testFraction, separateTest: false }, where, 'rows');
    const scaler = makeScaler(
      o.scale,
      table.x.subarray(0, plan.nTrain * table.dim),
      table.dim,
      { autoDivisor: 1, perColumn: true },
      at(where, 'scale'),
    );
    if (scaler) scaler(table.x);
    return assembleDataset({
      name: path.basename(file),
      shape: [table.dim],
      splits: splitRows(table, plan),
      binarize: o.binarize,
      seed: o.seed,
      where,
    });
  },
};
