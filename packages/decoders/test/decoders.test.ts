import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@vaekit/core';
import { convDecoder, mlpDecoder } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ctx = (dataShape: number[]) => ({ dataShape, latentDim: 3, seed: 1, path: 'model.decoder', baseDir: '.' });

describe('mlp decoder', () => {
  it('maps [batch, latent] to one value per data value', async () => {
    const dec = await mlpDecoder.create({ hidden: [8], activation: 'relu' }, ctx([4, 5]));
    expect(dec.decode(tf.zeros([2, 3]) as tf.Tensor2D).shape).toEqual([2, 20]);
  });
});

describe('conv decoder', () => {
  it('mirrors the conv encoder back to 28×28×1 with transpose convolutions', async () => {
    const dec = await convDecoder.create({ filters: [4, 8], kernel: 4, stride: 2, hidden: [], activation: 'relu' }, ctx([28, 28, 1]));
    const out = dec.decode(tf.randomNormal([2, 3], 0, 1, 'float32', 1) as tf.Tensor2D);
    expect(out.shape).toEqual([2, 784]);
    // dense 3→7·7·8, convT 8→4, convT 4→1 (filters stored [kh, kw, out, in]).
    expect(dec.weights().map((w) => w.shape)).toEqual([[3, 392], [392], [4, 4, 4, 8], [4], [4, 4, 1, 4], [1]]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(dec.decode(tf.ones([2, 3]) as tf.Tensor2D))) as tf.Scalar, dec.weights());
    for (const g of Object.values(grads)) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
  });

  it('refuses settings whose output size differs from the data', () => {
    expect(() => convDecoder.create({ filters: [4, 4], kernel: 3, stride: 3, hidden: [], activation: 'relu' }, ctx([28, 28, 1]))).toThrow(
      /model\.decoder: this conv decoder produces images of shape \[27, 27, 1\].*\[28, 28, 1\]/,
    );
    expect(() => convDecoder.create({ filters: [4], kernel: 4, stride: 2, hidden: [], activation: 'relu' }, ctx([10]))).toThrow(/image/);
  });
});
