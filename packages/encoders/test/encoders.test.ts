import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@vaekit/core';
import { convEncoder, mlpEncoder } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ctx = (dataShape: number[]) => ({ dataShape, latentDim: 5, seed: 1, path: 'model.encoder', baseDir: '.' });

describe('mlp encoder', () => {
  it('maps [batch, dim] to means and log-variances of [batch, latent], with gradients to every weight', async () => {
    const enc = await mlpEncoder.create({ hidden: [16, 8], activation: 'relu' }, ctx([12]));
    const x = tf.randomUniform([3, 12], 0, 1, 'float32', 2) as tf.Tensor2D;
    const { mean, logVar } = enc.encode(x);
    expect(mean.shape).toEqual([3, 5]);
    expect(logVar.shape).toEqual([3, 5]);
    expect(enc.weights()).toHaveLength(2 * 2 + 4);
    const { grads } = tf.variableGrads(() => {
      const e = enc.encode(x);
      return tf.sum(tf.add(tf.square(e.mean), e.logVar)) as tf.Scalar;
    }, enc.weights());
    for (const g of Object.values(grads)) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
  });

  it('is reproducible from the seed', async () => {
    const a = await mlpEncoder.create({ hidden: [4], activation: 'tanh' }, ctx([6]));
    const b = await mlpEncoder.create({ hidden: [4], activation: 'tanh' }, ctx([6]));
    expect(Array.from(a.weights()[0].dataSync())).toEqual(Array.from(b.weights()[0].dataSync()));
  });
});

describe('conv encoder', () => {
  it('encodes 28×28×1 images through stride-2 convolutions', async () => {
    const enc = await convEncoder.create({ filters: [4, 8], kernel: 4, stride: 2, hidden: [], activation: 'relu' }, ctx([28, 28, 1]));
    const { mean, logVar } = enc.encode(tf.zeros([2, 784]) as tf.Tensor2D);
    expect(mean.shape).toEqual([2, 5]);
    expect(logVar.shape).toEqual([2, 5]);
    // conv 1→4 (k4), conv 4→8 (k4), heads from 7·7·8.
    expect(enc.weights().map((w) => w.shape)).toEqual([[4, 4, 1, 4], [4], [4, 4, 4, 8], [8], [392, 5], [5], [392, 5], [5]]);
  });

  it('refuses non-image data with a message naming the config path', () => {
    expect(() => convEncoder.create({ filters: [4], kernel: 4, stride: 2, hidden: [], activation: 'relu' }, ctx([30]))).toThrow(
      /model\.encoder: the conv encoder needs image data.*\[30\]/,
    );
  });
});
