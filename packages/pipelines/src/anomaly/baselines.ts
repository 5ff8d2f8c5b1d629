import * as tf from '@tensorflow/tfjs-core';
import { batchRanges, DataSplit, eventLoopYielder, gatherRows, Rng } from '@vaekit/core';

/**
 * Two simple anomaly detectors to hold a VAE against, fitted on the normal training data:
 * - PCA: squared reconstruction error after projecting onto the top `components` principal axes;
 * - kNN: mean Euclidean distance to the k nearest training examples.
 * Both resolve to one score per test row, higher = more anomalous.
 */
export async function pcaScores(train: DataSplit, test: DataSplit, components: number, seed = 0): Promise<Float32Array> {
  const d = train.dim;
  const k = Math.min(components, d, train.n);
  const [mean, axes] = tf.tidy(() => {
    const x = tf.tensor2d(train.x, [train.n, d]);
    const mu = tf.mean(x, 0);
    const xc = tf.sub(x, mu);
    const cov = tf.div(tf.matMul(tf.transpose(xc), xc), Math.max(1, train.n - 1)) as tf.Tensor2D;
    // Subspace iteration: Q ← orth(C Q) converges to the top-k eigenvectors of the covariance.
    const rng = new Rng(seed);
    let q = tf.tensor2d(Float32Array.from({ length: d * k }, () => rng.normal()), [d, k]);
    for (let it = 0; it < 60; it++) q = orthonormalize(tf.matMul(cov, q) as tf.Tensor2D);
    return [mu, q];
  });
  const out = new Float32Array(test.n);
  const breathe = eventLoopYielder(); // the scoring is synchronous: let heartbeats run between batches
  for (const [from, to] of batchRanges(test.n, 1000)) {
    const s = tf.tidy(() => {
      const xc = tf.sub(tf.tensor2d(gatherRows(test, null, from, to), [to - from, d]), mean);
      const proj = tf.matMul(tf.matMul(xc, axes), tf.transpose(axes));
      return tf.sum(tf.square(tf.sub(xc, proj)), 1).dataSync() as Float32Array;
    });
    out.set(s, from);
    await breathe();
  }
  tf.dispose([mean, axes]);
  return out;
}

/** Modified Gram–Schmidt on the columns of q (d × k, k small). */
function orthonormalize(q: tf.Tensor2D): tf.Tensor2D {
  const [d, k] = q.shape;
  const a = q.arraySync();
  const cols: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: d }, (_, i) => a[i][j]);
    for (const c of cols) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i] * c[i];
      for (let i = 0; i < d; i++) v[i] -= dot * c[i];
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
    for (let i = 0; i < d; i++) v[i] /= norm;
    cols.push(v);
  }
  const flat = new Float32Array(d * k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) flat[i * k + j] = cols[j][i];
  return tf.tensor2d(flat, [d, k]);
}

export async function knnScores(train: DataSplit, test: DataSplit, k: number): Promise<Float32Array> {
  const d = train.dim;
  const kk = Math.min(k, train.n);
  const [xt, xNorm] = tf.tidy(() => {
    const x = tf.tensor2d(train.x, [train.n, d]);
    return [tf.transpose(x), tf.sum(tf.square(x), 1)];
  });
  const out = new Float32Array(test.n);
  const breathe = eventLoopYielder(); // the scoring is synchronous: let heartbeats run between batches
  for (const [from, to] of batchRanges(test.n, 500)) {
    const s = tf.tidy(() => {
      const t = tf.tensor2d(gatherRows(test, null, from, to), [to - from, d]);
      const d2 = tf.add(tf.sub(tf.expandDims(tf.sum(tf.square(t), 1), 1), tf.mul(2, tf.matMul(t, xt))), xNorm);
      const nearest = tf.neg(tf.topk(tf.neg(d2), kk).values);
      return tf.mean(tf.sqrt(tf.relu(nearest)), 1).dataSync() as Float32Array;
    });
    out.set(s, from);
    await breathe();
  }
  tf.dispose([xt, xNorm]);
  return out;
}
