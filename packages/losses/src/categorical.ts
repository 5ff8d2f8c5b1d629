import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataInfo, Loss, PAD_ID, Plugin } from '@vaekit/core';

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
      const perToken = tokenCrossEntropy(tf.reshape(logits, [B * P, V]), targets, weight);
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
 * Per row i: weight_i · (logsumexp(logits_i) − logits_i[target_i]), with a gradient of
 * weight_i · (softmax(logits_i) − onehot(target_i)) written out so the [rows, V] softmax is
 * computed once (the output layer of a text model is the widest tensor of its step).
 */
function tokenCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, weight: tf.Tensor1D): tf.Tensor1D {
  const [N, V] = logits.shape;
  // targets and weight are inputs too (with zero gradients) so that the tape keeps them for the backward pass.
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [l, targets, weight] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const m = tf.max(l, 1, true);
    const e = tf.exp(tf.sub(l, m));
    const s = tf.sum(e, 1, true);
    const lse = tf.add(tf.reshape(tf.log(s), [N]), tf.reshape(m, [N]));
    const flat = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(V, 'int32')), targets);
    const picked = tf.gather(tf.reshape(l, [N * V]), flat);
    save([tf.div(e, s), targets, weight]);
    return {
      value: tf.mul(tf.sub(lse, picked), weight) as tf.Tensor1D,
      gradFunc: (dy: tf.Tensor1D, saved: tf.Tensor[]) => {
        const [probs, t, w] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        const scale = tf.reshape(tf.mul(dy, w), [N, 1]);
        return [tf.mul(tf.sub(probs, tf.oneHot(t, V, 1, 0, 'float32')), scale), tf.zerosLike(t), tf.zerosLike(w)];
      },
    };
  });
  return op(logits, targets, weight) as tf.Tensor1D;
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
