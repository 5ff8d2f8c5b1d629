/**
 * The kernels vaekit registers for the wasm backend (src/kernels/) against the cpu
 * backend's kernels, on random inputs with odd sizes and batch 1, on both paths:
 *  - "native": @vaekit/native loaded (SGEMM MatMuls and Conv2Ds, fused Adam, Softplus, Sum, Identity);
 *  - "fallback": installWasmKernels(null), as without the addon or with VAEKIT_NATIVE=0
 *    (the original wasm kernels, FusedAdam = tf.train.adam, zero-copy Identity).
 * The native cases are skipped, with a note, when the addon is not built or the CPU lacks AVX2/FMA.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installWasmKernels, loadNative, wasmKernelsInstalled, ADAM_KERNEL } from '../src/kernels';
import type { NativeKernels } from '../src/kernels';
import { applyGradients, clipScale, FusedAdam } from '../src/train/optimizer';
import { bernoulliNll, conv2d, conv2dTranspose, dense } from '../src/nn';
import type { Conv2DPad } from '../src/nn';
import { mulberry32 } from '../src/math/rng';
import { klPerDim } from '../src/math/kl';
import { reparameterize } from '../src/math/reparameterize';
import '../src/gradients';

const loaded = loadNative().kernels;
/** The addon with call counters (its own exports are read-only). */
const calls = { sgemm: 0, conv2d: 0, filterGrad: 0, inputGrad: 0, gaussian: 0, add: 0 };
const native: NativeKernels | null = loaded && {
  sgemm: (...a: Parameters<NativeKernels['sgemm']>) => (calls.sgemm++, loaded.sgemm(...a)),
  conv2d: (...a: Parameters<NativeKernels['conv2d']>) => (calls.conv2d++, loaded.conv2d(...a)),
  conv2dFilterGrad: (...a: Parameters<NativeKernels['conv2dFilterGrad']>) => (calls.filterGrad++, loaded.conv2dFilterGrad(...a)),
  conv2dInputGrad: (...a: Parameters<NativeKernels['conv2dInputGrad']>) => (calls.inputGrad++, loaded.conv2dInputGrad(...a)),
  adam: (...a: Parameters<NativeKernels['adam']>) => loaded.adam(...a),
  adamMany: (...a: Parameters<NativeKernels['adamMany']>) => loaded.adamMany(...a),
  softplus: (...a: Parameters<NativeKernels['softplus']>) => loaded.softplus(...a),
  sum: (...a: Parameters<NativeKernels['sum']>) => loaded.sum(...a),
  sumSquares: (...a: Parameters<NativeKernels['sumSquares']>) => loaded.sumSquares(...a),
  reluGrad: (...a: Parameters<NativeKernels['reluGrad']>) => loaded.reluGrad(...a),
  bernoulliNll: (...a: Parameters<NativeKernels['bernoulliNll']>) => loaded.bernoulliNll(...a),
  bernoulliNllGrad: (...a: Parameters<NativeKernels['bernoulliNllGrad']>) => loaded.bernoulliNllGrad(...a),
  gaussian: (...a: Parameters<NativeKernels['gaussian']>) => (calls.gaussian++, loaded.gaussian(...a)),
  add: (...a: Parameters<NativeKernels['add']>) => (calls.add++, loaded.add(...a)),
};
const paths: Array<['native' | 'fallback', boolean]> = [
  ['native', native != null],
  ['fallback', true],
];

/** mulberry32: deterministic data, identical on both backends. */
const rng = mulberry32;

function rand(shape: number[], seed: number, scale = 1): { data: Float32Array; shape: number[] } {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (next() * 2 - 1) * scale;
  return { data, shape };
}

type Host = { data: Float32Array; shape: number[] };

/** Runs f on a backend with the host inputs as tensors; returns its output(s) as host arrays. */
async function on(backend: string, inputs: Host[], f: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<Host[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = f(...inputs.map((h) => tf.tensor(h.data, h.shape)));
    return (Array.isArray(out) ? out : [out]).map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape.slice() }));
  });
}

