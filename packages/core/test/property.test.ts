/**
 * Joint property prediction: the head's loss and its gradient against the closed form on a tiny
 * linear case, the standardisation statistics, RMSE / R², and a toy VAE trained with targets.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { evaluateProperties, predictProperties, propertyMetrics, PropertyHead, propertyNames, propertyStats, Rng, targetBatch, trainModel, VAE } from '../src';
import { bernoulli, TinyDecoder, TinyEncoder, toyDataset } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('property head', () => {
  // A linear head (hidden: []) from z ∈ R² to 2 properties, weights set by hand.
  const stats = { names: ['a', 'b'], mean: [1, -2], sd: [2, 0.5] };
  const W = [
    [0.5, -1],
    [2, 0.25],
  ];
  const bias = [0.1, -0.3];
  const z = [
    [1, 2],
    [-0.5, 0.5],
    [3, -1],
  ];
  // Original units; the NaN (an invalid molecule) gives no loss.
  const raw = new Float32Array([3, -1.5, NaN, -2.25, 0, 0]);

  function head(): PropertyHead {
    const h = new PropertyHead(2, { names: ['a', 'b'], weight: 1, hidden: [] }, stats, new Rng(1));
    const [w, b] = h.weights();
    w.assign(tf.tensor2d(W));
    b.assign(tf.tensor1d(bias));
    return h;
  }

  /** The closed form: L = mean_b Σ_j m_bj (ŷ_bj − y_bj)², dL/dW_ij = (2/B) Σ_b m_bj r_bj z_bi, dL/db_j = (2/B) Σ_b m_bj r_bj. */
  function analytic() {
    const B = z.length;
    let L = 0;
    const gW = [
      [0, 0],
      [0, 0],
    ];
    const gb = [0, 0];
    for (let n = 0; n < B; n++) {
      for (let j = 0; j < 2; j++) {
        const v = raw[n * 2 + j];
        if (Number.isNaN(v)) continue;
        const y = (v - stats.mean[j]) / stats.sd[j];
        const pred = z[n][0] * W[0][j] + z[n][1] * W[1][j] + bias[j];
        const r = pred - y;
        L += (r * r) / B;
        for (let i = 0; i < 2; i++) gW[i][j] += (2 / B) * r * z[n][i];
        gb[j] += (2 / B) * r;
      }
    }
    return { L, gW, gb };
  }

  it('gives the closed-form loss and gradient on standardised targets, masking unknown values', () => {
    const h = head();
    const t = targetBatch(raw, stats, null, 0, 3);
    expect(Array.from(t.known.dataSync())).toEqual([1, 1, 0, 1, 1, 1]);
    const zt = tf.tensor2d(z);
    const { value, grads } = tf.variableGrads(() => tf.mean(h.loss(zt, t.y, t.known)) as tf.Scalar, h.weights());
    const want = analytic();
    expect(value.dataSync()[0]).toBeCloseTo(want.L, 4);
    const [w, b] = h.weights();
    const gW = grads[w.name].arraySync() as number[][];
    const gb = grads[b.name].arraySync() as number[];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(gW[i][j]).toBeCloseTo(want.gW[i][j], 4);
    for (let j = 0; j < 2; j++) expect(gb[j]).toBeCloseTo(want.gb[j], 4);
    tf.dispose([zt, t.y, t.known, value, ...Object.values(grads), ...h.weights()]);
  });

  it('predicts in original units: standardised output × sd + mean', () => {
    const h = head();
    const zt = tf.tensor2d(z);
    const p = h.predict(zt).arraySync();
    z.forEach((row, n) => {
      for (let j = 0; j < 2; j++) {
        const s = row[0] * W[0][j] + row[1] * W[1][j] + bias[j];
        expect(p[n][j]).toBeCloseTo(s * stats.sd[j] + stats.mean[j], 4);
      }
    });
    tf.dispose([zt, ...h.weights()]);
  });
});

describe('property statistics and metrics', () => {
  it('standardises with the mean and population sd of the known values; a constant property gets sd 1', () => {
    const t = new Float32Array([1, 5, 3, 5, NaN, 5, 5, 5]);
    const s = propertyStats(['x', 'c'], t);
    expect(s.mean[0]).toBeCloseTo(3, 6);
    expect(s.sd[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(s.mean[1]).toBeCloseTo(5, 6);
    expect(s.sd[1]).toBe(1);
  });

  it('RMSE and R² over known values', () => {
    // Targets 1, 2, 3 (and one unknown); predictions 1.5, 2, 2.5: SS_res 0.5, SS_tot 2.
    const m = propertyMetrics(['p'], new Float32Array([1.5, 2, 9, 2.5]), new Float32Array([1, 2, NaN, 3]));
    expect(m.p.n).toBe(3);
    expect(m.p.rmse).toBeCloseTo(Math.sqrt(0.5 / 3), 6);
    expect(m.p.r2).toBeCloseTo(1 - 0.5 / 2, 6);
  });
});

describe('joint training', () => {
  it('learns a property of the data from the posterior mean, its loss in the epoch metrics', async () => {
    const data = toyDataset(512, 24, 3);
    // The property: 10 × the prototype (0..3) plus 100, in units far from standardised; a few unknown.
    const targetsOf = (split: typeof data.train) => Float32Array.from(split.labels!, (l, i) => (i % 50 === 7 ? NaN : 100 + 10 * l));
    for (const s of [data.train, data.validation, data.test]) s.targets = targetsOf(s);
    data.info.properties = propertyStats(['p'], data.train.targets!);
    const rng = new Rng(4);
    const head = new PropertyHead(3, { names: ['p'], weight: 1, hidden: [16] }, data.info.properties, new Rng(9));
    const model = new VAE(new TinyEncoder(24, 3, rng), new TinyDecoder(3, 24, rng), bernoulli, 3, [24], head);
    expect(propertyNames(model)).toEqual(['p']);
    const before = tf.memory().numTensors;
    const res = await trainModel(model, data, { epochs: 6, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 }, seed: 2, beta: 1, propertyWeight: 5 });
    expect(tf.memory().numTensors).toBe(before);
    const first = res.epochs[0].train.property!;
    const last = res.epochs[5].train.property!;
    expect(last).toBeLessThan(first / 4);
    const x = tf.tensor2d(data.test.x, [data.test.n, 24]);
    const mu = model.encoder.encode(x).mean;
    const pred = predictProperties(model, mu).p;
    const m = propertyMetrics(['p'], pred, data.test.targets!);
    // evaluateProperties does the same in batches; the epochs' validation metrics hold it too.
    expect(evaluateProperties(model, data.test, 50)).toEqual(m);
    expect(res.epochs[5].validation!.property!.p.n).toBe(data.validation.n - 2);
    // The prototypes are recoverable from x: the predictor explains most of the variance.
    expect(m.p.r2).toBeGreaterThan(0.8);
    expect(m.p.rmse).toBeLessThan(5);
    tf.dispose([x, mu, ...model.weights()]);
  });

  it('a model without a head has no property names', () => {
    const rng = new Rng(1);
    const model = new VAE(new TinyEncoder(4, 2, rng), new TinyDecoder(2, 4, rng), bernoulli, 2, [4]);
    expect(propertyNames(model)).toBeUndefined();
    const z = tf.zeros([1, 2]) as tf.Tensor2D;
    expect(() => predictProperties(model, z)).toThrow(/no property predictor/);
    tf.dispose([z, ...model.weights()]);
  });
});
