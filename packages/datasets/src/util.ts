import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DataError, fail } from './errors';
import { at } from './options';
import { notRegular } from './readers/io';
import { deriveSeed, mulberry32Folded, permutation } from './rng';
import type { Binarize, DataSplit, Dataset, DatasetContext, NumericArray, ScaleOption } from './types';

/** Rows of examples, flat row-major [n, dim], with optional labels. */
export interface Table {
  x: Float32Array;
  n: number;
  dim: number;
  labels?: Int32Array;
}

/**
 * Resolves `file` against the context's baseDir and checks it is an existing regular file (a
 * link to one is fine), else throws `<where>: file not found: <absolute path>` or names what it
 * is instead (a folder, a named pipe, a device).
 */
export function resolveFile(file: string, ctx: DatasetContext | undefined, where: string): string {
  const abs = path.resolve(ctx?.baseDir ?? process.cwd(), file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    fail(`${where}: file not found: ${abs}`, where);
  }
  const problem = notRegular(abs, stat);
  if (problem) fail(`${where}: ${problem}`, where);
  checkDataRoot(abs, ctx, where);
  return abs;
}

/** The environment variable listing further folders (path-delimiter separated) that data paths may lead into. */
export const DATA_PATHS_ENV = 'VAEKIT_DATA_PATHS';

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * A config is untrusted input: the data paths it names (after resolving links) must lie inside
 * the config's folder, the working directory, or a folder listed in VAEKIT_DATA_PATHS, so a
 * downloaded config cannot make vaekit read (and echo parts of) files elsewhere on the machine.
 */
export function checkDataRoot(abs: string, ctx: DatasetContext | undefined, where: string): void {
  const roots = [ctx?.baseDir, process.cwd(), ...(process.env[DATA_PATHS_ENV] ?? '').split(path.delimiter)]
    .filter((r): r is string => !!r && r.trim() !== '')
    .map(realOrResolved);
  const real = realOrResolved(abs);
  if (roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep))) return;
  fail(
    `${where}: ${abs} is outside the config's folder and the working directory: a config may name data files only inside them ` +
      `(to read data from another folder, list it in the environment variable ${DATA_PATHS_ENV})`,
    where,
  );
}

/**
 * Runs `fn`, prefixing the message of a ConfigError or DataError it throws without a config path
 * (as the readers do) with `where`, so that it names both the option and the file.
 */
export function atOption<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DataError && e.path === undefined) throw new DataError(`${where}: ${e.message}`, where);
    if (e instanceof ConfigError && e.path === undefined) throw new ConfigError(`${where}: ${e.message}`, where);
    throw e;
  }
}

/** Converts rows of `data` (each `dim` values) to Float32, dividing by `divisor`. `rows` picks rows; null = all. */
export function toFloat32Rows(data: ArrayLike<number>, dim: number, rows: ArrayLike<number> | null, divisor = 1): Float32Array {
  const n = rows ? rows.length : Math.floor(data.length / dim);
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const src = (rows ? rows[r] : r) * dim;
    const dst = r * dim;
    if (divisor === 1) for (let j = 0; j < dim; j++) out[dst + j] = data[src + j];
    else for (let j = 0; j < dim; j++) out[dst + j] = data[src + j] / divisor;
  }
  return out;
}

/**
 * Checks that values converted to 32-bit floats stayed finite: a double beyond ±3.4e38 becomes
 * Infinity. Throws a DataError naming the option, the file and the example.
 */
export function checkFloat32(x: Float32Array, dim: number, where: string, file: string): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] - x[i] === 0) continue;
    const row = Math.floor(i / dim);
    throw new DataError(
      `${where}: ${file}: example ${row}, value ${i - row * dim} is outside the 32-bit float range (±3.4e38) used for training`,
      where,
    );
  }
}

/** Converts label values to Int32, checking they are whole numbers. */
export function toLabels(data: ArrayLike<number>, where: string): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) fail(`${where}: label ${i} is ${v}, expected a whole number`, where);
    out[i] = v;
  }
  return out;
}

