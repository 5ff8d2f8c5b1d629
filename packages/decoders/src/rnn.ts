import * as tf from '@tensorflow/tfjs-core';
import {
  AutoregressiveDecoder,
  BOS_ID,
  ConfigError,
  DecodeContext,
  Decoder,
  DecoderState,
  Dense,
  Embedding,
  PAD_ID,
  Plugin,
  PluginContext,
  RecurrentCell,
  RecurrentLayer,
  RecurrentState,
  Rng,
  UNK_ID,
} from '@vaekit/core';

export interface RnnDecoderOptions {
  embedding: number;
  hidden: number;
  layers: number;
  zToInputs: boolean;
  wordDropout: number;
  /** Use the encoder's token embedding (default false). */
  shareEmbedding?: boolean;
}

/**
 * An autoregressive GRU or LSTM decoder of token sequences (Bowman et al. 2016): z sets each
 * layer's initial state through a linear layer (an LSTM's h and c through one each), and with
 * `zToInputs` z is also concatenated to every input embedding of the first layer; the top
 * layer's states go through a linear layer to logits over the vocabulary.
 *
 * `decode(z, x)` is the teacher-forced pass: fed x[:, 0..T−2] (`<bos> t_1 … t_n`), it returns
 * the logits of x[:, 1..T−1] flat, [B, (T−1)·V]. During training (ctx.training), word dropout
 * replaces each fed token other than <bos> and <pad> by <unk> with probability `wordDropout`,
 * drawn from ctx.seed. `start`/`step` generate one token at a time with the same arithmetic.
 */
export class RnnDecoder implements Decoder, AutoregressiveDecoder {
  readonly autoregressive = true as const;
  readonly embedding: Embedding;
  private readonly layers: RecurrentLayer[] = [];
  /** Per layer: z → h0 (and z → c0 for an LSTM). */
  private readonly initH: Dense[] = [];
  private readonly initC: Dense[] = [];
  private readonly out: Dense;

  /** Whether the embedding is the encoder's (then the encoder lists it among its weights, not this). */
  private readonly sharedEmbedding: boolean;

  constructor(
    readonly cell: RecurrentCell,
    readonly vocabSize: number,
    readonly latentDim: number,
    private readonly o: RnnDecoderOptions,
    rng: Rng,
    shared?: Embedding,
  ) {
    this.sharedEmbedding = !!shared;
    this.embedding = shared ?? new Embedding(vocabSize, o.embedding, rng);
    for (let l = 0; l < o.layers; l++) {
      const inDim = l === 0 ? o.embedding + (o.zToInputs ? latentDim : 0) : o.hidden;
      this.layers.push(new RecurrentLayer(cell, inDim, o.hidden, rng));
      this.initH.push(new Dense(latentDim, o.hidden, rng));
      if (cell === 'lstm') this.initC.push(new Dense(latentDim, o.hidden, rng));
    }
    this.out = new Dense(o.hidden, vocabSize, rng);
  }

  decode(z: tf.Tensor2D, x?: tf.Tensor2D, ctx: DecodeContext = {}): tf.Tensor2D {
    if (!x) throw new Error(`the ${this.cell} decoder decodes with teacher forcing: decode(z, x) needs the token rows x`);
    const [B, T] = x.shape;
    const P = T - 1;
    if (P < 1) throw new Error(`token rows of length ${T}: at least <bos> and <eos> are needed`);
    if (z.shape[0] !== B) throw new Error(`z has ${z.shape[0]} rows for ${B} token rows`);
    const fed = this.fedTokens(x.dataSync(), B, T, ctx);
    const H = this.o.hidden;
    const V = this.vocabSize;
    return tf.tidy(() => {
      let h = this.embedding.apply(tf.tensor1d(fed, 'int32'));
      this.layers.forEach((layer, l) => {
        const proj = layer.project([h], l === 0 && this.o.zToInputs ? z : undefined);
        h = layer.run(proj, this.initialState(l, z));
      });
      // Time-major [P·B, H] → batch-major rows, then all positions through the output layer at once.
      const rowsFirst = tf.reshape(tf.transpose(tf.reshape(h, [P, B, H]), [1, 0, 2]), [B * P, H]) as tf.Tensor2D;
      return tf.reshape(this.out.apply(rowsFirst), [B, P * V]) as tf.Tensor2D;
    });
  }

  /** The tokens fed to the first layer, x[:, 0..T−2] time-major (row t·B + b), after word dropout when training. */
  fedTokens(ids: ArrayLike<number>, B: number, T: number, ctx: DecodeContext): Int32Array {
    const P = T - 1;
    const fed = new Int32Array(P * B);
    for (let b = 0; b < B; b++) for (let t = 0; t < P; t++) fed[t * B + b] = ids[b * T + t];
    const p = this.o.wordDropout;
    if (ctx.training && p > 0) {
      const rng = new Rng(ctx.seed ?? 0);
      for (let i = 0; i < fed.length; i++) {
        if (fed[i] !== BOS_ID && fed[i] !== PAD_ID && rng.next() < p) fed[i] = UNK_ID;
      }
    }
    return fed;
  }

