import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AutoregressiveDecoder, BOS_ID, PAD_ID, UNK_ID } from '@vaekit/core';
import { gruDecoder, lstmDecoder, RnnDecoder, RnnDecoderOptions } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const V = 11;
const L = 3;
const ctx = { dataShape: [], latentDim: L, seed: 5, path: 'model.decoder', baseDir: '.', vocabSize: V };
const opts = (o: Partial<RnnDecoderOptions> = {}): RnnDecoderOptions => ({ embedding: 4, hidden: 5, layers: 1, zToInputs: true, wordDropout: 0, ...o });

const X = tf.tensor2d(
  [
    [1, 4, 7, 5, 2, 0],
    [1, 9, 2, 0, 0, 0],
    [1, 6, 6, 8, 10, 2],
  ],
  undefined,
  'int32',
);
const Z = tf.tensor2d([
  [0.3, -1.2, 0.5],
  [1.1, 0.2, -0.7],
  [-0.4, 0.9, 0.05],
]);

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThanOrEqual(tol);
};

describe.each([
  ['gru', gruDecoder],
  ['lstm', lstmDecoder],
])('%s decoder', (_name, plugin) => {
  it.each([
    ['1 layer', opts()],
    ['2 layers, z not fed to the inputs', opts({ layers: 2, zToInputs: false })],
    ['2 layers, z fed to the inputs', opts({ layers: 2 })],
  ])('%s: stepping from start(z) gives the teacher-forced logits', async (_n, o) => {
    const dec = (await plugin.create(o, ctx)) as RnnDecoder;
    const [B, T] = X.shape;
    const forced = dec.decode(Z, X).arraySync();
    expect(forced).toHaveLength(B);
    expect(forced[0]).toHaveLength((T - 1) * V);
    const ar: AutoregressiveDecoder = dec;
    expect(ar.autoregressive).toBe(true);
    expect(ar.vocabSize).toBe(V);
    let state = ar.start(Z);
    const ids = X.arraySync();
    for (let t = 0; t < T - 1; t++) {
      const { logits, state: next } = ar.step(Z, state, tf.tensor1d(ids.map((r) => r[t]), 'int32'));
      expect(logits.shape).toEqual([B, V]);
      close(logits.dataSync(), forced.flatMap((r) => r.slice(t * V, (t + 1) * V)), 1e-5);
      state = next;
    }
  });

  it('depends on z: through the initial state and, with zToInputs, at every step', async () => {
    for (const zToInputs of [true, false]) {
      const dec = await plugin.create(opts({ zToInputs }), ctx);
      const a = dec.decode(Z, X).dataSync();
      const b = dec.decode(tf.mul(Z, -1) as tf.Tensor2D, X).dataSync();
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
    }
  });

  it('word dropout: replaces fed tokens other than <bos> and <pad> by <unk> at the rate asked, only when training, the same for the same seed', async () => {
    const p = 0.3;
    const dec = (await plugin.create(opts({ wordDropout: p }), ctx)) as RnnDecoder;
    const B = 200;
    const T = 30;
    const ids = new Int32Array(B * T);
    let droppable = 0;
    for (let b = 0; b < B; b++) {
      const n = 5 + (b % 20);
      ids[b * T] = BOS_ID;
      for (let t = 1; t <= n; t++) ids[b * T + t] = 4 + ((b * 7 + t) % (V - 4));
      ids[b * T + n + 1] = 2; // <eos>, fed in the last column only for the longest rows
      droppable += n + (n + 1 < T - 1 ? 1 : 0);
    }
    const fed = dec.fedTokens(ids, B, T, { training: true, seed: 42 });
    let dropped = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T - 1; t++) {
        const orig = ids[b * T + t];
        const got = fed[t * B + b];
        if (orig === BOS_ID || orig === PAD_ID) expect(got).toBe(orig);
        else if (got === UNK_ID) dropped++;
        else expect(got).toBe(orig);
      }
    }
    const rate = dropped / droppable;
    // ~3,000 droppable tokens: the binomial standard deviation of the rate is under 0.01.
    expect(Math.abs(rate - p)).toBeLessThan(0.04);
    expect(Array.from(dec.fedTokens(ids, B, T, { training: true, seed: 42 }))).toEqual(Array.from(fed));
    expect(Array.from(dec.fedTokens(ids, B, T, { training: true, seed: 43 }))).not.toEqual(Array.from(fed));
    const plain = dec.fedTokens(ids, B, T, { training: false, seed: 42 });
    expect(Array.from(plain).filter((v) => v === UNK_ID)).toHaveLength(0);
    // And decode uses it: the same seed gives the same logits, evaluation none of the dropout.
    const a = dec.decode(Z, X, { training: true, seed: 1 }).dataSync();
    close(dec.decode(Z, X, { training: true, seed: 1 }).dataSync(), a, 0);
    const full = (await plugin.create(opts({ wordDropout: 1 }), ctx)) as RnnDecoder;
    const unk = X.arraySync().map((r) => r.map((v) => (v === BOS_ID || v === PAD_ID ? v : UNK_ID)));
    close(full.decode(Z, X, { training: true, seed: 9 }).dataSync(), full.decode(Z, tf.tensor2d(unk, undefined, 'int32')).dataSync(), 1e-6);
    close(dec.decode(Z, X).dataSync(), dec.decode(Z, X, { training: false, seed: 1 }).dataSync(), 0);
  });

  it('passes gradients to every weight and to z', async () => {
    const dec = await plugin.create(opts({ layers: 2 }), ctx);
    const f = (z: tf.Tensor2D) => tf.sum(tf.square(dec.decode(z, X))) as tf.Scalar;
    const { grads } = tf.variableGrads(() => f(Z), dec.weights());
    for (const w of dec.weights()) expect(tf.sum(tf.abs(grads[w.name])).dataSync()[0]).toBeGreaterThan(0);
    expect(tf.sum(tf.abs(tf.grad(f)(Z))).dataSync()[0]).toBeGreaterThan(0);
  });

  it('refuses vector data, naming the config path', () => {
    expect(() => plugin.create(opts(), { ...ctx, vocabSize: undefined, dataShape: [8] })).toThrow(
      /model\.decoder: the (gru|lstm) decoder generates token sequences.*\[8\]/,
    );
  });
});
