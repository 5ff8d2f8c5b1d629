import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataInfo, Loss, ops, Plugin } from '@vaekit/core';

/**
 * Bernoulli likelihood on logits l: −log p(x|l) = Σ softplus(l) − x·l, which equals
 * Σ max(l, 0) − x·l + log(1 + e^−|l|) and never overflows. Valid for x in [0, 1]
 * (grey values give the continuous cross-entropy used on non-binarised MNIST). One kernel each
 * way (core's ops.bernoulliNll).
 */
export const bernoulliLoss: Loss = {
  nll(x, logits) {
    return ops.bernoulliNll(logits, x);
  },
  mean(logits) {
    return tf.sigmoid(logits);
  },
  checkData(info: DataInfo) {
    if (info.sequence) {
      throw new ConfigError('model.loss: bce models vectors; use loss: categorical for token sequences', 'model.loss');
    }
    if (info.min < 0 || info.max > 1) {
      throw new ConfigError(
        `model.loss: the bce loss needs data in [0, 1], but the data ranges over [${info.min}, ${info.max}] (scale the data, e.g. data.scale: minmax, or use loss: mse)`,
        'model.loss',
      );
    }
  },
};

export const bce: Plugin<'loss', Record<string, never>> = {
  kind: 'loss',
  name: 'bce',
  description: 'Bernoulli likelihood with logits (binary cross-entropy), for data in [0, 1].',
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    return bernoulliLoss;
  },
};