/**
 * Rows [start, end) as a split: a view on the table, not a copy, so splitting a loaded file does
 * not leave a second full-size array behind for the garbage collector (splits never overlap).
 */
export function sliceRows(t: Table, start: number, end: number): DataSplit {
  const split: DataSplit = { x: t.x.subarray(start * t.dim, end * t.dim), n: end - start, dim: t.dim };
  if (t.labels) split.labels = t.labels.subarray(start, end);
  return split;
}

/** The first `limit` rows (a view, no copy). */
export function limitRows(t: Table, limit: number | undefined): Table {
  if (limit === undefined || limit >= t.n) return t;
  return {
    x: t.x.subarray(0, limit * t.dim),
    n: limit,
    dim: t.dim,
    ...(t.labels ? { labels: t.labels.subarray(0, limit) } : {}),
  };
}

/** The rows in a seeded random order. */
export function shuffleRows(t: Table, seed: number): Table {
  const p = permutation(t.n, deriveSeed(seed, 100));
  const x = new Float32Array(t.n * t.dim);
  for (let r = 0; r < t.n; r++) x.set(t.x.subarray(p[r] * t.dim, (p[r] + 1) * t.dim), r * t.dim);
  const out: Table = { x, n: t.n, dim: t.dim };
  if (t.labels) {
    const labels = t.labels;
    out.labels = Int32Array.from(p, (i) => labels[i]);
  }
  return out;
}

/** A count option given as a whole number of examples or as a fraction (0 < f < 1) of `total`. */
export function countOf(value: number | undefined, total: number, where: string): number {
  if (value === undefined || value === 0) return 0;
  if (!Number.isFinite(value) || value < 0) fail(`${where}: must be ≥ 0, got ${value}`, where);
  if (value < 1) return Math.round(value * total);
  if (!Number.isInteger(value)) {
    fail(`${where}: expected a whole number of examples or a fraction below 1, got ${value}`, where);
  }
  return value;
}

export interface SplitPlan {
  nTrain: number;
  nValidation: number;
  nTest: number;
}

/**
 * Where the rows go, in file order: [train | validation | test]. The test rows (`testFraction` of
 * all, unless there is a separate test file) come off the end, then the validation rows come off
 * the end of what is left. At least one training row must remain.
 */
export function planSplits(
  n: number,
  opts: { validation?: number; testFraction?: number; separateTest: boolean },
  where: string,
  what = 'examples',
): SplitPlan {
  const nTest = opts.separateTest ? 0 : countOf(opts.testFraction, n, at(where, 'testFraction'));
  const nValidation = countOf(opts.validation, n - nTest, at(where, 'validation'));
  const nTrain = n - nTest - nValidation;
  if (nTrain < 1) {
    const parts = [`${nValidation} validation`, ...(nTest ? [`${nTest} test`] : [])].join(' and ');
    fail(`${at(where, 'validation')}: holding out ${parts} ${what} of ${n} leaves none to train on`, at(where, 'validation'));
  }
  return { nTrain, nValidation, nTest };
}

/** Splits a table by a plan; `test` replaces the held-out test rows when there is a test file. */
export function splitRows(t: Table, plan: SplitPlan, test?: Table): { train: DataSplit; validation: DataSplit; test: DataSplit } {
  const a = plan.nTrain;
  const b = a + plan.nValidation;
  return {
    train: sliceRows(t, 0, a),
    validation: sliceRows(t, a, b),
    test: test ? sliceRows(test, 0, test.n) : sliceRows(t, b, b + plan.nTest),
  };
}

/**
 * Makes an in-place scaling from the training rows `trainX` ([nTrain, dim]):
 * a number divides; 'minmax' maps train's [min, max] to [0, 1] (per column when `perColumn`,
 * else over all values; constant columns become 0); 'auto' divides by `autoDivisor`;
 * 'none' leaves values alone. Returns null when there is nothing to do.
 */
