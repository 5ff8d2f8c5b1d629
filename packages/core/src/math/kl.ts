import * as tf from '@tensorflow/tfjs-core';
import { VaekitGaussianKl, VaekitGaussianKlGrad } from '../kernels/names';
import { onKernels } from './onKernels';

/**
 * Analytic KL(N(mean, diag(exp(logVar))) ‖ N(0, I)) per example and latent dimension, in nats:
 * 0.5 · (mean² + exp(logVar) − 1 − logVar). Shape [batch, latent].
 */
export function klPerDim(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  if (onKernels(VaekitGaussianKl, mean, logVar)) return gaussianKl(mean, logVar) as tf.Tensor2D;
  return tf.tidy(() =>
    tf.mul(0.5, tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(1, logVar))) as tf.Tensor2D,
  );
}

/** The same as one VaekitGaussianKl kernel, with VaekitGaussianKlGrad as its gradient. */
const gaussianKl = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [mean, logVar] = args as tf.Tensor[];
  (args[2] as tf.GradSaveFunc)([mean, logVar]);
  return {
    value: tf.engine().runKernel(VaekitGaussianKl, { mean, logVar }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(VaekitGaussianKlGrad, { dy, mean: saved[0], logVar: saved[1] }) as tf.Tensor[],
  };
});

/** KL per example, summed over latent dimensions: [batch]. */
export function klPerExample(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(klPerDim(mean, logVar), 1) as tf.Tensor1D);
}

/**
 * Free bits (Kingma et al. 2016): each latent dimension's KL, averaged over the batch,
 * is floored at lambda nats, so the optimiser gains nothing by pushing it below.
 * Returns the KL term to train on, per example on average: sum_d max(lambda, mean_batch KL_d).
 */
export function freeBitsKl(klDims: tf.Tensor2D, lambda: number): tf.Scalar {
  return tf.tidy(() => {
    const perDim = tf.mean(klDims, 0);
    return tf.sum(lambda > 0 ? tf.maximum(perDim, lambda) : perDim) as tf.Scalar;
  });
}

/** log N(x; 0, I) summed over the last axis. */
export function logStandardNormal(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(-0.5, tf.sum(tf.add(tf.square(z), Math.log(2 * Math.PI)), -1)));
}

/** log N(z; mean, diag(exp(logVar))) summed over the last axis. */
export function logDiagNormal(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(z, mean);
    const t = tf.add(tf.add(tf.div(tf.square(d), tf.exp(logVar)), logVar), Math.log(2 * Math.PI));
    return tf.mul(-0.5, tf.sum(t, -1));
  });
}
