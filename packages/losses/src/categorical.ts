import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataInfo, Loss, ops, PAD_ID, Plugin } from '@vaekit/core';

/**
 * The categorical likelihood of token sequences (see @vaekit/core's sequence/types.ts): x is a
 * batch of id rows [batch, T] laid out `<bos> t_1 … t_n <eos> <pad>…`, the decoder's logits are
 * flat [batch, (T−1)·V], row position j predicting x[:, j + 1]. Per sequence,
 *   −log p(x|z) = Σ_{j : x[j+1] ≠ <pad>} −log softmax(logits_j)[x[j+1]],
 * in nats: the n tokens and the <eos> count, padding does not.
 */
export class CategoricalLoss implements Loss {
  /** @param vocabSize V, the 4 specials included (the plugin context's vocabSize); mean() needs it. */
  constructor(readonly vocabSize?: number) {}

  nll(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
    const [B, T] = x.shape;
    const P = T - 1;
    if (P < 1 || logits.shape[0] !== B || logits.shape[1] % P !== 0) {
      throw new Error(`categorical: logits [${logits.shape}] do not fit token rows [${x.shape}] (expected [${B}, ${Math.max(P, 1)}·V])`);
    }
    const V = logits.shape[1] / P;
    return tf.tidy(() => {
      const ids = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
      const targets = tf.reshape(tf.slice(ids, [0, 1], [B, P]), [B * P]) as tf.Tensor1D;
      const weight = tf.cast(tf.notEqual(targets, PAD_ID), 'float32') as tf.Tensor1D;
      // One kernel each way (core's softmaxCrossEntropy): the [tokens, V] softmax is the widest
      // tensor of a text model's step.
      const perToken = ops.softmaxCrossEntropy(tf.reshape(logits, [B * P, V]) as tf.Tensor2D, targets, weight);
      return tf.sum(tf.reshape(perToken, [B, P]), 1) as tf.Tensor1D;
    });
  }

  /**
   * The mode, not the mean, of p(x|z) (the mean of a categorical is not a token): the most
   * likely token at each predicted position, as float ids [batch, T−1].
   */
  mean(logits: tf.Tensor2D): tf.Tensor2D {
    const V = this.vocabSize;
    if (!V || logits.shape[1] % V !== 0) {
      throw new Error(`categorical: logits [${logits.shape}] are not a whole number of positions of ${V ?? 'an unknown number of'} tokens`);
    }
    return argmaxIds(logits, logits.shape[1] / V);
  }

  checkData(info: DataInfo): void {
    if (!info.sequence) {
      throw new ConfigError(
        `model.loss: the categorical loss models token sequences (a text dataset), but the data are vectors of shape [${info.shape}]; use loss: bce or mse`,
        'model.loss',
      );
    }
  }
}

/**
 * The most likely token at each predicted position: logits [batch, P·V] → ids [batch, P] (float,
 * as the Loss interface's mean returns data-space values).
 */
export function argmaxIds(logits: tf.Tensor2D, positions: number): tf.Tensor2D {
  const [B, F] = logits.shape;
  return tf.tidy(() => tf.cast(tf.reshape(tf.argMax(tf.reshape(logits, [B * positions, F / positions]), 1), [B, positions]), 'float32') as tf.Tensor2D);
}

export const categorical: Plugin<'loss', Record<string, never>> = {
  kind: 'loss',
  name: 'categorical',
  description:
    'Categorical likelihood of token sequences: the cross-entropy of every predicted token (each `<eos>` included, padding masked), summed per sequence, in nats.',
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  create(_o, ctx) {
    return new CategoricalLoss(ctx.vocabSize);
  },
};
