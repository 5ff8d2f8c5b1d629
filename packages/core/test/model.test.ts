import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Decoder, Encoder, evaluate, evaluateAsync, loadCheckpoint, Loss, NonFiniteLossError, saveCheckpoint, trainModel, TrainOptions, VAE } from '../src';
import { tinyVae, toyDataset } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const opts = (o: Partial<TrainOptions> = {}): TrainOptions => ({
  epochs: 3,
  batchSize: 32,
  optimizer: { name: 'adam', lr: 0.01 },
  seed: 5,
  beta: 1,
  ...o,
});

describe('trainer', () => {
  it('lowers the loss, reports every epoch and leaks no tensors', async () => {
    const data = toyDataset(512, 24, 1);
    const model = tinyVae(24, 3, 1);
    const counts: number[] = [];
    const res = await trainModel(model, data, opts({ epochs: 4, onEpoch: (m) => void counts.push(tf.memory().numTensors) }));
    expect(res.epochs).toHaveLength(4);
    expect(res.epochs[3].train.loss).toBeLessThan(res.epochs[0].train.loss);
    expect(res.epochs[0].validation!.negElbo).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
    expect(new Set(res.epochs.map((e) => e.numTensors)).size).toBe(1);
    tf.dispose(model.weights());
  });

  it('gives the same final loss for the same seed, and another for another seed', async () => {
    const run = async (seed: number) => {
      const model = tinyVae(24, 3, 7);
      const r = await trainModel(model, toyDataset(256, 24, 2, 'dynamic'), opts({ seed }));
      tf.dispose(model.weights());
      return r.epochs[2].train.loss;
    };
    const a = await run(11);
    expect(await run(11)).toBe(a);
    expect(await run(12)).not.toBe(a);
  });

  it('lets timers run while it trains, also when every epoch is shorter than the yield interval', async () => {
    // A study worker's heartbeat is a timer: starved for a minute, the trial is failed as dead.
    const model = tinyVae(24, 3, 1);
    const data = toyDataset(32, 24, 1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    const t0 = Date.now();
    const r = await trainModel(model, data, opts({ epochs: 60 }));
    const ms = Date.now() - t0;
    clearInterval(timer);
    expect(r.epochs[0].seconds * 1000).toBeLessThan(250); // each epoch alone is too short to yield
    expect(ms).toBeGreaterThan(1000);
    // The trainer yields at least every 250 ms of work (plus a slow step or an evaluation).
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(ms / 600));
    tf.dispose(model.weights());
  });

  it('stops with an error naming the epoch and step when the loss is not finite', async () => {
    const model = tinyVae(24, 3, 1);
    const data = toyDataset(256, 24, 3);
    // A learning rate this large blows the weights up within a few steps.
    const p = trainModel(model, data, opts({ optimizer: { name: 'sgd', lr: 1e8 } }));
    await expect(p).rejects.toThrow(NonFiniteLossError);
    await expect(trainModel(model, data, opts({ optimizer: { name: 'sgd', lr: 1e8 } }))).rejects.toThrow(/at epoch 1, step \d+/);
    tf.dispose(model.weights());
  });

  it('applies the KL schedule and free bits', async () => {
    const model = tinyVae(24, 3, 1);
    const r = await trainModel(model, toyDataset(256, 24, 4), opts({ epochs: 2, klSchedule: { kind: 'linear', warmupEpochs: 4 }, freeBits: 0.5 }));
    expect(r.epochs[0].klWeight).toBeLessThan(0.25);
    expect(r.epochs[1].klWeight).toBeGreaterThan(0.25);
    expect(r.epochs[1].klWeight).toBeLessThan(0.5);
    tf.dispose(model.weights());
  });

  it('stops early when validation stops improving', async () => {
    const model = tinyVae(24, 3, 1);
    const r = await trainModel(model, toyDataset(128, 24, 4), opts({ epochs: 50, optimizer: { name: 'sgd', lr: 0 }, earlyStopping: { patience: 2 } }));
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochs.length).toBe(3);
    tf.dispose(model.weights());
  });
});

