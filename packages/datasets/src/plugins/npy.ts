import * as path from 'path';
import { fail } from '../errors';
import { at, resolveOptions, Schema } from '../options';
import { readNpy } from '../readers/npy';
import {
  assembleDataset,
  atOption,
  checkFloat32,
  exampleShape,
  limitRows,
  makeScaler,
  planSplits,
  resolveFile,
  shuffleRows,
  splitRows,
  Table,
  toFloat32Rows,
  toLabels,
} from '../util';
import type { Binarize, Dataset, DatasetContext, DatasetPlugin, ScaleOption } from '../types';
import {
  binarizeSchema,
  limitSchema,
  pathSchema,
  scaleSchema,
  seedSchema,
  shuffleSchema,
  testFractionSchema,
  validationSchema,
} from './common';

export interface NpyOptions {
  /** The .npy file (required); the first axis counts examples, the rest is the example shape. */
  path: string;
  /** A 1-D .npy file of integer labels, one per example. */
  labels?: string;
  /** Validation examples: a count, or a fraction below 1 of the non-test examples. Default 0. */
  validation?: number;
  /** Fraction held out as test, from the end. Default 0.1. */
  testFraction?: number;
  /** Default 'auto': divide by 255 for uint8 data, else leave alone. */
  scale?: ScaleOption;
  binarize?: Binarize;
  /** Use only the first `limit` examples. */
  limit?: number;
  seed?: number;
  shuffle?: boolean;
}

const schema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: pathSchema('.npy file (v1/v2/v3, C order); the first axis counts examples'),
    labels: pathSchema('1-D .npy file of integer labels, one per example'),
    validation: validationSchema,
    testFraction: testFractionSchema,
    scale: scaleSchema('auto', false),
    binarize: binarizeSchema,
    limit: limitSchema,
    seed: seedSchema,
    shuffle: shuffleSchema,
  },
};

type Resolved = NpyOptions & { validation: number; testFraction: number; scale: ScaleOption; binarize: Binarize; seed: number; shuffle: boolean };

export const npy: DatasetPlugin<NpyOptions> = {
  kind: 'dataset',
  name: 'npy',
  description: 'Examples from a NumPy .npy array (first axis = examples), with optional labels',
  optionsSchema: schema,
  create(options: NpyOptions, context?: DatasetContext): Dataset {
    const where = context?.path ?? '';
    const o = resolveOptions<Resolved>(schema, options, where);
    const pathAt = at(where, 'path');
    const labelsAt = at(where, 'labels');
    const file = resolveFile(o.path, context, pathAt);
    const labelsFile = o.labels !== undefined ? resolveFile(o.labels, context, labelsAt) : undefined;

    // Only the rows used are decoded (and, for a .npy.gz file, decompressed).
    const arr = atOption(pathAt, () => readNpy(file, { limit: o.limit }));
    if (arr.shape.length === 0) fail(`${pathAt}: ${file} holds a scalar; expected an array whose first axis counts examples`, pathAt);
    const n = arr.shape[0];
    const fileRows = arr.fileRows ?? n;
    if (n === 0) fail(`${pathAt}: ${file} holds no examples (shape (${arr.shape.join(', ')}))`, pathAt);
    const shape = exampleShape(arr.shape.slice(1), false);
    const dim = shape.reduce((a, b) => a * b, 1);
    let table: Table = { x: toFloat32Rows(arr.data, dim, null, 1), n, dim };
    checkFloat32(table.x, dim, pathAt, file);
    if (labelsFile) {
      const lab = atOption(labelsAt, () => readNpy(labelsFile));
      if (lab.shape.length !== 1) {
        fail(`${labelsAt}: labels must be a 1-D array, but ${labelsFile} has shape (${lab.shape.join(', ')})`, labelsAt);
      }
      if (lab.shape[0] !== fileRows) {
        fail(`${labelsAt}: ${labelsFile} has ${lab.shape[0]} labels but ${file} has ${fileRows} examples`, labelsAt);
      }
      table.labels = toLabels(lab.data.subarray(0, n), labelsAt);
    }
    table = limitRows(table, o.limit);
    if (o.shuffle) table = shuffleRows(table, o.seed);

    const plan = planSplits(table.n, { validation: o.validation, testFraction: o.testFraction, separateTest: false }, where);
    const isUint8 = /^[|<>=]u1$/.test(arr.descr);
    const scaler = makeScaler(
      o.scale,
      table.x.subarray(0, plan.nTrain * dim),
      dim,
      { autoDivisor: isUint8 ? 255 : 1, perColumn: false },
      at(where, 'scale'),
    );
    if (scaler) scaler(table.x);
    return assembleDataset({
      name: path.basename(file),
      shape,
      splits: splitRows(table, plan),
      binarize: o.binarize,
      seed: o.seed,
      where,
    });
  },
};
