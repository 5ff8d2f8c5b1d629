import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  AutoregressiveDecoder,
  BOS_ID,
  decodeLatents,
  DecoderState,
  EOS_ID,
  evaluate,
  klWeight,
  Loss,
  PAD_ID,
  predictedTokens,
  sequenceBatch,
  sequenceData,
  trainModel,
  VAE,
  Encoder,
  Dataset,
} from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A bigram decoder: logits of the next token = table[previous token] + z·U. */
class BigramDecoder implements AutoregressiveDecoder {
  readonly autoregressive = true as const;
  readonly table: tf.Variable;
  readonly u: tf.Variable;
  constructor(readonly vocabSize: number, latent: number, table?: number[][]) {
    this.table = tf.variable(table ? tf.tensor2d(table) : tf.randomNormal([vocabSize, vocabSize], 0, 0.1, 'float32', 3));
    this.u = tf.variable(tf.randomNormal([latent, vocabSize], 0, 0.1, 'float32', 4));
  }
  decode(z: tf.Tensor2D, x?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, T] = x!.shape;
      const inputs = tf.slice(x!, [0, 0], [B, T - 1]);
      const V = this.table.shape[1];
      const rows = tf.reshape(tf.gather(this.table, tf.reshape(inputs, [-1])), [B, T - 1, V]);
      const zu = tf.expandDims(tf.matMul(z, this.u), 1);
      return tf.reshape(tf.add(rows, zu), [B, (T - 1) * V]) as tf.Tensor2D;
    });
  }
  start(z: tf.Tensor2D): DecoderState {
    return [tf.zeros([z.shape[0], 1])];
  }
  step(z: tf.Tensor2D, state: DecoderState, tokens: tf.Tensor1D) {
    const logits = tf.tidy(() => tf.add(tf.gather(this.table, tokens), tf.matMul(z, this.u)) as tf.Tensor2D);
    return { logits, state: [tf.clone(state[0])] };
  }
  weights() {
    return [this.table, this.u];
  }
}

/** Mean of one-hot tokens → (mean, logVar). */
class BagEncoder implements Encoder {
  readonly w: tf.Variable;
  constructor(readonly V: number, readonly L: number) {
    this.w = tf.variable(tf.randomNormal([V, 2 * L], 0, 0.1, 'float32', 5));
  }
  encode(x: tf.Tensor2D) {
    return tf.tidy(() => {
      const oh = tf.oneHot(tf.cast(x, 'int32'), this.V); // [B, T, V]
      const h = tf.mean(oh, 1) as tf.Tensor2D;
      const out = tf.matMul(h, this.w);
      return { mean: tf.slice(out, [0, 0], [-1, this.L]) as tf.Tensor2D, logVar: tf.slice(out, [0, this.L], [-1, this.L]) as tf.Tensor2D };
    });
  }
  weights() {
    return [this.w];
  }
}

/** Token cross-entropy summed over each row's non-pad targets. */
function categorical(V: number): Loss {
  return {
    nll(x, logits) {
      return tf.tidy(() => {
        const [B, T] = x.shape;
        const targets = tf.slice(x, [0, 1], [B, T - 1]);
        const lp = tf.logSoftmax(tf.reshape(logits, [B, T - 1, V]));
        const picked = tf.sum(tf.mul(lp, tf.oneHot(tf.cast(targets, 'int32'), V)), 2);
        const mask = tf.cast(tf.notEqual(targets, PAD_ID), 'float32');
        return tf.neg(tf.sum(tf.mul(picked, mask), 1)) as tf.Tensor1D;
      });
    },
    mean(p) {
      return p;
    },
  };
}

describe('sequence batches', () => {
  test('rows are <bos> tokens <eos> <pad>…, padded to the batch longest', () => {
    const seq = sequenceData([[5, 6, 7], [8], [9, 10]]);
    const b = sequenceBatch(seq, [2, 1], 0, 2);
    expect(b.T).toBe(4);
    expect(Array.from(b.ids)).toEqual([BOS_ID, 9, 10, EOS_ID, BOS_ID, 8, EOS_ID, PAD_ID]);
    expect(b.predicted).toBe(3 + 2);
    expect(predictedTokens(seq)).toBe(3 + 1 + 2 + 3);
    const all = sequenceBatch(seq, null, 0, 3);
    expect(all.T).toBe(5);
  });
});

