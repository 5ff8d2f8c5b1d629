import * as tf from '@tensorflow/tfjs-core';
import type { VAE } from '../model/vae';
import { Rng } from '../math/rng';
import { iwaeNllPerExample } from './evaluate';

/** How an example is scored for anomaly detection; higher = more anomalous, in nats. */
export type ScoreMethod = 'elbo' | 'iwae' | 'recon';

/**
 * Per-example anomaly scores of a batch:
 * - elbo: −ELBO averaged over `samples` posterior draws (recon + analytic KL);
 * - iwae: the IWAE estimate of −log p(x) with `samples` importance samples (tighter, slower);
 * - recon: −log p(x|z) at the posterior mean (no sampling, ignores the KL).
 */
export function scoreBatch(model: VAE, x: tf.Tensor2D, method: ScoreMethod, samples: number, rng: Rng): Float32Array {
  if (method === 'iwae') return iwaeNllPerExample(model, x, Math.max(1, samples), rng);
  if (method === 'recon') {
    return tf.tidy(() => model.loss.nll(x, model.decoder.decode(model.encoder.encode(x).mean, x)).dataSync() as Float32Array);
  }
  const n = Math.max(1, samples);
  const total = new Float32Array(x.shape[0]);
  for (let i = 0; i < n; i++) {
    const v = tf.tidy(() => {
      const t = model.terms(x, rng.nextSeed());
      return tf.add(t.recon, tf.sum(t.klDims, 1)).dataSync() as Float32Array;
    });
    for (let j = 0; j < v.length; j++) total[j] += v[j] / n;
  }
  return total;
}