function relErr(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(actual[i]) !== Number.isNaN(expected[i])) return Infinity;
    d = Math.max(d, Math.abs(actual[i] - expected[i]));
    m = Math.max(m, Math.abs(expected[i]));
  }
  return d / Math.max(m, 1e-6);
}

async function compare(inputs: Host[], f: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[], rtol: number): Promise<void> {
  const ours = await on('wasm', inputs, f);
  const ref = await on('cpu', inputs, f);
  expect(ours.length).toBe(ref.length);
  ours.forEach((o, i) => {
    expect(o.shape).toEqual(ref[i].shape);
    expect(relErr(o.data, ref[i].data)).toBeLessThanOrEqual(rtol);
  });
}

const consoleWarn = console.warn;

beforeAll(async () => {
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('tfjs-node')) consoleWarn(...args);
  });
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  setWasmPaths(path.join(dir, 'dist') + path.sep);
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
  if (!native) console.log(`kernels.test: native path skipped: ${loadNative().reason}`);
});

afterAll(() => {
  installWasmKernels(null);
  jest.restoreAllMocks();
});

// [M, K, N]: odd sizes, batch (M) 1, sizes around the 6x16 tiles and the 256 K-block.
const MATMUL_SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 784, 400],
  [1, 7, 3],
  [5, 3, 17],
  [7, 13, 33],
  [13, 257, 31],
  [128, 784, 400],
  [128, 20, 400],
  [37, 600, 1030],
];