export function makeScaler(
  scale: ScaleOption,
  trainX: Float32Array,
  dim: number,
  opts: { autoDivisor: number; perColumn: boolean },
  where: string,
): ((x: Float32Array) => void) | null {
  if (scale === 'none') return null;
  if (scale === 'auto' || typeof scale === 'number') {
    const d = scale === 'auto' ? opts.autoDivisor : scale;
    if (!(d > 0) || !Number.isFinite(d)) fail(`${where}: must be a positive number, 'auto', 'none' or 'minmax', got ${d}`, where);
    if (d === 1) return null;
    return (x) => {
      for (let i = 0; i < x.length; i++) x[i] /= d;
    };
  }
  if (scale !== 'minmax') fail(`${where}: must be a positive number, 'auto', 'none' or 'minmax', got '${scale}'`, where);
  const cols = opts.perColumn ? dim : 1;
  const lo = new Float64Array(cols).fill(Infinity);
  const hi = new Float64Array(cols).fill(-Infinity);
  for (let i = 0; i < trainX.length; i++) {
    const c = cols === 1 ? 0 : i % dim;
    const v = trainX[i];
    if (v < lo[c]) lo[c] = v;
    if (v > hi[c]) hi[c] = v;
  }
  const range = new Float64Array(cols);
  for (let c = 0; c < cols; c++) range[c] = hi[c] > lo[c] ? hi[c] - lo[c] : 1;
  return (x) => {
    for (let i = 0; i < x.length; i++) {
      const c = cols === 1 ? 0 : i % dim;
      x[i] = (x[i] - lo[c]) / range[c];
    }
  };
}

/** Smallest and largest value (0, 0 when empty). */
export function range(x: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return x.length ? { min, max } : { min: 0, max: 0 };
}

/** Replaces each value p by one Bernoulli(p) draw, in place. */
export function binarizeInPlace(x: Float32Array, seed: number): void {
  const rand = mulberry32Folded(seed);
  for (let i = 0; i < x.length; i++) x[i] = rand() < x[i] ? 1 : 0;
}

/**
 * Finishes a dataset: checks that binarised data lies in [0, 1], applies static binarisation
 * (each split with its own seeded stream, so e.g. the test set does not depend on the training
 * size) and computes info.min/max over train.
 */
export function assembleDataset(args: {
  name: string;
  shape: number[];
  splits: { train: DataSplit; validation: DataSplit; test: DataSplit };
  binarize: Binarize;
  seed: number;
  where: string;
}): Dataset {
  const { train, validation, test } = args.splits;
  const dim = args.shape.reduce((a, b) => a * b, 1);
  if (train.dim !== dim) throw new Error(`internal: shape [${args.shape}] does not match dim ${train.dim}`);
  if (args.binarize !== 'none') {
    const r = range(train.x);
    if (r.min < 0 || r.max > 1) {
      const w = at(args.where, 'binarize');
      fail(
        `${w}: '${args.binarize}' needs values in [0, 1], but the training data spans [${r.min}, ${r.max}]` +
          ` (set scale, e.g. to 255 or 'minmax')`,
        w,
      );
    }
  }
  if (args.binarize === 'static') {
    binarizeInPlace(train.x, deriveSeed(args.seed, 1));
    binarizeInPlace(validation.x, deriveSeed(args.seed, 2));
    binarizeInPlace(test.x, deriveSeed(args.seed, 3));
  }
  const { min, max } = range(train.x);
  return {
    name: args.name,
    info: { shape: args.shape.slice(), min, max },
    train,
    validation,
    test,
    binarize: args.binarize,
  };
}

/** Example shape from the dims after the first: rank-2 images [H, W] get a channel axis. */
export function exampleShape(rest: number[], addChannel: boolean): number[] {
  if (rest.length === 0) return [1];
  if (addChannel && rest.length === 2) return [...rest, 1];
  return rest.slice();
}

export function isNumericArray(x: unknown): x is NumericArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
}