  private initialState(l: number, z: tf.Tensor2D): RecurrentState {
    const h = this.initH[l].apply(z);
    return this.cell === 'lstm' ? [h, this.initC[l].apply(z)] : [h];
  }

  start(z: tf.Tensor2D): DecoderState {
    return tf.tidy(() => this.layers.flatMap((_, l) => this.initialState(l, z)));
  }

  step(z: tf.Tensor2D, state: DecoderState, tokens: tf.Tensor1D): { logits: tf.Tensor2D; state: DecoderState } {
    return tf.tidy(() => {
      const k = this.cell === 'lstm' ? 2 : 1;
      const next: tf.Tensor2D[] = [];
      let h = this.embedding.apply(tokens);
      this.layers.forEach((layer, l) => {
        const proj = layer.project([h], l === 0 && this.o.zToInputs ? z : undefined);
        const s = layer.step(proj, state.slice(l * k, (l + 1) * k) as tf.Tensor2D[]);
        next.push(...s);
        h = s[0];
      });
      return { logits: this.out.apply(h), state: next };
    });
  }

  weights(): tf.Variable[] {
    const rnn = this.layers.flatMap((layer, l) => [...layer.weights(), ...this.initH[l].weights(), ...(this.initC[l]?.weights() ?? [])]);
    return [...(this.sharedEmbedding ? [] : this.embedding.weights()), ...rnn, ...this.out.weights()];
  }
}

/** JSON Schema of the recurrent decoders' options. */
export function rnnDecoderSchema(cell: string): object {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      embedding: { type: 'integer', minimum: 1, maximum: 65536, default: 128, description: 'Size of the token embedding.' },
      hidden: { type: 'integer', minimum: 1, maximum: 65536, default: 256, description: `State size of each ${cell} layer.` },
      layers: { type: 'integer', minimum: 1, maximum: 64, default: 1, description: `Stacked ${cell} layers; z sets the initial state of each through a linear layer.` },
      zToInputs: {
        type: 'boolean',
        default: true,
        description: 'Also concatenate z to every input embedding (of the first layer), so that z is seen at every step.',
      },
      shareEmbedding: {
        type: 'boolean',
        default: false,
        description:
          "Read the input tokens through the encoder's token embedding instead of one of its own (one table for both, as many sequence VAEs do); the encoder must be gru or lstm with the same `embedding` size.",
      },
      wordDropout: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0,
        description:
          'While training, replace each fed token other than `<bos>` by `<unk>` with this probability (Bowman et al. 2016), so the decoder must lean on z.',
      },
    },
  };
}

function sequenceVocab(name: string, ctx: PluginContext): number {
  if (!ctx.vocabSize) {
    throw new ConfigError(
      `${ctx.path}: the ${name} decoder generates token sequences (a text dataset), but the data are vectors of shape [${ctx.dataShape}]; use decoder: mlp or conv`,
      ctx.path,
    );
  }
  return ctx.vocabSize;
}

/** The encoder's token embedding, for a decoder with shareEmbedding: it must fit this decoder. */
function encoderEmbedding(ctx: PluginContext, vocab: number, dim: number): Embedding {
  const e = (ctx.encoder as { embedding?: unknown } | undefined)?.embedding;
  const where = `${ctx.path}.shareEmbedding`;
  if (!(e instanceof Embedding)) {
    throw new ConfigError(`${where}: the encoder has no token embedding to share (use encoder: gru or lstm, or shareEmbedding: false)`, where);
  }
  if (e.vocabSize !== vocab || e.dim !== dim) {
    throw new ConfigError(`${where}: the encoder's embedding is ${e.vocabSize} × ${e.dim}, this decoder's would be ${vocab} × ${dim}; give both the same \`embedding\` size`, where);
  }
  return e;
}

function rnnDecoderPlugin(cell: RecurrentCell): Plugin<'decoder', RnnDecoderOptions> {
  const name = cell.toUpperCase();
  return {
    kind: 'decoder',
    name: cell,
    description: `Autoregressive ${name} decoder of token sequences: z → initial state (and, by default, z beside every input), teacher forcing, optional word dropout.`,
    optionsSchema: rnnDecoderSchema(name),
    create(o, ctx) {
      const vocab = sequenceVocab(cell, ctx);
      return new RnnDecoder(cell, vocab, ctx.latentDim, o, new Rng(ctx.seed), o.shareEmbedding ? encoderEmbedding(ctx, vocab, o.embedding) : undefined);
    },
  };
}

export const gruDecoder = rnnDecoderPlugin('gru');
export const lstmDecoder = rnnDecoderPlugin('lstm');
