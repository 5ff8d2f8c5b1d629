/**
 * The GRU recurrence on @vaekit/native (gruForward: the pool's SGEMM per step and AVX2 gates, used
 * on wasm+native when the hidden size is a multiple of 8) against the typed-array loops the cpu
 * backend runs (themselves checked against torch.nn.GRU in recurrent.test.ts): outputs and every
 * gradient, with a mask (padded rows carry their state), forward and reversed, on 1 and 2
 * threads. Skipped, with a note, without the addon.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadNative, RecurrentLayer, Rng, selectBackend, setKernelThreads } from '../src';

const native = loadNative().kernels;
const maybe = native && typeof native.gruForward === 'function' ? it : it.skip;
if (!native) console.log(`recurrent-native.test: skipped: ${loadNative().reason}`);

const T = 7;
const B = 5;
const E = 6;
const H = 24;

/** Output and gradients (x, h0, W_ih, W_hh, b_ih, b_hh) of one GRU pass on the current backend. */
function pass(reverse: boolean, threads: number, masked = true): Float32Array[] {
  setKernelThreads(threads);
  const rng = new Rng(3);
  const layer = new RecurrentLayer('gru', E, H, rng);
  const x = tf.tensor2d(Float32Array.from({ length: T * B * E }, () => rng.normal()), [T * B, E]);
  const h0 = tf.tensor2d(Float32Array.from({ length: B * H }, () => rng.normal() * 0.5), [B, H]);
  const R = tf.tensor2d(Float32Array.from({ length: T * B * H }, () => rng.normal()), [T * B, H]);
  const lengths = [7, 3, 1, 5, 6];
  let mask: Float32Array | null = new Float32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) mask[t * B + b] = t < lengths[b] ? 1 : 0;
  if (!masked) mask = null;
  const f = (xi: tf.Tensor2D, hi: tf.Tensor2D) => tf.sum(tf.mul(layer.run(layer.project([xi]), [hi], { mask, reverse }), R)) as tf.Scalar;
  const out = layer.run(layer.project([x]), [h0], { mask, reverse }).dataSync() as Float32Array;
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor2D, b as tf.Tensor2D))([x, h0]);
  const { grads } = tf.variableGrads(() => f(x, h0), layer.weights());
  const res = [out, ...g.map((t) => t.dataSync() as Float32Array), ...layer.weights().map((w) => grads[w.name].dataSync() as Float32Array)];
  tf.dispose([x, h0, R, ...g, ...Object.values(grads), ...layer.weights()]);
  return res.map((a) => a.slice());
}

afterAll(async () => {
  await selectBackend('wasm');
  setKernelThreads(1);
});

describe('GRU on the native kernels', () => {
  maybe('gives the typed-array loops\' outputs and gradients (masked, forward and reversed, 1 and 2 threads)', async () => {
    for (const [reverse, masked] of [[false, true], [true, true], [false, false]]) {
      await selectBackend('cpu');
      const want = pass(reverse, 1, masked);
      await selectBackend('wasm');
      // On wasm with the addon the recurrence runs as the heap kernels.
      expect(tf.getKernel('VaekitGruForward', 'wasm')).toBeTruthy();
      const one = pass(reverse, 1, masked);
      const two = pass(reverse, 2, masked);
      want.forEach((w, i) => {
        let worst = 0;
        for (let k = 0; k < w.length; k++) worst = Math.max(worst, Math.abs(one[i][k] - w[k]) / (1 + Math.abs(w[k])));
        expect(worst).toBeLessThan(2e-5);
        expect(Buffer.from(two[i].buffer).equals(Buffer.from(one[i].buffer))).toBe(true);
      });
    }
  });
});
