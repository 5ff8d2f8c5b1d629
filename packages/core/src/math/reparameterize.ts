import * as tf from '@tensorflow/tfjs-core';
import { VaekitReparameterize, VaekitReparameterizeGrad } from '../kernels/names';
import { onKernels } from './onKernels';

/**
 * The reparameterization trick: z = mean + exp(0.5 · logVar) ⊙ eps, eps ~ N(0, I).
 * Gradients flow to mean (∂z/∂mean = 1) and logVar (∂z/∂logVar = 0.5 · σ · eps).
 * Without eps, it is drawn from N(0, I) with the given seed (a tfjs op seed).
 */
export function reparameterize<T extends tf.Tensor>(mean: T, logVar: T, eps?: tf.Tensor, seed?: number): T {
  return tf.tidy(() => {
    const noise = eps ?? tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
    if (onKernels(VaekitReparameterize, mean, logVar, noise)) return fused(mean, logVar, noise) as T;
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)) as T;
  });
}

/**
 * The same as one VaekitReparameterize kernel; the gradients are dz for mean and the
 * VaekitReparameterizeGrad kernel for logVar (eps is noise, not an input of the gradient).
 */
function fused(mean: tf.Tensor, logVar: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [m, lv] = args as tf.Tensor[];
    (args[2] as tf.GradSaveFunc)([lv, eps]);
    return {
      value: tf.engine().runKernel(VaekitReparameterize, { mean: m, logVar: lv, eps }) as tf.Tensor,
      gradFunc: (dz: tf.Tensor, saved: tf.Tensor[]) => [dz, tf.engine().runKernel(VaekitReparameterizeGrad, { dz, logVar: saved[0], eps: saved[1] }) as tf.Tensor],
    };
  });
  return op(mean, logVar);
}
