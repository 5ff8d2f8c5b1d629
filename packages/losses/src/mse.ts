import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataInfo, Loss, Plugin } from '@vaekit/core';

export interface GaussianOptions {
  /** The fixed standard deviation σ of p(x|z) = N(μ(z), σ² I). */
  sigma: number;
  /** Add the normalising constant D·(log σ + ½ log 2π) so the NLL is in true nats. */
  includeConstant: boolean;
}

/**
 * Gaussian likelihood with fixed σ: −log p(x|μ) = Σ (x − μ)² / (2σ²) + D·(log σ + ½ log 2π).
 * By default the constant term is dropped (it does not change the optimum); with
 * includeConstant: true the value is the exact negative log-density in nats.
 */
export class GaussianLoss implements Loss {
  constructor(private readonly o: GaussianOptions) {}

  nll(x: tf.Tensor2D, mu: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const sq = tf.div(tf.sum(tf.squaredDifference(x, mu), 1), 2 * this.o.sigma * this.o.sigma);
      if (!this.o.includeConstant) return sq as tf.Tensor1D;
      const d = x.shape[1];
      return tf.add(sq, d * (Math.log(this.o.sigma) + 0.5 * Math.log(2 * Math.PI))) as tf.Tensor1D;
    });
  }

  mean(mu: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(mu);
  }

  checkData(info: DataInfo): void {
    if (info.sequence) {
      throw new ConfigError('model.loss: mse models vectors; use loss: categorical for token sequences', 'model.loss');
    }
  }
}

export const mse: Plugin<'loss', GaussianOptions> = {
  kind: 'loss',
  name: 'mse',
  description: 'Gaussian likelihood with fixed sigma (squared error), for real-valued data.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      sigma: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Fixed standard deviation of p(x|z).' },
      includeConstant: { type: 'boolean', default: false, description: 'Add D·(log σ + ½ log 2π) so the NLL is in exact nats.' },
    },
  },
  create(o) {
    return new GaussianLoss(o);
  },
};