describe('checkpoints', () => {
  it('reload into a fresh model gives identical outputs', async () => {
    const data = toyDataset(256, 24, 5);
    const model = tinyVae(24, 3, 1);
    await trainModel(model, data, opts({ epochs: 1 }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-ckpt-'));
    await saveCheckpoint(dir, model, { config: { hello: 'world' } });
    const other = tinyVae(24, 3, 99);
    const x = tf.tensor2d(data.test.x.subarray(0, 24 * 8), [8, 24]);
    const before = model.reconstruct(x).dataSync();
    expect(Array.from(other.reconstruct(x).dataSync())).not.toEqual(Array.from(before));
    const meta = await loadCheckpoint(dir, other);
    expect(meta.config.hello).toBe('world');
    expect(Array.from(other.reconstruct(x).dataSync())).toEqual(Array.from(before));
    // Another architecture is refused with a message naming the directory.
    const wrong = tinyVae(24, 4, 1);
    await expect(loadCheckpoint(dir, wrong)).rejects.toThrow(dir);
    tf.dispose([x, ...model.weights(), ...other.weights(), ...wrong.weights()]);
  });
});

describe('evaluation', () => {
  // A linear Gaussian model has an exact marginal: x ~ N(b, w wᵀ + s² I), here in one dimension.
  const w = 1.5;
  const b = 0.3;
  const s = 0.5;
  const encoder: Encoder = {
    // A deliberately imperfect posterior: the IWAE bound must close the gap as k grows.
    encode: (x) => tf.tidy(() => ({ mean: tf.mul(x, 0.4) as tf.Tensor2D, logVar: tf.fill(x.shape, Math.log(0.5)) as tf.Tensor2D })),
    weights: () => [],
  };
  const decoder: Decoder = { decode: (z) => tf.tidy(() => tf.add(tf.mul(z, w), b) as tf.Tensor2D), weights: () => [] };
  const gaussian: Loss = {
    nll: (x, mu) => tf.tidy(() => tf.sum(tf.add(tf.div(tf.square(tf.sub(x, mu)), 2 * s * s), Math.log(s) + 0.5 * Math.log(2 * Math.PI)), 1) as tf.Tensor1D),
    mean: (mu) => tf.clone(mu),
  };
  const model = new VAE(encoder, decoder, gaussian, 1, [1]);
  const xs = new Float32Array([-2, -0.5, 0, 0.7, 1.9, 3]);
  const split = { x: xs, n: xs.length, dim: 1 };
  const v = w * w + s * s;
  const exact = -Array.from(xs).reduce((a, x) => a - 0.5 * Math.log(2 * Math.PI * v) - ((x - b) ** 2) / (2 * v), 0) / xs.length;

  it('evaluateAsync gives exactly what evaluate gives, and lets timers run between chunks', async () => {
    // 2000 importance samples: chunks of 10 examples, so 60 rows take several yields.
    const rows = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i) * 2);
    const big = { x: rows, n: rows.length, dim: 1 };
    const o = { iwaeSamples: 2000, batchSize: 30, seed: 3 };
    const sync = evaluate(model, big, o);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = Date.now();
    const asyncM = await evaluateAsync(model, big, o);
    const ms = Date.now() - t0;
    clearInterval(timer);
    expect(asyncM).toEqual(sync);
    if (ms > 100) expect(ticks).toBeGreaterThan(0);
  });

  it('the IWAE NLL converges to the exact −log p(x) and lies below −ELBO', () => {
    const m = evaluate(model, split, { iwaeSamples: 5000, seed: 1 });
    expect(Math.abs(m.iwaeNll! - exact)).toBeLessThan(0.02);
    const elbo = evaluate(model, split, { iwaeSamples: 1, seed: 1 });
    expect(elbo.iwaeNll!).toBeGreaterThan(m.iwaeNll!);
    expect(m.negElbo).toBeGreaterThan(exact);
  });

  it('counts active units by the variance of the posterior mean', () => {
    const m = evaluate(model, split, {});
    // Var(0.4·x) over these xs is well above 0.01.
    expect(m.activeUnits).toBe(1);
    expect(evaluate(model, split, { activeUnitThreshold: 1e6 }).activeUnits).toBe(0);
    expect(m.klPerDim).toHaveLength(1);
    expect(m.kl).toBeCloseTo(m.klPerDim[0], 6);
  });
});
