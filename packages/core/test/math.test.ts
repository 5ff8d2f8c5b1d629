import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { freeBitsKl, klPerDim, klPerExample, klWeight, reparameterize, Rng } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('reparameterize', () => {
  it('returns mean + exp(0.5 logVar) * eps', () => {
    const mean = tf.tensor2d([[0.5, -1], [2, 0]]);
    const logVar = tf.tensor2d([[0, Math.log(4)], [Math.log(0.25), -1]]);
    const eps = tf.tensor2d([[1, 2], [-1, 0.5]]);
    const z = reparameterize(mean, logVar, eps).arraySync();
    const want = [[0.5 + 1, -1 + 2 * 2], [2 - 0.5, 0 + Math.exp(-0.5) * 0.5]];
    z.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i], 5));
  });

  it('has gradients 1 w.r.t. mean and 0.5·σ·ε w.r.t. logVar', () => {
    const mean = tf.tensor1d([0.3, -0.7, 1.1]);
    const logVar = tf.tensor1d([0.2, -1.5, 0.9]);
    const eps = tf.tensor1d([0.4, -2, 1.3]);
    const [gm, gl] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.sum(reparameterize(m, l, eps)))([mean, logVar]);
    expect(Array.from(gm.dataSync())).toEqual([1, 1, 1]);
    const lv = logVar.dataSync();
    const e = eps.dataSync();
    Array.from(gl.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(0.5 * Math.exp(0.5 * lv[i]) * e[i], 5));
  });

  it('draws eps ~ N(0, I) reproducibly from a seed', () => {
    const m = tf.zeros([2000, 5]);
    const a = reparameterize(m, m, undefined, 42).dataSync();
    const b = reparameterize(m, m, undefined, 42).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('KL to the standard normal', () => {
  it('matches the closed form per dimension and per example', () => {
    const mean = tf.tensor2d([[0, 1], [-2, 0.5]]);
    const logVar = tf.tensor2d([[0, Math.log(2)], [Math.log(0.5), 0]]);
    const kd = klPerDim(mean, logVar).arraySync();
    const kl = (m: number, v: number) => 0.5 * (m * m + v - 1 - Math.log(v));
    expect(kd[0][0]).toBeCloseTo(0, 6);
    expect(kd[0][1]).toBeCloseTo(kl(1, 2), 5);
    expect(kd[1][0]).toBeCloseTo(kl(-2, 0.5), 5);
    expect(kd[1][1]).toBeCloseTo(kl(0.5, 1), 5);
    const ke = klPerExample(mean, logVar).arraySync();
    expect(ke[1]).toBeCloseTo(kl(-2, 0.5) + kl(0.5, 1), 5);
  });

  it('matches a Monte Carlo estimate of E_q[log q − log p]', () => {
    const rng = new Rng(3);
    const m = 0.7;
    const v = 0.3;
    let s = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      const z = m + Math.sqrt(v) * rng.normal();
      s += -0.5 * Math.log(v) - ((z - m) ** 2) / (2 * v) + (z * z) / 2;
    }
    const analytic = klPerDim(tf.tensor2d([[m]]), tf.tensor2d([[Math.log(v)]])).dataSync()[0];
    expect(Math.abs(s / n - analytic)).toBeLessThan(0.01);
  });

  it('free bits floor each dimension’s batch-mean KL at lambda', () => {
    const kd = tf.tensor2d([[0.1, 2], [0.3, 4]]);
    expect(freeBitsKl(kd, 0.5).dataSync()[0]).toBeCloseTo(0.5 + 3, 5);
    expect(freeBitsKl(kd, 0).dataSync()[0]).toBeCloseTo(0.2 + 3, 5);
    // No gradient flows to dimensions below the floor.
    const g = tf.grad((k: tf.Tensor) => freeBitsKl(k as tf.Tensor2D, 0.5))(kd).arraySync();
    expect(g[0][0]).toBe(0);
    expect(g[0][1]).toBeCloseTo(0.5, 6);
  });
});

describe('KL schedules', () => {
  it('constant is always 1', () => {
    expect(klWeight({ kind: 'constant' }, 0, 10)).toBe(1);
    expect(klWeight(undefined, 3.3, 10)).toBe(1);
  });
  it('linear warm-up rises from start to 1 over warmupEpochs', () => {
    const s = { kind: 'linear' as const, warmupEpochs: 4, start: 0 };
    expect(klWeight(s, 0, 10)).toBe(0);
    expect(klWeight(s, 2, 10)).toBeCloseTo(0.5);
    expect(klWeight(s, 4, 10)).toBe(1);
    expect(klWeight(s, 9, 10)).toBe(1);
    expect(klWeight({ kind: 'linear', warmupEpochs: 4, start: 0.2 }, 2, 10)).toBeCloseTo(0.6);
  });
  it('cyclical repeats a ramp over ratio of each period (Fu et al. 2019)', () => {
    const s = { kind: 'cyclical' as const, cycles: 2, ratio: 0.5 };
    // 10 epochs, 2 cycles of 5 epochs: ramp over the first 2.5 epochs of each.
    expect(klWeight(s, 0, 10)).toBe(0);
    expect(klWeight(s, 1.25, 10)).toBeCloseTo(0.5);
    expect(klWeight(s, 3, 10)).toBe(1);
    expect(klWeight(s, 5, 10)).toBe(0);
    expect(klWeight(s, 6.25, 10)).toBeCloseTo(0.5);
    expect(klWeight(s, 9.9, 10)).toBe(1);
  });
});