describe('KL schedules by optimiser steps', () => {
  test('linear warm-up over steps overrides epochs', () => {
    const s = { kind: 'linear' as const, warmupEpochs: 5, warmupSteps: 100, start: 0 };
    expect(klWeight(s, 0, 10, 0)).toBe(0);
    expect(klWeight(s, 7, 10, 50)).toBeCloseTo(0.5);
    expect(klWeight(s, 0.1, 10, 100)).toBe(1);
    expect(klWeight(s, 0.1, 10, 1e6)).toBe(1);
    // Without a step count the epoch form applies.
    expect(klWeight(s, 2.5, 10)).toBeCloseTo(0.5);
  });
  test('cyclical with cycles of a number of steps', () => {
    const s = { kind: 'cyclical' as const, cycles: 4, cycleSteps: 10, ratio: 0.5 };
    expect(klWeight(s, 0, 10, 0)).toBe(0);
    expect(klWeight(s, 0, 10, 4)).toBeCloseTo(0.8);
    expect(klWeight(s, 0, 10, 7)).toBe(1);
    expect(klWeight(s, 0, 10, 12)).toBeCloseTo(0.4);
  });
});

describe('generation', () => {
  // A peaked chain: <bos> → 4 → 5 → 6 → <eos>.
  const V = 8;
  const chain = (): number[][] => {
    const t = Array.from({ length: V }, () => new Array(V).fill(-10));
    t[BOS_ID][4] = 10;
    t[4][5] = 10;
    t[5][6] = 10;
    t[6][EOS_ID] = 10;
    for (const r of [0, 2, 3, 7]) t[r][EOS_ID] = 10;
    return t;
  };

  test('greedy, beam and cold sampling follow the most likely chain', () => {
    const dec = new BigramDecoder(V, 2, chain());
    const z = tf.zeros([3, 2]) as tf.Tensor2D;
    expect(decodeLatents(dec, z, { method: 'greedy', maxLength: 10 })).toEqual([[4, 5, 6], [4, 5, 6], [4, 5, 6]]);
    expect(decodeLatents(dec, z, { method: 'beam', beam: 3, maxLength: 10 })).toEqual([[4, 5, 6], [4, 5, 6], [4, 5, 6]]);
    expect(decodeLatents(dec, z, { method: 'sample', temperature: 0.01, maxLength: 10, seed: 1 })).toEqual([[4, 5, 6], [4, 5, 6], [4, 5, 6]]);
    expect(decodeLatents(dec, z, { method: 'greedy', maxLength: 2 })).toEqual([[4, 5], [4, 5], [4, 5]]);
    z.dispose();
  });

  test('sampling draws tokens with their softmax probabilities, deterministically for a seed', () => {
    const t = Array.from({ length: V }, () => new Array(V).fill(-30));
    t[BOS_ID][4] = Math.log(0.5);
    t[BOS_ID][5] = Math.log(0.3);
    t[BOS_ID][EOS_ID] = Math.log(0.2);
    for (let r = 2; r < V; r++) t[r][EOS_ID] = 0;
    const dec = new BigramDecoder(V, 2, t);
    const n = 4000;
    const z = tf.zeros([n, 2]) as tf.Tensor2D;
    const out = decodeLatents(dec, z, { method: 'sample', maxLength: 3, seed: 7 });
    const freq = (f: (s: number[]) => boolean) => out.filter(f).length / n;
    expect(freq((s) => s[0] === 4)).toBeCloseTo(0.5, 1);
    expect(freq((s) => s[0] === 5)).toBeCloseTo(0.3, 1);
    expect(freq((s) => s.length === 0)).toBeCloseTo(0.2, 1);
    expect(decodeLatents(dec, z, { method: 'sample', maxLength: 3, seed: 7 })).toEqual(out);
    z.dispose();
  });

  test('beam search finds a sequence more likely than greedy when greedy is misled', () => {
    // Greedy takes 4 (p .4) then a flat distribution; beam prefers 5 (p .35) then <eos> (p ≈ 1).
    const t = Array.from({ length: V }, () => new Array(V).fill(-30));
    t[BOS_ID][4] = Math.log(0.4);
    t[BOS_ID][5] = Math.log(0.35);
    t[BOS_ID][6] = Math.log(0.25);
    for (const v of [2, 3, 6, 7]) t[4][v] = Math.log(0.25);
    t[5][EOS_ID] = 0;
    t[6][EOS_ID] = 0;
    for (const r of [0, 2, 3, 7]) t[r][EOS_ID] = 0;
    const dec = new BigramDecoder(V, 2, t);
    const z = tf.zeros([1, 2]) as tf.Tensor2D;
    expect(decodeLatents(dec, z, { method: 'greedy', maxLength: 4 })[0][0]).toBe(4);
    expect(decodeLatents(dec, z, { method: 'beam', beam: 4, maxLength: 4 })[0]).toEqual([5]);
    z.dispose();
  });
});

