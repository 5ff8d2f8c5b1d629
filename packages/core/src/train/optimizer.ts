import * as tf from '@tensorflow/tfjs-core';

export interface OptimizerOptions {
  name: 'adam' | 'sgd' | 'rmsprop';
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export function createOptimizer(o: OptimizerOptions): tf.Optimizer {
  switch (o.name) {
    case 'sgd':
      return tf.train.sgd(o.lr);
    case 'rmsprop':
      return tf.train.rmsprop(o.lr, 0.9, 0, o.epsilon ?? 1e-8);
    default:
      return tf.train.adam(o.lr, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-8);
  }
}

/** Scales all gradients together so their global L2 norm is at most maxNorm. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const out: tf.NamedTensorMap = {};
    for (const n of names) out[n] = tf.mul(grads[n], scale);
    return out;
  });
}