describe.each(paths)('wasm kernels, %s path', (which, available) => {
  const maybe = available ? it : it.skip;

  beforeAll(() => {
    if (available) installWasmKernels(which === 'native' ? native : null);
  });

  maybe('registers what it says', () => {
    expect(wasmKernelsInstalled()).toBe(which === 'native' ? 'native' : 'js');
    expect(tf.getKernel(ADAM_KERNEL, 'wasm') != null).toBe(which === 'native');
  });

  maybe('MatMul, all transposes, matches cpu', async () => {
    let seed = 1;
    const before = calls.sgemm;
    for (const [M, K, N] of MATMUL_SHAPES) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const a = rand(tA ? [K, M] : [M, K], seed++);
          const b = rand(tB ? [N, K] : [K, N], seed++);
          await compare([a, b], (x, y) => tf.matMul(x, y, tA, tB), 1e-5);
        }
      }
    }
    expect(calls.sgemm - before).toBe(which === 'native' ? MATMUL_SHAPES.length * 4 : 0);
  });

  maybe('batched MatMul (equal batches, broadcast batch 1, rank 4) matches cpu', async () => {
    const cases: Array<[number[], number[]]> = [
      [[3, 5, 7], [3, 7, 9]],
      [[1, 1, 13], [1, 13, 1]],
      [[4, 6, 17], [1, 17, 19]],
      [[1, 6, 17], [4, 17, 19]],
      [[2, 3, 5, 7], [2, 3, 7, 4]],
      [[2, 1, 5, 7], [1, 3, 7, 4]], // general broadcasting: the wasm kernel
    ];
    let seed = 100;
    for (const [sa, sb] of cases) await compare([rand(sa, seed++), rand(sb, seed++)], (x, y) => tf.matMul(x, y), 1e-5);
  });

  maybe('fused MatMul with bias (and with relu / prelu, the wasm kernel) matches cpu', async () => {
    let seed = 200;
    // tfjs-backend-wasm 4.22's own _FusedMatMul is wrong with transposeB (off by O(1) vs cpu),
    // so transposeB is checked on the native path only, and the cases that go to the wasm
    // kernel (relu, prelu, row bias) use transposeB false.
    for (const [M, K, N] of MATMUL_SHAPES) {
      for (const tB of which === 'native' ? [false, true] : [false]) {
        const a = rand([M, K], seed++);
        const b = rand(tB ? [N, K] : [K, N], seed++);
        const bias = rand([N], seed++);
        await compare([a, b, bias], (x, y, z) => tf.fused.matMul({ a: x, b: y, bias: z, transposeB: tB }), 1e-5);
        if (!tB) await compare([a, b, bias], (x, y, z) => tf.fused.matMul({ a: x, b: y, bias: z, activation: 'relu' }), 1e-5);
      }
    }
    const a = rand([5, 9], seed++);
    const b = rand([9, 11], seed++);
    await compare([a, b], (x, y) => tf.fused.matMul({ a: x, b: y }), 1e-5);
    await compare([a, b, rand([11], seed++)], (x, y, p) => tf.fused.matMul({ a: x, b: y, activation: 'prelu', preluActivationWeights: p }), 1e-5);
    // A rank-2 bias [1, N] (the wasm kernel takes rank-1 biases only).
    if (which === 'native') await compare([a, b, rand([1, 11], seed++)], (x, y, z) => tf.fused.matMul({ a: x, b: y, bias: z }), 1e-5);
  });

  maybe('Conv2D / FusedConv2D (strides, dilations, paddings, batch 1, odd sizes) match cpu', async () => {
    // [x shape, filter shape, strides, pad, dilations]
    const cases: Array<[number[], number[], [number, number], 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]], [number, number]]> = [
      [[1, 5, 5, 8], [3, 3, 8, 16], [1, 1], 'same', [1, 1]],
      [[1, 1, 1, 64], [1, 1, 64, 17], [1, 1], 'valid', [1, 1]],
      [[3, 7, 9, 5], [2, 3, 5, 19], [2, 1], 'valid', [1, 1]],
      [[2, 14, 14, 32], [4, 4, 32, 64], [2, 2], [[0, 0], [1, 2], [1, 2], [0, 0]], [1, 1]],
      [[32, 14, 14, 16], [7, 7, 16, 24], [1, 1], [[0, 0], [1, 0], [1, 0], [0, 0]], [2, 2]],
      [[1, 13, 11, 7], [3, 5, 7, 33], [1, 1], 'same', [2, 3]],
      [[4, 8, 8, 20], [2, 2, 20, 16], [1, 1], 1, [1, 1]],
      [[2, 9, 9, 3], [3, 3, 3, 4], [2, 2], 'same', [1, 1]], // few output channels: computed transposed
      [[4, 28, 28, 1], [4, 4, 1, 32], [2, 2], 'same', [1, 1]], // one input channel: a 16-long im2col row
    ];
    let seed = 600;
    const before = calls.conv2d;
    for (const [xs, fs, strides, pad, dil] of cases) {
      const x = rand(xs, seed++);
      const f = rand(fs, seed++);
      const b = rand([fs[3]], seed++);
      await compare([x, f], (xt, ft) => tf.conv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, strides, pad, 'NHWC', dil), 1e-5);
      await compare([x, f, b], (xt, ft, bt) => tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: ft as tf.Tensor4D, strides, pad, dilations: dil, bias: bt }), 1e-5);
      await compare([x, f, b], (xt, ft, bt) => tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: ft as tf.Tensor4D, strides, pad, dilations: dil, bias: bt, activation: 'relu' }), 1e-5);
    }
    // Conv2D + FusedConv2D (linear) of every case run natively; relu goes to wasm.
    expect(calls.conv2d - before).toBe(which === 'native' ? 2 * cases.length : 0);
  });

  maybe('Softplus matches cpu, including large and tiny logits', async () => {
    for (const n of [1, 7, 8, 9, 1001, 128 * 784]) {
      const x = rand([n], n, 30);
      if (n > 10) x.data.set([0, -13.9, -13.95, 13.9, 13.95, -20, 20, -87, 87, 1e-8]);
      await compare([x], (t) => tf.softplus(t), 2e-6);
      // Relative error elementwise (not only against the largest value).
      const ours = (await on('wasm', [x], (t) => tf.softplus(t)))[0].data;
      const ref = (await on('cpu', [x], (t) => tf.softplus(t)))[0].data;
      for (let i = 0; i < n; i++) {
        if (ref[i] > 1e-30) expect(Math.abs(ours[i] - ref[i]) / ref[i]).toBeLessThan(2e-6);
      }
    }
  });

  maybe('Sum over leading / trailing / inner / all axes matches cpu', async () => {
    const cases: Array<[number[], number | number[] | undefined, boolean]> = [
      [[1, 1], 0, false],
      [[128, 784], 0, false],
      [[128, 784], 1, false],
      [[128, 784], -1, true],
      [[7, 13], [0, 1], false],
      [[7, 13], undefined, true],
      [[3, 5, 7], [0, 1], false],
      [[3, 5, 7], [1, 2], true],
      [[3, 5, 7], 1, false], // inner axis: the wasm kernel
      [[1, 9], 0, false],
      [[13], 0, false],
    ];
    let seed = 300;
    for (const [shape, axis, keepDims] of cases) await compare([rand(shape, seed++)], (t) => tf.sum(t, axis, keepDims), 1e-6);
  });

  maybe('Identity (tf.clone) shares data safely', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor([1, 2, 3, 4, 5], [5]);
    const b = tf.clone(a);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4, 5]);
    const c = tf.clone(b);
    b.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4, 5]);
    c.dispose();
    const v = tf.variable(tf.tensor([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor([7, 8, 9]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([v, snapshot]);
  });

  maybe('nn.dense value and gradients match cpu', async () => {
    let seed = 400;
    for (const [B, I, O] of [
      [1, 1, 1],
      [1, 784, 400],
      [7, 13, 5],
      [128, 784, 400],
      [128, 400, 20],
    ] as Array<[number, number, number]>) {
      const x = rand([B, I], seed++);
      const w = rand([I, O], seed++);
      const b = rand([O], seed++);
      const r = rand([B, O], seed++);
      await compare([x, w, b, r], (xt, wt, bt, rt) => {
        // sum(dense(x, w, b) * r) with d/dy = r as a customGrad (the CommonJS tfjs-core bundle registers no gradients).
        const weighted = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
          const y = args[0] as tf.Tensor;
          return { value: tf.sum(tf.mul(y, rt)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, rt) };
        });
        const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => weighted(dense(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D)) as tf.Scalar;
        const { value, grads } = tf.valueAndGrads(f)([xt, wt, bt]);
        // The output itself, with and without a bias (the VaekitDense kernel either way).
        return [dense(xt as tf.Tensor2D, wt as tf.Tensor2D, bt as tf.Tensor1D), dense(xt as tf.Tensor2D, wt as tf.Tensor2D), value, ...grads];
      }, 1e-5);
    }
  });

  maybe('nn.conv2d / nn.conv2dTranspose values and gradients match cpu (filter gradient kernel)', async () => {
    // On cpu the ops take their portable path (transposes + dilated Conv2D, sub-pixel Conv2D), on
    // wasm+native the VaekitConv2DFilterGrad and VaekitConv2DInputGrad kernels and the native Conv2D.
    const weighted = (rt: tf.Tensor) =>
      tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
        const y = args[0] as tf.Tensor;
        return { value: tf.sum(tf.mul(y, rt)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, rt) };
      });
    // [x shape, filter shape, stride, pad]
    const cases: Array<[number[], number[], number, Conv2DPad]> = [
      [[1, 5, 5, 3], [3, 3, 3, 16], 1, 'same'],
      [[2, 14, 14, 32], [4, 4, 32, 64], 2, 1],
      [[3, 28, 28, 1], [4, 4, 1, 32], 2, 1],
      [[1, 7, 9, 5], [2, 3, 5, 17], 2, 'valid'],
      [[2, 9, 8, 2], [3, 2, 2, 6], 2, 'same'],
      [[2, 6, 5, 3], [5, 3, 3, 4], 1, 2],
    ];
    let seed = 700;
    const before = calls.filterGrad;
    const inputGradsBefore = calls.inputGrad;
    for (const [xs, fs, stride, pad] of cases) {
      const x = rand(xs, seed++);
      const w = rand(fs, seed++);
      const b = rand([fs[3]], seed++);
      const [oh, ow] = (await on('cpu', [x, w], (xt, wt) => conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, null, stride, pad)))[0].shape.slice(1, 3);
      const r = rand([xs[0], oh, ow, fs[3]], seed++);
      await compare([x, w, b, r], (xt, wt, bt, rt) => {
        const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          weighted(rt)(conv2d(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D, stride, pad)) as tf.Scalar;
        // The output itself (not the weighted sum, whose terms may cancel) and the gradients.
        const { grads } = tf.valueAndGrads(f)([xt, wt, bt]);
        return [conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, bt as tf.Tensor1D, stride, pad), ...grads];
      }, 1e-5);
      // The transposed convolution back from [oh, ow, outC] to the input size; filter [kh, kw, inC, outC].
      const y = rand([xs[0], oh, ow, fs[3]], seed++);
      const bt0 = rand([fs[2]], seed++);
      const rx = rand(xs, seed++);
      await compare([y, w, bt0, rx], (yt, wt, bt, rt) => {
        const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          weighted(rt)(conv2dTranspose(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D, [xs[1], xs[2]], stride, pad)) as tf.Scalar;
        const { grads } = tf.valueAndGrads(f)([yt, wt, bt]);
        return [conv2dTranspose(yt as tf.Tensor4D, wt as tf.Tensor4D, bt as tf.Tensor1D, [xs[1], xs[2]], stride, pad), ...grads];
      }, 1e-5);
    }
    // One filter gradient per conv2d and per conv2dTranspose; the input gradient kernel for
    // conv2d's backward pass and for each of conv2dTranspose's two forward passes.
    expect(calls.filterGrad - before).toBe(which === 'native' ? 2 * cases.length : 0);
    expect(calls.inputGrad - inputGradsBefore).toBe(which === 'native' ? 3 * cases.length : 0);
  });

  maybe('the Gaussian KL and reparameterization kernels match the tfjs ops on cpu, values and gradients', async () => {
    // On wasm (either path) klPerDim and reparameterize run VaekitGaussianKl / VaekitReparameterize
    // and their gradient kernels (natively on the native path); on cpu, the tfjs ops they replace.
    // logVar up to ±12.
    const before = calls.gaussian;
    for (const [B, L] of [[1, 1], [3, 7], [128, 20]]) {
      const mean = rand([B, L], 980 + B, 3);
      const logVar = rand([B, L], 990 + B, 12);
      const eps = rand([B, L], 1000 + B, 2);
      const w = rand([B, L], 1010 + B);
      await compare([mean, logVar, eps, w], (m, lv, e, wt) => {
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.add(tf.sum(tf.mul(klPerDim(a as tf.Tensor2D, b as tf.Tensor2D), wt)), tf.sum(tf.mul(reparameterize(a, b, e), wt))) as tf.Scalar;
        const { grads } = tf.valueAndGrads(f)([m, lv]);
        return [klPerDim(m as tf.Tensor2D, lv as tf.Tensor2D), reparameterize(m, lv, e), ...grads];
      }, 1e-6);
    }
    expect(tf.getKernel('VaekitGaussianKl', 'wasm')).toBeDefined();
    expect(tf.getKernel('VaekitReparameterize', 'wasm')).toBeDefined();
    // Per case: KL and reparameterize twice each (in f and for the values), their gradients once.
    expect(calls.gaussian - before).toBe(which === 'native' ? 3 * 6 : 0);
  });

  maybe("Add gives wasm's own values, bit for bit: same shapes, a one-element operand on either side, and broadcasts", async () => {
    const before = calls.add;
    const cases: Array<[number[], number[]]> = [[[1], [1]], [[13], [13]], [[128, 400], [128, 400]], [[128, 20], []], [[1, 1], [7, 5]], [[3, 4], [4]]];
    let seed = 940;
    for (const [sa, sb] of cases) {
      const a = rand(sa, seed++, 1e3);
      const b = rand(sb, seed++, 1e-3);
      for (let i = 0; i < a.data.length; i += 5) a.data[i] = [0, -0, NaN, Infinity, -Infinity][(i / 5) % 5];
      const ours = await on('wasm', [a, b], (x, y) => tf.add(x, y));
      installWasmKernels(null);
      const own = await on('wasm', [a, b], (x, y) => tf.add(x, y));
      installWasmKernels(which === 'native' ? native : null);
      expect(ours[0].shape).toEqual(own[0].shape);
      expect(Buffer.from(ours[0].data.buffer).equals(Buffer.from(own[0].data.buffer))).toBe(true);
    }
    // The last case broadcasts a row: wasm's own kernel.
    expect(calls.add - before).toBe(which === 'native' ? cases.length - 1 : 0);
  });

  maybe('Bernoulli NLL (VaekitBernoulliNll) and its gradient match softplus(l) − x·l on cpu', async () => {
    for (const [B, D] of [[1, 1], [3, 7], [128, 784], [5, 37]]) {
      const l = rand([B, D], 960, 12);
      const x = rand([B, D], 961);
      for (let i = 0; i < x.data.length; i++) x.data[i] = i % 4 === 0 ? 1 : i % 4 === 1 ? 0 : Math.abs(x.data[i]);
      const w = rand([B], 962);
      const ours = await on('wasm', [l, x, w], (lt, xt, wt) => {
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => tf.sum(tf.mul(bernoulliNll(a as tf.Tensor2D, xt as tf.Tensor2D), wt)))([lt]);
        return [bernoulliNll(lt as tf.Tensor2D, xt as tf.Tensor2D), value, grads[0]];
      });
      const ref = await on('cpu', [l, x, w], (lt, xt, wt) => {
        const f = (a: tf.Tensor) => tf.sum(tf.sub(tf.softplus(a), tf.mul(xt, a)), 1);
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => tf.sum(tf.mul(f(a), wt)))([lt]);
        return [f(lt), value, grads[0]];
      });
      ours.forEach((o, i) => {
        expect(o.shape).toEqual(ref[i].shape);
        expect(relErr(o.data, ref[i].data)).toBeLessThanOrEqual(1e-5);
      });
    }
  });

  maybe("relu's gradient (VaekitReluGrad) gives tfjs's values on cpu, bit for bit, zeros and NaN included", async () => {
    for (const shape of [[1], [13], [128, 14, 14, 32]]) {
      const x = rand(shape, 950);
      const dy = rand(shape, 951);
      for (let i = 0; i < x.data.length; i += 7) x.data[i] = [0, -0, NaN][(i / 7) % 3];
      const f = (xt: tf.Tensor, dyt: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), dyt)))(xt);
      const ours = await on('wasm', [x, dy], f);
      const ref = await on('cpu', [x, dy], f);
      expect(Buffer.from(ours[0].data.buffer).equals(Buffer.from(ref[0].data.buffer))).toBe(true);
    }
  });

  maybe('Transpose matches cpu, sharing the data only where the order of the values is kept', async () => {
    const cases: Array<[number[], number[], boolean]> = [
      [[5, 7], [0, 1], true],
      [[5, 7], [1, 0], false],
      [[1, 7], [1, 0], true],
      [[3, 1, 4], [1, 0, 2], true],
      [[3, 1, 4], [0, 2, 1], true],
      [[3, 1, 4], [2, 1, 0], false],
      [[2, 3, 4], [0, 2, 1], false],
    ];
    let seed = 900;
    for (const [shape, perm, shared] of cases) {
      const x = rand(shape, seed++);
      await compare([x], (t) => tf.transpose(t, perm), 0);
      await tf.setBackend('wasm');
      const t = tf.tensor(x.data, shape);
      const y = tf.transpose(t, perm);
      expect(y.dataId === t.dataId).toBe(shared);
      tf.dispose([t, y]);
      // The input's data outlives a shared output, and the other way round.
      const t2 = tf.tensor(x.data, shape);
      const y2 = tf.transpose(t2, perm);
      t2.dispose();
      expect(Array.from(y2.dataSync())).toEqual(Array.from((await on('cpu', [x], (u) => tf.transpose(u, perm)))[0].data));
      y2.dispose();
    }
  });

  maybe('clipping: clipScale and applyGradients(…, clipNorm) are a multiply by maxNorm / norm, then Adam', async () => {
    const shapes = [[7], [13, 5], [300, 40]];
    const run = async (backend: string, ours: boolean) => {
      await tf.setBackend(backend);
      const vars = shapes.map((s, i) => tf.variable(tf.tensor(rand(s, 700 + i).data, s), true, `cliptest_${which}_${backend}_${ours}_${i}`));
      const opt = ours ? new FusedAdam(1e-3, 0.9, 0.999, 1e-8) : tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
      const scales: number[] = [];
      // Norms of about 40 (clipped to 5) and of about 0.04 (not clipped).
      for (const [t, size] of [[0, 1], [1, 1e-3], [2, 1]]) {
        const grads: tf.NamedTensorMap = {};
        vars.forEach((v, i) => (grads[v.name] = tf.tensor(rand(shapes[i], 1700 + 10 * t + i, size).data, shapes[i])));
        if (ours) {
          scales.push(clipScale(grads, 5));
          applyGradients(opt, grads, 5);
        } else {
          // The reference: the global norm in float64 from the values, then tf.mul and tf.train.adam.
          let sq = 0;
          for (const g of Object.values(grads)) for (const x of g.dataSync()) sq += x * x;
          const norm = Math.sqrt(sq);
          const scale = norm > 5 ? 5 / norm : 1;
          scales.push(scale);
          const scaled = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)])));
          opt.applyGradients(scaled);
          tf.dispose(Object.values(scaled));
        }
        tf.dispose(Object.values(grads));
      }
      const weights = vars.map((v) => v.dataSync().slice() as Float32Array);
      opt.dispose();
      tf.dispose(vars);
      return { weights, scales };
    };
    const ours = await run('wasm', true);
    const ref = await run('cpu', false);
    expect(ours.scales[1]).toBe(1);
    expect(ours.scales[0]).toBeLessThan(1);
    ours.scales.forEach((s, i) => expect(s).toBeCloseTo(ref.scales[i], 6));
    ours.weights.forEach((w, i) => expect(relErr(w, ref.weights[i])).toBeLessThanOrEqual(1e-6));
  });

  maybe('FusedAdam (one kernel call for all variables) gives the weights and moments of tf.train.adam on cpu', async () => {
    const shapes = [[1], [7], [13, 5], [784, 400], [33]];
    const steps = 4;
    const run = async (backend: string, fused: boolean) => {
      await tf.setBackend(backend);
      const vars = shapes.map((s, i) => tf.variable(tf.tensor(rand(s, 500 + i).data, s), true, `adamtest_${backend}_${fused}_${i}`));
      const opt = fused ? new FusedAdam(1e-3, 0.9, 0.999, 1e-8) : tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
      for (let t = 0; t < steps; t++) {
        const grads: tf.NamedTensorMap = {};
        vars.forEach((v, i) => (grads[v.name] = tf.tensor(rand(shapes[i], 1000 * t + i, t === 2 ? 1e-3 : 1).data, shapes[i])));
        // A variable without a gradient at one step keeps its weights and moments.
        if (t === 1) {
          grads[vars[1].name].dispose();
          (grads as Record<string, tf.Tensor | null>)[vars[1].name] = null;
        }
        opt.applyGradients(grads);
        tf.dispose(Object.values(grads).filter((g) => g != null));
      }
      const weights = vars.map((v) => v.dataSync().slice() as Float32Array);
      const state = (await opt.getWeights()).map((w) => w.tensor.dataSync().slice() as Float32Array);
      opt.dispose();
      tf.dispose(vars);
      return { weights, state, iterations: opt.iterations };
    };
    const ours = await run('wasm', true);
    const ref = await run('cpu', false);
    expect(ours.iterations).toBe(ref.iterations);
    expect(ours.state.length).toBe(ref.state.length);
    ours.weights.forEach((w, i) => expect(relErr(w, ref.weights[i])).toBeLessThanOrEqual(1e-6));
    ours.state.forEach((s, i) => expect(relErr(s, ref.state[i])).toBeLessThanOrEqual(1e-6));
  });
});

describe('native loader', () => {
  it('VAEKIT_NATIVE=0 disables the addon', () => {
    jest.isolateModules(() => {
      const saved = process.env.VAEKIT_NATIVE;
      process.env.VAEKIT_NATIVE = '0';
      try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const k = require('../src/kernels/native') as typeof import('../src/kernels/native');
        const r = k.loadNative();
        expect(r.kernels).toBeNull();
        expect(r.reason).toMatch(/VAEKIT_NATIVE=0/);
      } finally {
        if (saved === undefined) delete process.env.VAEKIT_NATIVE;
        else process.env.VAEKIT_NATIVE = saved;
      }
    });
  });
});
