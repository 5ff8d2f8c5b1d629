import * as tf from '@tensorflow/tfjs-core';
import type { DataSplit } from '../plugins/types';
import { Rng } from '../math/rng';
import { sequenceBatch } from '../sequence/batches';

export type Binarize = 'none' | 'static' | 'dynamic';

/** Copies rows idx[from..to) of a split into one flat array, binarising each pixel when asked. */
export function gatherRows(split: DataSplit, idx: ArrayLike<number> | null, from: number, to: number, rng?: Rng): Float32Array {
  const { dim } = split;
  const out = new Float32Array((to - from) * dim);
  for (let r = from; r < to; r++) {
    const src = (idx ? idx[r] : r) * dim;
    out.set(split.x.subarray(src, src + dim), (r - from) * dim);
  }
  if (rng) for (let i = 0; i < out.length; i++) out[i] = rng.next() < out[i] ? 1 : 0;
  return out;
}

/** Batches [from, to) row ranges over n rows. */
export function* batchRanges(n: number, batchSize: number): Generator<[number, number]> {
  for (let i = 0; i < n; i += batchSize) yield [i, Math.min(n, i + batchSize)];
}

/**
 * The split as the model sees it at evaluation: with dynamic binarisation, binarised once with a
 * fixed seed so that every evaluation of the same model scores the same data.
 */
export function evaluationView(split: DataSplit, binarize: Binarize, seed = 12345): DataSplit {
  if (binarize !== 'dynamic' || split.n === 0 || split.seq) return split;
  return { ...split, x: gatherRows(split, null, 0, split.n, new Rng(seed)) };
}

/** A batch as the model takes it, and how many examples and predicted tokens it holds. */
export interface ModelBatch {
  x: tf.Tensor2D;
  rows: number;
  /** Sequence data: tokens predicted in the batch (each <eos> included); 0 otherwise. */
  tokens: number;
}

/**
 * Rows idx[from..to) of a split as one tensor: [rows, dim] float32 values (binarised when an rng
 * is given), or for sequence data int32 token ids [rows, T] padded to the batch's longest.
 */
export function batchTensor(split: DataSplit, idx: ArrayLike<number> | null, from: number, to: number, rng?: Rng): ModelBatch {
  if (split.seq) {
    const b = sequenceBatch(split.seq, idx, from, to);
    return { x: tf.tensor2d(b.ids, [b.rows, b.T], 'int32'), rows: b.rows, tokens: b.predicted };
  }
  return { x: tf.tensor2d(gatherRows(split, idx, from, to, rng), [to - from, split.dim]), rows: to - from, tokens: 0 };
}
