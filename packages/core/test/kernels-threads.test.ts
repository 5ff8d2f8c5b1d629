/**
 * Kernels vaekit registers for wasm that the thread count reaches (Relu and whole-tensor Sum on
 * @vaekit/native, the GatherV2 of table rows on the heap), against the cpu backend, on 1 and 2
 * kernel threads: the same bits on both, and the cpu backend's values within float32 rounding.
 * The native cases are skipped, with a note, when the addon is not built.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadNative, mulberry32, selectBackend, setKernelThreads } from '../src';

const native = loadNative().kernels;
const withNative = native && typeof native.relu === 'function' ? it : it.skip;
if (!native) console.log(`kernels-threads.test: native cases skipped: ${loadNative().reason}`);

function values(n: number, seed: number, scale = 1): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
}

/** f on wasm with 1 and 2 threads and on cpu: [wasm 1 thread, wasm 2 threads, cpu]. */
async function run(f: () => tf.Tensor): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const threads of [1, 2]) {
    await selectBackend('wasm');
    setKernelThreads(threads);
    out.push(tf.tidy(() => f().dataSync() as Float32Array).slice());
  }
  await selectBackend('cpu');
  out.push(tf.tidy(() => f().dataSync() as Float32Array).slice());
  return out;
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 1e-6;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

afterAll(async () => {
  await selectBackend('wasm');
  setKernelThreads(1);
});

describe('wasm kernels on kernel threads', () => {
  withNative('Relu: exact, NaN kept, same on 1 and 2 threads', async () => {
    const x = values(100003, 1);
    x[5] = NaN;
    x[6] = -0;
    const [one, two, cpu] = await run(() => tf.relu(tf.tensor1d(x)));
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    expect(Number.isNaN(one[5])).toBe(true);
    let wrong = 0;
    for (let i = 0; i < x.length; i++) if (i !== 5 && one[i] !== cpu[i]) wrong++;
    expect(wrong).toBe(0);
  });

  withNative('Multiply of one shape, or by a one-element tensor: exactly the cpu backend\'s values', async () => {
    const a = values(128 * 785, 21, 3);
    const b = values(128 * 785, 22, 3);
    const cases: Array<() => tf.Tensor> = [
      () => tf.mul(tf.tensor2d(a, [128, 785]), tf.tensor2d(b, [128, 785])),
      () => tf.mul(tf.tensor2d(a, [128, 785]), tf.scalar(0.37)),
      () => tf.mul(tf.tensor2d([2.5], [1, 1]), tf.tensor2d(b, [128, 785])),
      // A broadcast over rows goes to wasm's kernel.
      () => tf.mul(tf.tensor2d(a, [128, 785]), tf.tensor1d(b.subarray(0, 785))),
    ];
    for (const f of cases) {
      const [one, two, cpu] = await run(f);
      expect(Buffer.from(one.buffer).equals(Buffer.from(cpu.buffer))).toBe(true);
      expect(Buffer.from(two.buffer).equals(Buffer.from(cpu.buffer))).toBe(true);
    }
  });

  withNative('Sum of a whole tensor (blocks of 65,536 values across threads)', async () => {
    for (const n of [1, 7, 65536, 65537, 2560771]) {
      const x = values(n, n, 3);
      const [one, two, cpu] = await run(() => tf.sum(n % 2 ? tf.tensor1d(x) : tf.tensor2d(x, [2, n / 2])));
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      // Reference in float64: the cpu backend sums in float32 for long tensors.
      let s = 0;
      for (const v of x) s += v;
      expect(Math.abs(one[0] - s)).toBeLessThanOrEqual(Math.abs(s) * 1e-6 + 1e-3);
      expect(Math.abs(one[0] - cpu[0])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.sqrt(n)));
    }
  });

  it('GatherV2 of table rows (the embedding lookup) equals the cpu backend exactly', async () => {
    const V = 1003;
    const E = 37;
    const table = values(V * E, 9);
    const ids = Int32Array.from({ length: 301 }, (_, i) => (i * 7919) % V);
    ids[0] = 0;
    ids[1] = V - 1;
    const [one, two, cpu] = await run(() => tf.gather(tf.tensor2d(table, [V, E]), tf.tensor1d(ids, 'int32')));
    expect(Array.from(one)).toEqual(Array.from(cpu));
    expect(Array.from(two)).toEqual(Array.from(cpu));
    // Other shapes (axis 1, 3-D indices) go to wasm's own kernel and still agree.
    const [a1, , c1] = await run(() => tf.gather(tf.tensor2d(table, [V, E]), tf.tensor1d([3, 0, 36], 'int32'), 1));
    expect(Array.from(a1)).toEqual(Array.from(c1));
  });

  it('Slice (the conv layers\' crops, any rank) equals the cpu backend exactly', async () => {
    const x = values(6 * 9 * 10 * 7, 31);
    const cases: Array<() => tf.Tensor> = [
      () => tf.slice(tf.tensor3d(x, [6, 9, 70]), [1, 2, 7], [4, 5, 49]),
      () => tf.slice(tf.tensor4d(x, [6, 9, 10, 7]), [0, 1, 2, 3], [6, 7, 6, 4]),
      () => tf.slice(tf.tensor2d(x, [54, 70]), [3, 0], [-1, 70]),
      () => tf.slice(tf.tensor1d(x), [5], [17]),
      () => tf.slice(tf.tensor2d(Int32Array.from(x, (v) => Math.round(v * 100)), [54, 70], 'int32'), [2, 3], [5, 6]),
      () => tf.slice(tf.tensor3d(x, [6, 9, 70]), [1, 1, 1], [0, 2, 2]),
    ];
    for (const f of cases) {
      const [one, , cpu] = await run(f);
      expect(Array.from(one)).toEqual(Array.from(cpu));
    }
  });

  withNative('the gradient of the softmax cross-entropy computed in place equals the cpu backend', async () => {
    const N = 41;
    const V = 3001;
    const logits = values(N * V, 4, 4);
    const t = Int32Array.from({ length: N }, (_, i) => (i * 31) % V);
    const w = Float32Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 0 : 1));
    const { ops } = await import('../src');
    const f = () => tf.grad((l: tf.Tensor2D) => tf.sum(ops.softmaxCrossEntropy(l, tf.tensor1d(t, 'int32'), tf.tensor1d(w))))(tf.tensor2d(logits, [N, V]));
    const [one, two, cpu] = await run(f);
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    expect(maxRelErr(one, cpu)).toBeLessThan(1e-5);
  });
});
