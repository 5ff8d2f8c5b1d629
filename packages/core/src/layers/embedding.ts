import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../math/rng';
import { reserveWeightValues } from '../build/budget';

/**
 * A token embedding: a [V, E] table read row by row with tf.gather. Its gradient is an
 * UnsortedSegmentSum, which vaekit registers for wasm (kernels/UnsortedSegmentSum.ts).
 * Initialised N(0, 1) as PyTorch's nn.Embedding.
 */
export class Embedding {
  readonly table: tf.Variable;

  constructor(
    readonly vocabSize: number,
    readonly dim: number,
    rng: Rng,
  ) {
    const size = vocabSize * dim;
    reserveWeightValues(size);
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = rng.normal();
    this.table = tf.variable(tf.tensor2d(v, [vocabSize, dim]), true);
  }

  /** ids (int32, any shape, n values in all) → [n, E], rows in the order of the ids. */
  apply(ids: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const flat = tf.reshape(ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'), [ids.size]);
      return tf.gather(this.table, flat) as tf.Tensor2D;
    });
  }

  weights(): tf.Variable[] {
    return [this.table];
  }
}
