import * as path from 'path';
import { fail } from '../errors';
import { at, resolveOptions, Schema } from '../options';
import { IdxArray, readIdx } from '../readers/idx';
import {
  assembleDataset,
  atOption,
  checkFloat32,
  exampleShape,
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

export interface IdxOptions {
  /** The examples' IDX file (required); the first dimension counts examples. */
  path: string;
  /** IDX file of labels, one per example (rank 1). */
  labels?: string;
  /** A separate IDX file of test examples; without it, `testFraction` of `path` is held out. */
  testPath?: string;
  /** Labels of the test examples. */
  testLabels?: string;
  /** Validation examples, a count or a fraction below 1, from the end of the training rows. Default 0. */
  validation?: number;
  /** Fraction held out as test when there is no testPath; default 0.1. */
  testFraction?: number;
  /** Use only the first `limit` examples of `path`. */
  limit?: number;
  /** Use only the first `testLimit` examples of `testPath`. */
  testLimit?: number;
  /** Default 'auto': divide by 255 for ubyte data, else leave alone. */
  scale?: ScaleOption;
  binarize?: Binarize;
  seed?: number;
  shuffle?: boolean;
}

const schema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: pathSchema('IDX file of examples (ubyte, sbyte, short, int, float or double; any rank; .gz is fine)'),
    labels: pathSchema('IDX file of integer labels, one per example'),
    testPath: pathSchema('IDX file of test examples; without it, testFraction of path is held out'),
    testLabels: pathSchema('IDX file of test labels'),
    validation: validationSchema,
    testFraction: testFractionSchema,
    limit: limitSchema,
    testLimit: { type: 'integer', minimum: 1, description: 'Use only the first testLimit examples of testPath (default: all)' },
    scale: scaleSchema('auto', false),
    binarize: binarizeSchema,
    seed: seedSchema,
    shuffle: { ...shuffleSchema, description: 'Shuffle the examples of path (with seed) before splitting' },
  },
};

type Resolved = IdxOptions & { validation: number; testFraction: number; scale: ScaleOption; binarize: Binarize; seed: number; shuffle: boolean };

function readExamples(
  file: string,
  labelsFile: string | undefined,
  limit: number | undefined,
  where: { data: string; labels: string },
): { table: Table; arr: IdxArray; shape: number[] } {
  const arr = atOption(where.data, () => readIdx(file, { limit }));
  const shape = exampleShape(arr.dims.slice(1), arr.dims.length === 3);
  const dim = shape.reduce((a, b) => a * b, 1);
  const table: Table = { x: toFloat32Rows(arr.data, dim, null, 1), n: arr.dims[0], dim };
  if (arr.type === 'double') checkFloat32(table.x, dim, where.data, file);
  if (labelsFile) {
    const lab = atOption(where.labels, () => readIdx(labelsFile, { limit }));
    if (lab.dims.length !== 1) {
      fail(`${where.labels}: labels must be a rank-1 IDX file, but ${labelsFile} has dims [${lab.dims.join(', ')}]`, where.labels);
    }
    if (lab.fileCount !== arr.fileCount) {
      fail(`${where.labels}: ${labelsFile} has ${lab.fileCount} labels but ${file} has ${arr.fileCount} examples`, where.labels);
    }
    table.labels = toLabels(lab.data, where.labels);
  }
  return { table, arr, shape };
}

export const idx: DatasetPlugin<IdxOptions> = {
  kind: 'dataset',
  name: 'idx',
  description: 'Examples from IDX files (the MNIST file format), any element type and rank',
  optionsSchema: schema,
  create(options: IdxOptions, context?: DatasetContext): Dataset {
    const where = context?.path ?? '';
    const o = resolveOptions<Resolved>(schema, options, where);
    const file = resolveFile(o.path, context, at(where, 'path'));
    const labelsFile = o.labels !== undefined ? resolveFile(o.labels, context, at(where, 'labels')) : undefined;
    if (o.testLabels !== undefined && o.testPath === undefined) {
      fail(`${at(where, 'testLabels')}: needs testPath (the test examples' file)`, at(where, 'testLabels'));
    }
    if (o.testLimit !== undefined && o.testPath === undefined) {
      fail(`${at(where, 'testLimit')}: needs testPath (without it the test split is testFraction of path)`, at(where, 'testLimit'));
    }
    const testFile = o.testPath !== undefined ? resolveFile(o.testPath, context, at(where, 'testPath')) : undefined;
    const testLabelsFile = o.testLabels !== undefined ? resolveFile(o.testLabels, context, at(where, 'testLabels')) : undefined;

    const main = readExamples(file, labelsFile, o.limit, { data: at(where, 'path'), labels: at(where, 'labels') });
    let table = main.table;
    if (table.n === 0) fail(`${at(where, 'path')}: ${file} holds no examples`, at(where, 'path'));
    if (o.shuffle) table = shuffleRows(table, o.seed);
    let test: Table | undefined;
    if (testFile) {
      const t = readExamples(testFile, testLabelsFile, o.testLimit, { data: at(where, 'testPath'), labels: at(where, 'testLabels') });
      if (t.shape.join() !== main.shape.join()) {
        const w = at(where, 'testPath');
        fail(`${w}: test examples in ${testFile} have shape [${t.shape}] but those in ${file} have [${main.shape}]`, w);
      }
      test = t.table;
    }

    const plan = planSplits(table.n, { validation: o.validation, testFraction: o.testFraction, separateTest: !!test }, where);
    const scaler = makeScaler(
      o.scale,
      table.x.subarray(0, plan.nTrain * table.dim),
      table.dim,
      { autoDivisor: main.arr.type === 'ubyte' ? 255 : 1, perColumn: false },
      at(where, 'scale'),
    );
    if (scaler) {
      scaler(table.x);
      if (test) scaler(test.x);
    }
    return assembleDataset({
      name: path.basename(file),
      shape: main.shape,
      splits: splitRows(table, plan, test),
      binarize: o.binarize,
      seed: o.seed,
      where,
    });
  },
};
