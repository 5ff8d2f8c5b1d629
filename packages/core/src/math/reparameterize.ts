import * as tf from '@tensorflow/tfjs-core';

/**
 * The reparameterization trick: z = mean + exp(0.5 · logVar) ⊙ eps, eps ~ N(0, I).
 * Gradients flow to mean (∂z/∂mean = 1) and logVar (∂z/∂logVar = 0.5 · σ · eps).
 * Without eps, it is drawn from N(0, I) with the given seed (a tfjs op seed).
 */
export function reparameterize<T extends tf.Tensor>(mean: T, logVar: T, eps?: tf.Tensor, seed?: number): T {
  return tf.tidy(() => {
    const noise = eps ?? tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)) as T;
  });
}
