import * as tf from '@tensorflow/tfjs-core';
import { decodeLatents, GenerateOptions, isAutoregressive, Rng, SequenceData, sequenceBatch, VAE, Vocabulary } from '@vaekit/core';
import { decodeIds } from '@vaekit/datasets';

/** Decoding choices shared by every way of generating text. */
export type DecodeOptions = GenerateOptions;

/** Rows decoded at once when generating. */
const ROWS = 100;

function decoderOf(model: VAE) {
  if (!isAutoregressive(model.decoder)) throw new Error('not a model of token sequences');
  return model.decoder;
}

/** Decodes latent codes [n, L] to text, ROWS at a time. */
export function decodeToText(model: VAE, vocab: Vocabulary, z: tf.Tensor2D, o: DecodeOptions): string[] {
  const dec = decoderOf(model);
  const out: string[] = [];
  for (let a = 0; a < z.shape[0]; a += ROWS) {
    const b = Math.min(z.shape[0], a + ROWS);
    const part = tf.slice(z, [a, 0], [b - a, z.shape[1]]);
    // Each chunk draws with its own seed, so chunking does not change what a seed gives.
    const ids = decodeLatents(dec, part, { ...o, seed: (o.seed ?? 0) + a });
    part.dispose();
    for (const s of ids) out.push(decodeIds(s, vocab));
  }
  return out;
}

/**
 * n sentences decoded from prior draws z ~ N(0, I), handed to `onChunk` ROWS at a time, in order.
 * Each chunk draws its own z (and its own decoding seed) from seeds of one generator started at
 * `o.seed`, so a seed fixes the samples while memory stays that of one chunk, whatever n.
 */
export function forEachSampleChunk(model: VAE, vocab: Vocabulary, n: number, o: DecodeOptions & { seed: number }, onChunk: (chunk: string[]) => void): void {
  const rng = new Rng(o.seed);
  for (let a = 0; a < n; a += ROWS) {
    const rows = Math.min(ROWS, n - a);
    const zSeed = rng.nextSeed();
    const decodeSeed = rng.nextSeed();
    const z = tf.tidy(() => tf.randomNormal([rows, model.latentDim], 0, 1, 'float32', zSeed) as tf.Tensor2D);
    let chunk: string[];
    try {
      chunk = decodeToText(model, vocab, z, { ...o, seed: decodeSeed }); // one chunk of at most ROWS
    } finally {
      z.dispose();
    }
    onChunk(chunk);
  }
}

/** n sentences decoded from prior draws z ~ N(0, I): the chunks of `forEachSampleChunk`, joined. */
export function sampleText(model: VAE, vocab: Vocabulary, n: number, o: DecodeOptions & { seed: number }): string[] {
  const out: string[] = [];
  forEachSampleChunk(model, vocab, n, o, (chunk) => {
    for (const s of chunk) out.push(s);
  });
  return out;
}

/** The posterior means E[z|x] of sequences, [n, L]. */
export function posteriorMeans(model: VAE, seq: SequenceData): tf.Tensor2D {
  const n = seq.offsets.length - 1;
  const parts: tf.Tensor2D[] = [];
  for (let a = 0; a < n; a += ROWS) {
    const b = sequenceBatch(seq, null, a, Math.min(n, a + ROWS));
    parts.push(
      tf.tidy(() => {
        const x = tf.tensor2d(b.ids, [b.rows, b.T], 'int32');
        return model.encoder.encode(x).mean;
      }),
    );
  }
  const z = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return z;
}

/** Each sequence encoded to its posterior mean and decoded. */
export function reconstructText(model: VAE, vocab: Vocabulary, seq: SequenceData, o: DecodeOptions): string[] {
  if (seq.offsets.length < 2) return [];
  const z = posteriorMeans(model, seq);
  try {
    return decodeToText(model, vocab, z, o);
  } finally {
    z.dispose();
  }
}

/**
 * The homotopy of Bowman et al. 2016: `steps` points evenly spaced on the straight line between
 * the posterior means of two sequences (both ends included), each decoded.
 */
export function interpolateText(model: VAE, vocab: Vocabulary, pair: SequenceData, steps: number, o: DecodeOptions): string[] {
  const z = posteriorMeans(model, pair);
  const path = tf.tidy(() => {
    const a = tf.slice(z, [0, 0], [1, -1]);
    const b = tf.slice(z, [1, 0], [1, -1]);
    const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
    return tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)) as tf.Tensor2D;
  });
  z.dispose();
  try {
    return decodeToText(model, vocab, path, o);
  } finally {
    path.dispose();
  }
}
