import * as tf from '@tensorflow/tfjs-core';
import { Activation, activate, activationSchema, Decoder, Dense, hiddenSchema, Plugin, Rng } from '@vaekit/core';

export interface MlpDecoderOptions {
  hidden: number[];
  activation: Activation;
}

/** z → hidden layers → one output per data value (logits for bce, means for mse). */
export class MlpDecoder implements Decoder {
  private readonly layers: Dense[] = [];
  private readonly out: Dense;

  constructor(latentDim: number, outDim: number, private readonly o: MlpDecoderOptions, rng: Rng) {
    let d = latentDim;
    for (const h of o.hidden) {
      this.layers.push(new Dense(d, h, rng));
      d = h;
    }
    this.out = new Dense(d, outDim, rng);
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = z;
      for (const l of this.layers) h = activate(l.apply(h), this.o.activation);
      return this.out.apply(h);
    });
  }

  weights(): tf.Variable[] {
    return [...this.layers.flatMap((l) => l.weights()), ...this.out.weights()];
  }
}

export const mlpDecoder: Plugin<'decoder', MlpDecoderOptions> = {
  kind: 'decoder',
  name: 'mlp',
  description: 'Fully connected decoder producing flattened data.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      hidden: hiddenSchema([400], 'Width of each hidden layer.'),
      activation: activationSchema,
    },
  },
  create(o, ctx) {
    const outDim = ctx.dataShape.reduce((a, b) => a * b, 1);
    return new MlpDecoder(ctx.latentDim, outDim, o, new Rng(ctx.seed));
  },
};
