import * as tf from '@tensorflow/tfjs-core';
import { Activation, activate, ConfigError, Conv2d, convStackSchema, Dense, Encoder, Plugin, Rng } from '@vaekit/core';

export interface ConvEncoderOptions {
  filters: number[];
  kernel: number;
  stride: number;
  /** Symmetric zero padding per side; default (k − s) / 2 rounded down, which halves sizes for k 4, s 2. */
  padding?: number;
  hidden: number[];
  activation: Activation;
}

/** Image [H, W, C] → strided convolutions → flatten → optional dense layers → (mean, log-variance). */
export class ConvEncoder implements Encoder {
  private readonly convs: Conv2d[] = [];
  private readonly dense: Dense[] = [];
  private readonly meanHead: Dense;
  private readonly logVarHead: Dense;

  constructor(private readonly shape: [number, number, number], latentDim: number, private readonly o: ConvEncoderOptions, rng: Rng) {
    let [h, w, c] = shape;
    const pad = o.padding ?? Math.floor((o.kernel - o.stride) / 2);
    for (const f of o.filters) {
      const conv = new Conv2d(c, f, [o.kernel, o.kernel], [o.stride, o.stride], pad, rng, this.convs.length > 0);
      [h, w] = conv.outputSize(h, w);
      c = f;
      this.convs.push(conv);
    }
    let d = h * w * c;
    for (const n of o.hidden) {
      this.dense.push(new Dense(d, n, rng));
      d = n;
    }
    this.meanHead = new Dense(d, latentDim, rng);
    this.logVarHead = new Dense(d, latentDim, rng);
  }

  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      let h: tf.Tensor4D = tf.reshape(x, [x.shape[0], ...this.shape]);
      for (const c of this.convs) h = activate(c.apply(h), this.o.activation);
      let f = tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D;
      for (const l of this.dense) f = activate(l.apply(f), this.o.activation);
      return { mean: this.meanHead.apply(f), logVar: this.logVarHead.apply(f) };
    });
  }

  weights(): tf.Variable[] {
    return [
      ...this.convs.flatMap((l) => l.weights()),
      ...this.dense.flatMap((l) => l.weights()),
      ...this.meanHead.weights(),
      ...this.logVarHead.weights(),
    ];
  }
}

export const convEncoder: Plugin<'encoder', ConvEncoderOptions> = {
  kind: 'encoder',
  name: 'conv',
  description: 'Strided convolutional encoder for images [height, width, channels].',
  optionsSchema: convStackSchema('Filters of each conv layer.'),
  create(o, ctx) {
    if (ctx.dataShape.length !== 3) {
      throw new ConfigError(
        `${ctx.path}: the conv encoder needs image data of shape [height, width, channels], but the data has shape [${ctx.dataShape.join(', ')}] (use: mlp for vectors)`,
        ctx.path,
      );
    }
    const enc = new ConvEncoder(ctx.dataShape as [number, number, number], ctx.latentDim, o, new Rng(ctx.seed));
    return enc;
  },
};
