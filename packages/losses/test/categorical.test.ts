import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@vaekit/core';
import { bce, categorical, CategoricalLoss, mse } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ctx = { dataShape: [], latentDim: 2, seed: 1, path: 'model.loss', baseDir: '.', vocabSize: 6 };

// Two rows, T = 5, V = 6: "<bos> 4 5 <eos> <pad>" and "<bos> 5 <eos> <pad> <pad>".
const X = [
  [1, 4, 5, 2, 0],
  [1, 5, 2, 0, 0],
];
const V = 6;
const P = 4;
const logitsOf = (b: number, j: number, v: number) => Math.sin(1.3 * b + 0.7 * j + 0.37 * v * v) * 2.5;

function handNll(): number[] {
  return X.map((row, b) => {
    let total = 0;
    for (let j = 0; j < P; j++) {
      const target = row[j + 1];
      if (target === 0) continue; // <pad>: not predicted
      const l = Array.from({ length: V }, (_, v) => logitsOf(b, j, v));
      const lse = Math.log(l.reduce((s, a) => s + Math.exp(a), 0));
      total += lse - l[target];
    }
    return total;
  });
}

const logitsTensor = () =>
  tf.tensor2d(
    X.map((_, b) => Array.from({ length: P * V }, (_, k) => logitsOf(b, Math.floor(k / V), k % V))),
    [2, P * V],
  );

describe('categorical loss', () => {
  it('sums −log softmax(logits)[target] over each sequence, its <eos> included and padding masked', async () => {
    const loss = await categorical.create({}, ctx);
    const got = loss.nll(tf.tensor2d(X, undefined, 'int32'), logitsTensor()).arraySync();
    const want = handNll();
    expect(got).toHaveLength(2);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 4));
    // Row 0 predicts 3 tokens (4, 5, <eos>), row 1 predicts 2 (5, <eos>).
    expect(want[0]).toBeGreaterThan(0);
  });

  it('does not change when the logits of padded positions change', async () => {
    const loss = await categorical.create({}, ctx);
    const l = logitsTensor().arraySync();
    const a = loss.nll(tf.tensor2d(X, undefined, 'int32'), tf.tensor2d(l)).arraySync();
    for (let k = 2 * V; k < P * V; k++) l[1][k] += 100 * Math.cos(k); // row 1, positions 2 and 3 predict <pad>
    const b = loss.nll(tf.tensor2d(X, undefined, 'int32'), tf.tensor2d(l)).arraySync();
    expect(b[1]).toBeCloseTo(a[1], 5);
  });

  it('has gradient softmax − onehot(target) at predicted positions and 0 at padded ones', async () => {
    const loss = await categorical.create({}, ctx);
    const x = tf.tensor2d(X, undefined, 'int32');
    const g = tf.grad((l: tf.Tensor2D) => tf.sum(tf.mul(loss.nll(x, l), tf.tensor1d([1, 2]))))(logitsTensor()).arraySync();
    X.forEach((row, b) => {
      for (let j = 0; j < P; j++) {
        const l = Array.from({ length: V }, (_, v) => logitsOf(b, j, v));
        const z = l.reduce((s, a) => s + Math.exp(a), 0);
        for (let v = 0; v < V; v++) {
          const want = row[j + 1] === 0 ? 0 : (b + 1) * (Math.exp(l[v]) / z - (v === row[j + 1] ? 1 : 0));
          expect(g[b][j * V + v]).toBeCloseTo(want, 5);
        }
      }
    });
  });

  it('stays finite for huge logits', async () => {
    const loss = await categorical.create({}, ctx);
    const l = tf.fill([1, V], -1000).arraySync() as number[][];
    l[0][2] = 1000; // certain of <eos>
    l[0][4] = 990;
    const got = loss.nll(tf.tensor2d([[1, 4]], undefined, 'int32'), tf.tensor2d(l)).dataSync()[0];
    expect(got).toBeCloseTo(10, 3);
  });

  it('accepts float ids as well as int32', async () => {
    const loss = await categorical.create({}, ctx);
    const a = loss.nll(tf.tensor2d(X), logitsTensor()).arraySync();
    handNll().forEach((w, i) => expect(a[i]).toBeCloseTo(w, 4));
  });

  it('mean() is the most likely token per position, as float ids [batch, T−1]', async () => {
    const loss = await categorical.create({}, ctx);
    const m = loss.mean(logitsTensor());
    expect(m.shape).toEqual([2, P]);
    expect(m.dtype).toBe('float32');
    const got = m.arraySync();
    X.forEach((_, b) => {
      for (let j = 0; j < P; j++) {
        const l = Array.from({ length: V }, (_, v) => logitsOf(b, j, v));
        expect(got[b][j]).toBe(l.indexOf(Math.max(...l)));
      }
    });
  });

  it('refuses logits that do not fit the rows', () => {
    expect(() => new CategoricalLoss(V).nll(tf.tensor2d(X, undefined, 'int32'), tf.zeros([2, 7]) as tf.Tensor2D)).toThrow(/do not fit/);
  });

  it('refuses vector data, and bce / mse refuse token sequences, naming model.loss', async () => {
    const seqInfo = { shape: [], min: 0, max: 5, sequence: { vocabSize: 6 } };
    const vecInfo = { shape: [4], min: 0, max: 1 };
    const cat = await categorical.create({}, ctx);
    expect(() => cat.checkData!(vecInfo)).toThrow(/model\.loss: the categorical loss models token sequences.*use loss: bce or mse/);
    expect(() => cat.checkData!(seqInfo)).not.toThrow();
    const b = await bce.create({}, ctx);
    expect(() => b.checkData!(seqInfo)).toThrow('model.loss: bce models vectors; use loss: categorical for token sequences');
    const m = await mse.create({ sigma: 1, includeConstant: false }, ctx);
    expect(() => m.checkData!(seqInfo)).toThrow('model.loss: mse models vectors; use loss: categorical for token sequences');
    expect(() => m.checkData!(vecInfo)).not.toThrow();
  });
});
