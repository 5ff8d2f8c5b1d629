import * as tf from '@tensorflow/tfjs-core';
import { Activation, activate, ConfigError, ConvTranspose2d, convStackSchema, Decoder, Dense, Plugin, Rng } from '@vaekit/core';

export interface ConvDecoderOptions {
  /** Filters of the encoder's conv layers, in encoder order; the decoder mirrors them. */
  filters: number[];
  kernel: number;
  stride: number;
  padding?: number;
  hidden: number[];
  activation: Activation;
}

/**
 * The mirror of the conv encoder: z → optional dense layers → dense to h×w×filters[last] → transpose
 * convolutions back through the filters in reverse → the data's channels, as logits or means.
 */
export class ConvDecoder implements Decoder {
  private readonly dense: Dense[] = [];
  private readonly deconvs: ConvTranspose2d[] = [];
  private readonly start: [number, number, number];

  constructor(latentDim: number, readonly outShape: [number, number, number], private readonly o: ConvDecoderOptions, rng: Rng) {
    const [H, W, C] = outShape;
    const n = o.filters.length;
    const pad = o.padding ?? Math.floor((o.kernel - o.stride) / 2);
    const s = Math.pow(o.stride, n);
    this.start = [Math.round(H / s), Math.round(W / s), o.filters[n - 1]];
    let d = latentDim;
    for (const h of o.hidden) {
      this.dense.push(new Dense(d, h, rng));
      d = h;
    }
    this.dense.push(new Dense(d, this.start[0] * this.start[1] * this.start[2], rng));
    const chans = [...o.filters].reverse().concat([C]);
    for (let i = 0; i < n; i++) {
      this.deconvs.push(new ConvTranspose2d(chans[i], chans[i + 1], [o.kernel, o.kernel], [o.stride, o.stride], pad, rng));
    }
  }

  /** The image size this decoder produces. */
  producedShape(): [number, number, number] {
    let [h, w] = this.start;
    for (const d of this.deconvs) [h, w] = d.outputSize(h, w);
    return [h, w, this.outShape[2]];
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let f = z;
      for (const l of this.dense) f = activate(l.apply(f), this.o.activation);
      let h = tf.reshape(f, [z.shape[0], ...this.start]) as tf.Tensor4D;
      this.deconvs.forEach((d, i) => {
        h = d.apply(h);
        if (i < this.deconvs.length - 1) h = activate(h, this.o.activation);
      });
      return tf.reshape(h, [z.shape[0], -1]) as tf.Tensor2D;
    });
  }

  weights(): tf.Variable[] {
    return [...this.dense.flatMap((l) => l.weights()), ...this.deconvs.flatMap((l) => l.weights())];
  }
}

export const convDecoder: Plugin<'decoder', ConvDecoderOptions> = {
  kind: 'decoder',
  name: 'conv',
  description: 'Transpose-convolutional decoder for images, the mirror of the conv encoder.',
  optionsSchema: convStackSchema('The encoder-order filters that are mirrored.'),
  create(o, ctx) {
    if (ctx.dataShape.length !== 3) {
      throw new ConfigError(
        `${ctx.path}: the conv decoder produces images [height, width, channels], but the data has shape [${ctx.dataShape.join(', ')}] (use: mlp for vectors)`,
        ctx.path,
      );
    }
    const dec = new ConvDecoder(ctx.latentDim, ctx.dataShape as [number, number, number], o, new Rng(ctx.seed));
    const got = dec.producedShape();
    if (got.join() !== ctx.dataShape.join()) {
      tf.dispose(dec.weights());
      throw new ConfigError(
        `${ctx.path}: this conv decoder produces images of shape [${got.join(', ')}], but the data has shape [${ctx.dataShape.join(', ')}] (choose filters, kernel, stride and padding that invert to the data's size)`,
        ctx.path,
      );
    }
    return dec;
  },
};
