import * as tf from '@tensorflow/tfjs-core';
import { VaekitBernoulliNll, VaekitBernoulliNllGrad, VaekitSoftmaxXent, VaekitSoftmaxXentGrad } from '../kernels';

/**
 * Per row r of logits [N, V]: weights[r] · (logsumexp(logits[r]) − logits[r][targets[r]]), the
 * cross-entropy of a softmax against int32 targets [N], in nats: [N]. Forward and gradient are
 * one kernel each (VaekitSoftmaxXent, VaekitSoftmaxXentGrad: see kernels/VaekitSoftmaxXent.ts);
 * rows of weight 0 (padding) cost nothing. The gradient flows to the logits only.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Tensor1D {
  if (targets.dtype !== 'int32') throw new Error(`softmaxCrossEntropy: targets must be int32, got ${targets.dtype}`);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const l = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const [loss, probs] = tf.engine().runKernel(VaekitSoftmaxXent, { logits: l, targets, weights }) as tf.Tensor[];
    // Saved tensors outlive the caller's tidy until the backward pass.
    save([probs, targets, weights]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, t, w] = saved;
        const scale = tf.mul(dy, w);
        // probs is read by nothing else and this runs once per backward pass: in place.
        const g = tf.engine().runKernel(VaekitSoftmaxXentGrad, { probs: p, targets: t, scale }, { inPlace: true }) as tf.Tensor;
        scale.dispose();
        return g;
      },
    };
  });
  return op(logits) as tf.Tensor1D;
}

/**
 * Per row b of logits [B, D]: the Bernoulli negative log-likelihood of x [B, D] (values in [0, 1]),
 * Σ_d softplus(logits) − x·logits, in nats: [B]. Forward and gradient are one kernel each
 * (VaekitBernoulliNll, VaekitBernoulliNllGrad: see kernels/VaekitBernoulliNll.ts). The gradient
 * flows to the logits only.
 */
export function bernoulliNll(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const l = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const nll = tf.engine().runKernel(VaekitBernoulliNll, { logits: l, x }) as tf.Tensor1D;
    // Saved tensors outlive the caller's tidy until the backward pass.
    save([l, x]);
    return {
      value: nll,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(VaekitBernoulliNllGrad, { dy, logits: saved[0], x: saved[1] }) as tf.Tensor,
    };
  });
  return op(logits) as tf.Tensor1D;
}