describe('training and evaluation on token sequences', () => {
  test('the loss falls, tokens/s is reported, perplexity follows the bound it is computed from', async () => {
    const V = 10;
    const seqs: number[][] = [];
    for (let i = 0; i < 120; i++) seqs.push(i % 2 ? [4, 5, 6, 7].slice(0, 1 + (i % 4)) : [8, 9, 8, 9, 8].slice(0, 2 + (i % 3)));
    const data: Dataset = {
      name: 'toy',
      info: { shape: [], min: 0, max: V - 1, sequence: { vocabSize: V } },
      train: { x: new Float32Array(0), n: 100, dim: 0, seq: sequenceData(seqs.slice(0, 100)) },
      validation: { x: new Float32Array(0), n: 20, dim: 0, seq: sequenceData(seqs.slice(100)) },
      test: { x: new Float32Array(0), n: 20, dim: 0, seq: sequenceData(seqs.slice(100)) },
      binarize: 'none',
    };
    const model = new VAE(new BagEncoder(V, 2), new BigramDecoder(V, 2), categorical(V), 2, []);
    const before = evaluate(model, data.test, { seed: 1 });
    const r = await trainModel(model, data, {
      epochs: 8,
      batchSize: 16,
      optimizer: { name: 'adam', lr: 0.05 },
      seed: 1,
      beta: 1,
      klSchedule: { kind: 'linear', warmupSteps: 20 },
    });
    expect(r.steps).toBe(8 * 7);
    expect(r.tokensPerSec).toBeGreaterThan(0);
    expect(r.epochs[0].tokensPerSec).toBeGreaterThan(0);
    const after = evaluate(model, data.test, { seed: 1, iwaeSamples: 5 });
    expect(after.negElbo).toBeLessThan(before.negElbo - 2);
    const tokens = predictedTokens(data.test.seq!);
    expect(after.tokens).toBe(tokens);
    expect(after.pplBound).toBe('iwae');
    expect(after.ppl).toBeCloseTo(Math.exp((after.iwaeNll! * 20) / tokens), 6);
    expect(before.pplBound).toBe('elbo');
    expect(before.ppl).toBeCloseTo(Math.exp((before.negElbo * 20) / tokens), 4);
    tf.dispose(model.weights());
  });
});

describe('evaluation batches of sequence models', () => {
  test('I(x; z) is estimated in full batches when the logits cut the decoding batches short', () => {
    const V = 10;
    // A decoder that says its vocabulary is huge: decoding batches shrink to one row.
    const wide = new BigramDecoder(V, 2);
    Object.defineProperty(wide, 'vocabSize', { value: 2 ** 24 });
    const seqs = Array.from({ length: 40 }, (_, i) => [4 + (i % 5), 5 + (i % 3), 6]);
    const split = { x: new Float32Array(0), n: 40, dim: 0, seq: sequenceData(seqs) };
    const enc = new BagEncoder(V, 2);
    const rows: number[] = [];
    const encode = enc.encode.bind(enc);
    enc.encode = (x: tf.Tensor2D) => {
      rows.push(x.shape[0]);
      return encode(x);
    };
    const narrow = new VAE(enc, wide, categorical(V), 2, []);
    const m = evaluate(narrow, split, { seed: 1 });
    // 40 decoding batches of one row, then one batch of 40 rows through the encoder alone for I(x; z)
    // (from batches of one row it would be 0).
    expect(rows).toEqual([...new Array(40).fill(1), 40]);
    expect(Number.isFinite(m.mutualInfo) && m.mutualInfo !== 0).toBe(true);
    const full = evaluate(new VAE(enc, new BigramDecoder(V, 2), categorical(V), 2, []), split, { seed: 1 });
    expect(m.negElbo).toBeCloseTo(full.negElbo, 0);
  });
});
