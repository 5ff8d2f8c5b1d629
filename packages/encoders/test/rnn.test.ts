import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { withWeightBudget } from '@vaekit/core';
import { gruEncoder, lstmEncoder } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const V = 12;
const ctx = { dataShape: [], latentDim: 4, seed: 3, path: 'model.encoder', baseDir: '.', vocabSize: V };
const opts = (layers: number, bidirectional: boolean) => ({ embedding: 5, hidden: 6, layers, bidirectional });

/** `<bos> tokens <eos> <pad>…` rows of length T. */
function rows(seqs: number[][], T: number): tf.Tensor2D {
  return tf.tensor2d(
    seqs.map((s) => [1, ...s, 2, ...Array(T - s.length - 2).fill(0)]),
    undefined,
    'int32',
  );
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
};

describe.each([
  ['gru', gruEncoder],
  ['lstm', lstmEncoder],
])('%s encoder', (_name, plugin) => {
  it.each([
    [1, false],
    [2, false],
    [2, true],
  ])('layers %i, bidirectional %s: a padded row encodes as the same row alone', async (layers, bidi) => {
    const enc = await plugin.create(opts(layers, bidi), ctx);
    const short = [4, 7, 5];
    const alone = enc.encode(rows([short], 5));
    const batch = enc.encode(rows([[6, 8, 9, 10, 11, 4, 5], short, [9]], 9));
    expect(batch.mean.shape).toEqual([3, 4]);
    close(batch.mean.arraySync()[1], alone.mean.dataSync());
    close(batch.logVar.arraySync()[1], alone.logVar.dataSync());
    // The encoding depends on the tokens (and on their order).
    const other = enc.encode(rows([[5, 7, 4]], 5));
    expect(Math.max(...other.mean.dataSync().map((v, i) => Math.abs(v - alone.mean.dataSync()[i])))).toBeGreaterThan(1e-3);
  });

  it('reads neither <eos> nor the <pad>s after it: a row without tokens encodes from the zero state', async () => {
    const enc = await plugin.create(opts(1, false), ctx);
    const a = enc.encode(rows([[], [3, 4]], 4));
    const b = enc.encode(rows([[]], 2));
    close(a.mean.arraySync()[0], b.mean.dataSync());
  });

  it('passes gradients to every weight, the embedding rows of the tokens read included', async () => {
    const enc = await plugin.create(opts(2, true), ctx);
    const x = rows([[4, 5, 6], [7]], 5);
    const { grads } = tf.variableGrads(() => {
      const e = enc.encode(x);
      return tf.sum(tf.add(tf.square(e.mean), e.logVar)) as tf.Scalar;
    }, enc.weights());
    const ws = enc.weights();
    expect(ws).toHaveLength(1 + 2 * 2 * 4 + 4);
    for (const w of ws) expect(tf.sum(tf.abs(grads[w.name])).dataSync()[0]).toBeGreaterThan(0);
    const table = grads[ws[0].name].arraySync() as number[][];
    const rowNorm = (i: number) => table[i].reduce((s, v) => s + Math.abs(v), 0);
    for (const id of [4, 5, 6, 7]) expect(rowNorm(id)).toBeGreaterThan(0);
    for (const id of [0, 1, 2, 3, 8]) expect(rowNorm(id)).toBe(0); // specials and unseen tokens
  });

  it('reserves its weights from the model budget before allocating them', async () => {
    const tooBig = new Error('over budget');
    // Embedding 12·5 = 60 values, then the first GRU/LSTM weight 5·(3 or 4)·6 ≥ 90: a budget of 100 is exceeded.
    await expect(withWeightBudget(100, () => tooBig, async () => plugin.create(opts(1, false), ctx))).rejects.toBe(tooBig);
    await expect(withWeightBudget(1e6, () => tooBig, async () => plugin.create(opts(1, false), ctx))).resolves.toBeDefined();
  });

  it('refuses vector data, naming the config path', () => {
    expect(() => plugin.create(opts(1, false), { ...ctx, vocabSize: undefined, dataShape: [8] })).toThrow(
      /model\.encoder: the (gru|lstm) encoder reads token sequences.*\[8\]/,
    );
  });
});
