import * as tf from '@tensorflow/tfjs-core';
import { Activation, activate, activationSchema, Dense, Encoder, hiddenSchema, Plugin, Rng } from '@vaekit/core';

export interface MlpEncoderOptions {
  hidden: number[];
  activation: Activation;
}

/** x → hidden layers → (mean, log-variance); the two heads are separate dense layers, as in Kingma & Welling. */
export class MlpEncoder implements Encoder {
  private readonly layers: Dense[] = [];
  private readonly meanHead: Dense;
  private readonly logVarHead: Dense;

  constructor(inDim: number, latentDim: number, private readonly o: MlpEncoderOptions, rng: Rng) {
    // The layers that read x itself (data) skip their input gradient, which nothing uses.
    let d = inDim;
    for (const h of o.hidden) {
      this.layers.push(new Dense(d, h, rng, this.layers.length > 0));
      d = h;
    }
    this.meanHead = new Dense(d, latentDim, rng, o.hidden.length > 0);
    this.logVarHead = new Dense(d, latentDim, rng, o.hidden.length > 0);
  }

  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      let h = x;
      for (const l of this.layers) h = activate(l.apply(h), this.o.activation);
      return { mean: this.meanHead.apply(h), logVar: this.logVarHead.apply(h) };
    });
  }

  weights(): tf.Variable[] {
    return [...this.layers.flatMap((l) => l.weights()), ...this.meanHead.weights(), ...this.logVarHead.weights()];
  }
}

export const mlpEncoder: Plugin<'encoder', MlpEncoderOptions> = {
  kind: 'encoder',
  name: 'mlp',
  description: 'Fully connected encoder on flattened data.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      hidden: hiddenSchema([400], 'Width of each hidden layer.'),
      activation: activationSchema,
    },
  },
  create(o, ctx) {
    const inDim = ctx.dataShape.reduce((a, b) => a * b, 1);
    return new MlpEncoder(inDim, ctx.latentDim, o, new Rng(ctx.seed));
  },
};
