/**
 * vaekit's kernels in tfjs' kernel registry (src/kernels): registered per backend by name, each
 * backend's implementation giving what the plain tfjs ops give, without leaking backend memory.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  installWasmKernels,
  loadNative,
  registerGenericKernels,
  VaekitBiasGrad,
  VaekitConv2DFilterGrad,
  VaekitDenseFilterGrad,
  VaekitDenseInputGrad,
} from '../src/kernels';
import { mulberry32 } from '../src/math/rng';

const GENERIC = [VaekitConv2DFilterGrad, VaekitDenseInputGrad, VaekitDenseFilterGrad, VaekitBiasGrad];

function rand(shape: number[], seed: number): tf.Tensor {
  const next = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => next() * 2 - 1), shape);
}

function maxRelErr(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let d = 0;
  let m = 1e-6;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    m = Math.max(m, Math.abs(y[i]));
  }
  return d / m;
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object = {}) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

/** Each kernel against the same quantity computed with tfjs' own ops. */
function checkAll(): void {
  tf.tidy(() => {
    let seed = 1;
    for (const [B, I, O] of [[1, 1, 1], [5, 13, 7], [64, 300, 20], [3, 40, 200]]) {
      const x = rand([B, I], seed++);
      const w = rand([I, O], seed++);
      const dy = rand([B, O], seed++);
      expect(maxRelErr(run(VaekitDenseInputGrad, { dy, w }), tf.matMul(dy, tf.transpose(w)))).toBeLessThan(1e-5);
      expect(maxRelErr(run(VaekitDenseFilterGrad, { x, dy }), tf.matMul(tf.transpose(x), dy))).toBeLessThan(1e-5);
    }
    for (const shape of [[2, 3, 5, 7], [1, 1, 1, 4], [6, 9]]) {
      const dy = rand(shape, seed++);
      const want = tf.sum(dy, shape.slice(0, -1).map((_, i) => i));
      expect(maxRelErr(run(VaekitBiasGrad, { dy }), want)).toBeLessThan(1e-5);
    }
    // [x, kh, kw, outC, strides, padTop, padLeft]: the filter gradient is the input gradient
    // of conv2d with respect to its filter, d/dw sum(conv2d(x, w) * dy).
    const convs: Array<[number[], number, number, number, [number, number], number, number]> = [
      [[2, 7, 6, 3], 3, 2, 5, [2, 1], 1, 0],
      [[1, 9, 9, 4], 4, 4, 16, [2, 2], 1, 1],
      [[3, 5, 5, 2], 1, 1, 3, [1, 1], 0, 0],
      [[1, 8, 8, 1], 3, 3, 2, [3, 3], 0, 0], // a row and a column the convolution never reads
    ];
    for (const [xs, kh, kw, outC, [sh, sw], pt, pl] of convs) {
      const x = rand(xs, seed++);
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [pt, pt], [pl, pl], [0, 0]];
      const oh = Math.floor((xs[1] + 2 * pt - kh) / sh) + 1;
      const ow = Math.floor((xs[2] + 2 * pl - kw) / sw) + 1;
      const dy = rand([xs[0], oh, ow, outC], seed++);
      // Σ_b,oh,ow x_patch ⊗ dy, from one-hot filters through tf.conv2d (no gradient registry needed).
      const want = tf.buffer([kh, kw, xs[3], outC]);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let c = 0; c < xs[3]; c++) {
            const onehot = tf.buffer([kh, kw, xs[3], 1]);
            onehot.set(1, i, j, c, 0);
            const patch = tf.conv2d(x as tf.Tensor4D, onehot.toTensor() as tf.Tensor4D, [sh, sw], pad); // [B, oh, ow, 1]
            const col = tf.sum(tf.mul(patch, dy), [0, 1, 2]).dataSync();
            for (let o = 0; o < outC; o++) want.set(col[o], i, j, c, o);
          }
        }
      }
      const got = run(VaekitConv2DFilterGrad, { x, dy }, { kh, kw, strideH: sh, strideW: sw, padTop: pt, padLeft: pl });
      expect(maxRelErr(got, want.toTensor())).toBeLessThan(1e-5);
    }
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
});

afterAll(() => {
  installWasmKernels(null);
  jest.restoreAllMocks();
});

describe('vaekit kernels in the registry', () => {
  it('are registered by name for cpu, wasm and tensorflow on import, and for other backends on request', () => {
    for (const backend of ['cpu', 'wasm', 'tensorflow']) {
      for (const name of GENERIC) expect(tf.getKernel(name, backend)?.kernelName).toBe(name);
    }
    expect(tf.getKernel(VaekitDenseInputGrad, 'vaekit-test')).toBeUndefined();
    registerGenericKernels('vaekit-test');
    for (const name of GENERIC) expect(tf.getKernel(name, 'vaekit-test')?.backendName).toBe('vaekit-test');
    for (const name of GENERIC) tf.unregisterKernel(name, 'vaekit-test');
  });

  const paths: Array<[string, string, boolean]> = [
    ['cpu', 'generic', true],
    ['wasm', 'generic', true],
    ['wasm', 'native', loadNative().kernels != null],
  ];
  describe.each(paths)('on %s, %s implementation', (backend, which, available) => {
    (available ? it : it.skip)('match the tfjs ops and release their intermediates', async () => {
      await tf.setBackend(backend);
      if (backend === 'wasm') installWasmKernels(which === 'native' ? loadNative().kernels : null);
      const before = tf.memory().numTensors;
      const dataBefore = (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
      checkAll();
      expect(tf.memory().numTensors).toBe(before);
      expect((tf.engine().backend as unknown as { numDataIds(): number }).numDataIds()).toBe(dataBefore);
    });
  });
});
