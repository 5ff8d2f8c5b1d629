import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  Dense,
  Embedding,
  Encoder,
  EOS_ID,
  PAD_ID,
  Plugin,
  PluginContext,
  RecurrentCell,
  RecurrentLayer,
  Rng,
} from '@vaekit/core';

export interface RnnEncoderOptions {
  embedding: number;
  hidden: number;
  layers: number;
  bidirectional: boolean;
}

/**
 * Token rows `<bos> t_1 … t_n <eos> <pad>…` → q(z|x): an embedding, `layers` GRU or LSTM layers
 * over t_1 … t_n (neither <bos> nor <eos> is read, as in the PyTorch reference sequence VAE), and
 * two dense heads on the top layer's state after each row's last token; bidirectional, the
 * forward state after t_n and the backward state at t_1, concatenated. A row without tokens
 * encodes from the zero state.
 */
export class RnnEncoder implements Encoder {
  readonly embedding: Embedding;
  private readonly forwardLayers: RecurrentLayer[] = [];
  private readonly backwardLayers: RecurrentLayer[] = [];
  private readonly meanHead: Dense;
  private readonly logVarHead: Dense;

  constructor(
    readonly cell: RecurrentCell,
    vocabSize: number,
    latentDim: number,
    private readonly o: RnnEncoderOptions,
    rng: Rng,
  ) {
    this.embedding = new Embedding(vocabSize, o.embedding, rng);
    const dirs = o.bidirectional ? 2 : 1;
    for (let l = 0; l < o.layers; l++) {
      const inDim = l === 0 ? o.embedding : dirs * o.hidden;
      this.forwardLayers.push(new RecurrentLayer(cell, inDim, o.hidden, rng));
      if (o.bidirectional) this.backwardLayers.push(new RecurrentLayer(cell, inDim, o.hidden, rng));
    }
    this.meanHead = new Dense(dirs * o.hidden, latentDim, rng);
    this.logVarHead = new Dense(dirs * o.hidden, latentDim, rng);
  }

  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const [B, T] = x.shape;
    // Tokens sit in columns 1 … T−2 (the last column holds only <eos> or <pad>).
    const S = Math.max(T - 2, 1);
    const ids = x.dataSync();
    const steps = new Int32Array(S * B);
    const mask = new Float32Array(S * B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < S; t++) {
        const id = t + 1 < T ? ids[b * T + t + 1] : PAD_ID;
        steps[t * B + b] = id;
        mask[t * B + b] = id !== PAD_ID && id !== EOS_ID ? 1 : 0;
      }
    }
    const H = this.o.hidden;
    return tf.tidy(() => {
      let inputs: tf.Tensor2D[] = [this.embedding.apply(tf.tensor1d(steps, 'int32'))];
      let fwd: tf.Tensor2D | null = null;
      let bwd: tf.Tensor2D | null = null;
      for (let l = 0; l < this.o.layers; l++) {
        const f = this.forwardLayers[l];
        fwd = f.run(f.project(inputs), f.zeroState(B), { mask });
        if (this.o.bidirectional) {
          const r = this.backwardLayers[l];
          bwd = r.run(r.project(inputs), r.zeroState(B), { mask, reverse: true });
        }
        inputs = bwd ? [fwd, bwd] : [fwd];
      }
      // Padded positions carry the state, so the last step holds each row's last valid state.
      let h = tf.slice(fwd!, [(S - 1) * B, 0], [B, H]);
      if (bwd) h = tf.concat([h, tf.slice(bwd, [0, 0], [B, H])], 1);
      return { mean: this.meanHead.apply(h), logVar: this.logVarHead.apply(h) };
    });
  }

  weights(): tf.Variable[] {
    const rnn = this.forwardLayers.flatMap((f, l) => [...f.weights(), ...(this.backwardLayers[l]?.weights() ?? [])]);
    return [...this.embedding.weights(), ...rnn, ...this.meanHead.weights(), ...this.logVarHead.weights()];
  }
}

/** JSON Schema of the recurrent encoders' options. */
export function rnnEncoderSchema(cell: string): object {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      embedding: { type: 'integer', minimum: 1, maximum: 65536, default: 128, description: 'Size of the token embedding.' },
      hidden: { type: 'integer', minimum: 1, maximum: 65536, default: 256, description: `State size of each ${cell} layer (per direction).` },
      layers: { type: 'integer', minimum: 1, maximum: 64, default: 1, description: `Stacked ${cell} layers; the top one's last state gives q(z|x).` },
      bidirectional: {
        type: 'boolean',
        default: false,
        description: 'Also read each sequence backwards and concatenate the backward state at the first token to the forward state after the last.',
      },
    },
  };
}

/** The context's vocabulary size, or a ConfigError when the data are not token sequences. */
export function sequenceVocab(kind: 'encoder' | 'decoder', name: string, ctx: PluginContext): number {
  if (!ctx.vocabSize) {
    throw new ConfigError(
      `${ctx.path}: the ${name} ${kind} reads token sequences (a text dataset), but the data are vectors of shape [${ctx.dataShape}]; use ${kind}: mlp or conv`,
      ctx.path,
    );
  }
  return ctx.vocabSize;
}

function rnnEncoderPlugin(cell: RecurrentCell): Plugin<'encoder', RnnEncoderOptions> {
  const name = cell.toUpperCase();
  return {
    kind: 'encoder',
    name: cell,
    description: `${name} encoder of token sequences: embedding, ${name} layers, the last state → mean and log-variance.`,
    optionsSchema: rnnEncoderSchema(name),
    create(o, ctx) {
      const vocab = sequenceVocab('encoder', cell, ctx);
      return new RnnEncoder(cell, vocab, ctx.latentDim, o, new Rng(ctx.seed));
    },
  };
}

export const gruEncoder = rnnEncoderPlugin('gru');
export const lstmEncoder = rnnEncoderPlugin('lstm');
