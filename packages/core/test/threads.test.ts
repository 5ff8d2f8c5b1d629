/**
 * train.threads: the thread count reaches @vaekit/native's pool, and results do not depend on it.
 * Training on wasm+native with 1 and with 2 threads gives the same losses bit for bit (the kernels
 * split their outputs into parts computed in the same order as on one thread), and the same seed
 * and thread count give the same losses run after run. The MLP is wide enough (784 → 256) for its
 * GEMMs, softplus, sums and Adam updates to be split. Skipped, with a note, without the addon.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defaultThreads, kernelThreads, loadNative, machineCores, Rng, selectBackend, setDefaultThreads, setKernelThreads, threadsPerWorker, trainModel, VAE } from '../src';
import { bernoulli, TinyDecoder, TinyEncoder, toyDataset } from './helpers';

const native = loadNative().kernels;
const maybe = native && typeof native.setThreads === 'function' ? it : it.skip;
if (!native) console.log(`threads.test: native cases skipped: ${loadNative().reason}`);

afterAll(() => {
  setDefaultThreads(undefined);
  if (native?.setThreads) native.setThreads(1);
});

describe('thread counts', () => {
  it('a search worker gets max(1, floor(cores / workers)) threads', () => {
    expect(threadsPerWorker(2, 2)).toBe(1);
    expect(threadsPerWorker(1, 2)).toBe(2);
    expect(threadsPerWorker(3, 8)).toBe(2);
    expect(threadsPerWorker(4, 2)).toBe(1);
    expect(threadsPerWorker(1, 1)).toBe(1);
  });

  it('defaults to every core unless a default was set', () => {
    expect(defaultThreads()).toBe(machineCores());
    setDefaultThreads(3);
    expect(defaultThreads()).toBe(3);
    setDefaultThreads(undefined);
    expect(defaultThreads()).toBe(machineCores());
    for (const bad of [0, -2, 1.5, NaN]) expect(() => setKernelThreads(bad)).toThrow(/integer >= 1/);
  });
});

describe('training with threads (wasm+native)', () => {
  const dim = 784;
  /** Losses of every step of one epoch of 4 batches, with `threads` kernel threads. */
  async function losses(threads: number): Promise<number[]> {
    await selectBackend('wasm');
    const rng = new Rng(7);
    const model = new VAE(new TinyEncoder(dim, 8, rng, 256), new TinyDecoder(8, dim, rng, 256), bernoulli, 8, [dim]);
    const out: number[] = [];
    let seen = 0;
    await trainModel(model, toyDataset(512, dim, 3), {
      epochs: 1,
      batchSize: 128,
      optimizer: { name: 'adam', lr: 1e-3 },
      seed: 11,
      beta: 1,
      threads,
      evalBatchSize: 64,
      onStep: (p) => {
        out.push(p.loss);
        seen = kernelThreads();
      },
    });
    tf.dispose(model.weights());
    expect(seen).toBe(threads);
    return out;
  }

  maybe('1 thread and 2 threads give the same losses bitwise; a rerun repeats them', async () => {
    const one = await losses(1);
    const two = await losses(2);
    const twoAgain = await losses(2);
    expect(one).toHaveLength(4);
    expect(one.every(Number.isFinite)).toBe(true);
    expect(two).toEqual(one);
    expect(twoAgain).toEqual(two);
  });
});
