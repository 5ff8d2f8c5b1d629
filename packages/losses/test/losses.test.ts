import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@vaekit/core';
import { bce, bernoulliLoss, GaussianLoss, mse } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('bce (Bernoulli with logits)', () => {
  it('equals −Σ [x log σ(l) + (1 − x) log(1 − σ(l))] for moderate logits', () => {
    const x = [[0, 1, 0.3], [1, 0, 0.8]];
    const l = [[-1.2, 2.5, 0.1], [0.7, -3, 4]];
    const got = bernoulliLoss.nll(tf.tensor2d(x), tf.tensor2d(l)).arraySync();
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    x.forEach((row, i) => {
      const want = -row.reduce((s, xi, j) => s + xi * Math.log(sig(l[i][j])) + (1 - xi) * Math.log(1 - sig(l[i][j])), 0);
      expect(got[i]).toBeCloseTo(want, 4);
    });
  });

  it('stays finite and exact for huge logits', () => {
    const got = bernoulliLoss.nll(tf.tensor2d([[1, 0, 0, 1]]), tf.tensor2d([[100, -100, 100, -100]])).dataSync();
    // Correct predictions cost ~0; wrong ones cost |l| nats.
    expect(got[0]).toBeCloseTo(200, 3);
    expect(Number.isFinite(got[0])).toBe(true);
  });

  it('has gradient σ(l) − x with respect to the logits', () => {
    const x = tf.tensor2d([[0, 1, 0.25]]);
    const l = tf.tensor2d([[0.5, -2, 60]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(bernoulliLoss.nll(x, v as tf.Tensor2D)))(l).dataSync();
    const want = [1 / (1 + Math.exp(-0.5)) - 0, 1 / (1 + Math.exp(2)) - 1, 1 - 0.25];
    Array.from(g).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('refuses data outside [0, 1]', () => {
    expect(() => bernoulliLoss.checkData!({ shape: [3], min: -1, max: 1 })).toThrow(/\[0, 1\].*\[-1, 1\]/);
    expect(() => bernoulliLoss.checkData!({ shape: [3], min: 0, max: 1 })).not.toThrow();
    expect(bce.create({}, {} as never)).toBe(bernoulliLoss);
  });
});

describe('mse (Gaussian with fixed σ)', () => {
  const x = tf.tensor2d([[0.2, -1, 3]]);
  const mu = tf.tensor2d([[0, 0.5, 2]]);
  const sq = 0.04 + 2.25 + 1;

  it('drops the constant by default', () => {
    expect(new GaussianLoss({ sigma: 1, includeConstant: false }).nll(x, mu).dataSync()[0]).toBeCloseTo(sq / 2, 5);
    expect(new GaussianLoss({ sigma: 0.5, includeConstant: false }).nll(x, mu).dataSync()[0]).toBeCloseTo(sq / (2 * 0.25), 4);
  });

  it('with includeConstant gives the exact −log N(x; μ, σ²I) in nats', () => {
    const s = 0.7;
    const want = sq / (2 * s * s) + 3 * (Math.log(s) + 0.5 * Math.log(2 * Math.PI));
    const loss = mse.create({ sigma: s, includeConstant: true }, {} as never) as GaussianLoss;
    expect(loss.nll(x, mu).dataSync()[0]).toBeCloseTo(want, 4);
  });
});
