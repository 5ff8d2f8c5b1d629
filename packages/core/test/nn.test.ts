/**
 * nn ops (dense / conv2d / conv2dTranspose) on the wasm backend against the
 * reference tf ops (tf.matMul / tf.conv2d / tf.conv2dTranspose + bias) on the
 * cpu backend: values, and gradients w.r.t. every input of sum(out * r) for a
 * random r. Error measure: max |ours - ref| / max |ref| per tensor <= 1e-4.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { conv2d, conv2dOutputSize, conv2dTranspose, conv2dTransposeOutputSize, dense } from '../src/nn';
import type { Conv2DPad, Conv2DStrides } from '../src/nn';
import { mulberry32 } from '../src/math/rng';

const RTOL = 1e-4;

interface HostTensor {
  data: Float32Array;
  shape: number[];
}

/** mulberry32: deterministic data, identical on both backends. */
const rng = mulberry32;

function randHost(shape: number[], next: () => number, scale = 1): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (next() * 2 - 1) * scale;
  return { data, shape };
}

type Op = (...ts: tf.Tensor[]) => tf.Tensor;

/** The reference: forward value and, given the upstream gradient r, the gradients w.r.t. every input. */
type RefOp = (...ts: tf.Tensor[]) => { value: tf.Tensor; grads: (r: tf.Tensor) => tf.Tensor[] };

interface Result {
  shape: number[];
  value: Float32Array;
  grads: Float32Array[];
}

// tfjs-core's CommonJS bundle registers no gradients (they live in the ESM-only
// dist/register_all_gradients.js), so neither the loss nor the reference may
// rely on tfjs autodiff: the loss sum(y * r) is a customGrad, and the reference
// gradients call the cpu kernels that tfjs' registered gradients would call
// (MatMul_grad, Conv2D_grad, Conv2DBackpropInput_grad, Add broadcasting).

/** sum(y * r), with d/dy = r. */
function weightedSum(y: tf.Tensor, r: tf.Tensor): tf.Scalar {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const yi = args[0] as tf.Tensor;
    return { value: tf.sum(tf.mul(yi, r)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, r) };
  });
  return f(y) as tf.Scalar;
}

function tensors(inputs: HostTensor[]): tf.Tensor[] {
  return inputs.map((h) => tf.tensor(h.data, h.shape));
}

function upstream(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(randHost(shape, rng(seed)).data, shape);
}

/** Our op (on wasm unless told): value and autodiff gradients of sum(op(inputs) * r). */
async function evaluateOurs(op: Op, inputs: HostTensor[], seed: number, backend = 'wasm'): Promise<Result> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const ts = tensors(inputs);
    const y = op(...ts);
    const r = upstream(y.shape, seed);
    const grads = tf.grads((...xs: tf.Tensor[]) => weightedSum(op(...xs), r))(ts);
    return {
      shape: y.shape.slice(),
      value: y.dataSync() as Float32Array,
      grads: grads.map((g, i) => {
        expect(g.shape).toEqual(inputs[i].shape);
        return g.dataSync() as Float32Array;
      }),
    };
  });
}

/** The reference on the cpu backend. */
async function evaluateRef(ref: RefOp, inputs: HostTensor[], seed: number): Promise<Result> {
  await tf.setBackend('cpu');
  return tf.tidy(() => {
    const { value, grads } = ref(...tensors(inputs));
    const r = upstream(value.shape, seed);
    return {
      shape: value.shape.slice(),
      value: value.dataSync() as Float32Array,
      grads: grads(r).map((g, i) => {
        expect(g.shape).toEqual(inputs[i].shape);
        return g.dataSync() as Float32Array;
      }),
    };
  });
}

function relErr(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / Math.max(maxRef, 1e-6);
}

/** Compares op on wasm (or oursBackend) against ref on cpu (value and all gradients). */
async function compare(ours: Op, ref: RefOp, inputs: HostTensor[], names: string[], oursBackend = 'wasm'): Promise<void> {
  const seed = 1234;
  const got = await evaluateOurs(ours, inputs, seed, oursBackend);
  const want = await evaluateRef(ref, inputs, seed);
  await tf.setBackend('wasm');
  expect(got.shape).toEqual(want.shape);
  const errs: Record<string, number> = { value: relErr(got.value, want.value) };
  want.grads.forEach((g, i) => {
    errs[`d${names[i]}`] = relErr(got.grads[i], g);
  });
  for (const [k, e] of Object.entries(errs)) {
    if (!(e <= RTOL)) throw new Error(`${k}: relative error ${e.toExponential(2)} > ${RTOL} (${JSON.stringify(errs)})`);
  }
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

type TfPad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function tfPad(pad: Conv2DPad): TfPad {
  if (pad === 'same' || pad === 'valid') return pad;
  const [ph, pw] = pair(pad);
  return [[0, 0], [ph, ph], [pw, pw], [0, 0]];
}

/** The cpu Conv2DBackpropFilter kernel (tf.conv2DBackpropFilter is not exported). */
function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], strides: Conv2DStrides, pad: TfPad): tf.Tensor4D {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides,
    pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    filterShape,
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

function biasGrad(r: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(r, [-1, r.shape[r.rank - 1]]), 0) as tf.Tensor1D;
}

/** tf.matMul (+ b); gradients as tfjs' BatchMatMul / Add gradients. */
const refDense: RefOp = (x, w, b) => {
  const y = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
  return {
    value: b ? tf.add(y, b) : y,
    grads: (r) => {
      const g = [tf.matMul(r as tf.Tensor2D, w as tf.Tensor2D, false, true), tf.matMul(x as tf.Tensor2D, r as tf.Tensor2D, true, false)];
      return b ? [...g, biasGrad(r)] : g;
    },
  };
};

/**
 * tf.conv2d (+ b), numeric padding by an explicit tf.pad then 'valid';
 * gradients as tfjs' Conv2D gradient (Conv2DBackpropInput, Conv2DBackpropFilter).
 */
function refConv2d(strides: Conv2DStrides, pad: Conv2DPad): RefOp {
  return (x, w, b) => {
    const x4 = x as tf.Tensor4D;
    const w4 = w as tf.Tensor4D;
    let y: tf.Tensor4D;
    if (pad === 'same' || pad === 'valid') {
      y = tf.conv2d(x4, w4, strides, pad);
    } else {
      const [ph, pw] = pair(pad);
      y = tf.conv2d(tf.pad(x4, [[0, 0], [ph, ph], [pw, pw], [0, 0]]), w4, strides, 'valid');
    }
    const p = tfPad(pad);
    return {
      value: b ? tf.add(y, b) : y,
      grads: (r) => {
        const r4 = r as tf.Tensor4D;
        const g = [tf.conv2dTranspose(r4, w4, x4.shape, strides, p), conv2dFilterGrad(x4, r4, w4.shape, strides, p)];
        return b ? [...g, biasGrad(r)] : g;
      },
    };
  };
}

/**
 * tf.conv2dTranspose (+ b) with the explicit output size; gradients as tfjs'
 * Conv2DBackpropInput gradient (Conv2D, Conv2DBackpropFilter).
 */
function refConv2dTranspose(outHW: [number, number], strides: Conv2DStrides, pad: Conv2DPad): RefOp {
  return (x, w, b) => {
    const x4 = x as tf.Tensor4D;
    const w4 = w as tf.Tensor4D;
    const p = tfPad(pad);
    const y = tf.conv2dTranspose(x4, w4, [x4.shape[0], outHW[0], outHW[1], w4.shape[2]], strides, p);
    return {
      value: b ? tf.add(y, b) : y,
      grads: (r) => {
        const r4 = r as tf.Tensor4D;
        const g = [tf.conv2d(r4, w4, strides, p), conv2dFilterGrad(r4, x4, w4.shape, strides, p)];
        return b ? [...g, biasGrad(r)] : g;
      },
    };
  };
}

const consoleWarn = console.warn;

beforeAll(async () => {
  // tfjs prints an "install tfjs-node" banner on first cpu use; it is not available here.
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('tfjs-node')) consoleWarn(...args);
  });
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  setWasmPaths(path.join(dir, 'dist') + path.sep);
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});

afterAll(() => {
  jest.restoreAllMocks();
});

describe('dense', () => {
  const cases: Array<[number, number, number]> = [
    [1, 1, 1],
    [1, 7, 5],
    [5, 13, 3],
    [33, 50, 17],
    [64, 20, 40],
    [8, 120, 70],
  ];
  for (const [B, I, O] of cases) {
    for (const withBias of [true, false]) {
      test(`x[${B},${I}] w[${I},${O}] ${withBias ? '+ bias' : 'no bias'}`, async () => {
        const next = rng(B * 1000 + I * 10 + O);
        const inputs = [randHost([B, I], next), randHost([I, O], next)];
        if (withBias) inputs.push(randHost([O], next));
        await compare(
          (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D | undefined),
          refDense,
          inputs,
          ['x', 'w', 'b'],
        );
      });
    }
  }
});

interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  outC: number;
  strides: Conv2DStrides;
  pad: Conv2DPad;
}

const convCases: ConvCase[] = [
  // the VAE encoder layers (PyTorch k4 s2 p1), batch 1 and 3
  { x: [1, 28, 28, 1], k: [4, 4], outC: 5, strides: 2, pad: 1 },
  { x: [3, 14, 14, 6], k: [4, 4], outC: 7, strides: 2, pad: 1 },
  // odd sizes, non-square kernels and strides, all padding kinds
  { x: [2, 9, 7, 3], k: [3, 2], outC: 4, strides: [2, 1], pad: 'same' },
  { x: [2, 9, 7, 3], k: [3, 2], outC: 4, strides: [2, 1], pad: 'valid' },
  { x: [2, 9, 7, 3], k: [3, 2], outC: 4, strides: [2, 1], pad: 1 },
  { x: [2, 9, 7, 3], k: [3, 2], outC: 4, strides: [2, 1], pad: [2, 1] },
  { x: [1, 11, 10, 2], k: [3, 3], outC: 3, strides: [2, 3], pad: 'same' },
  { x: [2, 11, 10, 2], k: [5, 4], outC: 3, strides: [3, 2], pad: 2 },
  { x: [2, 8, 9, 3], k: [3, 3], outC: 2, strides: 1, pad: 'same' },
  { x: [1, 8, 9, 3], k: [1, 1], outC: 4, strides: 1, pad: 'valid' },
  // stride larger than the kernel; rows the conv never reads
  { x: [2, 10, 9, 2], k: [2, 1], outC: 3, strides: [3, 2], pad: 'valid' },
  { x: [2, 7, 6, 2], k: [2, 2], outC: 3, strides: 3, pad: 'same' },
  // padding as large as the kernel
  { x: [1, 5, 6, 2], k: [2, 3], outC: 2, strides: 2, pad: 3 },
];

describe('conv2d', () => {
  for (const c of convCases) {
    for (const withBias of [true, false]) {
      test(`x[${c.x}] k${c.k.join('x')}->${c.outC} s${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)} ${withBias ? '+ bias' : ''}`, async () => {
        const next = rng(c.x.reduce((a, b) => a * 31 + b, 7) + c.outC);
        const inputs = [randHost(c.x, next), randHost([c.k[0], c.k[1], c.x[3], c.outC], next)];
        if (withBias) inputs.push(randHost([c.outC], next));
        await compare(
          (x, w, b) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D | undefined, c.strides, c.pad),
          refConv2d(c.strides, c.pad),
          inputs,
          ['x', 'w', 'b'],
        );
      });
    }
  }
});

interface ConvTCase {
  x: [number, number, number, number];
  k: [number, number];
  outC: number;
  strides: Conv2DStrides;
  pad: Conv2DPad;
  /** Expected output size when derived; or the explicit output size. */
  out: [number, number];
  explicit?: boolean;
}

const convTCases: ConvTCase[] = [
  // the VAE decoder layers (PyTorch ConvTranspose2d k4 s2 p1)
  { x: [3, 7, 7, 6], k: [4, 4], outC: 5, strides: 2, pad: 1, out: [14, 14] },
  { x: [1, 14, 14, 4], k: [4, 4], outC: 1, strides: 2, pad: 1, out: [28, 28] },
  // odd sizes, non-square kernels and strides, all padding kinds
  { x: [2, 5, 4, 3], k: [3, 2], outC: 4, strides: [2, 1], pad: 'same', out: [10, 4] },
  { x: [2, 5, 4, 3], k: [3, 2], outC: 4, strides: [2, 1], pad: 'valid', out: [11, 5] },
  { x: [2, 5, 4, 3], k: [3, 2], outC: 4, strides: [2, 1], pad: 1, out: [9, 3] },
  { x: [1, 4, 5, 2], k: [5, 4], outC: 3, strides: [3, 2], pad: [2, 1], out: [10, 10] },
  { x: [2, 3, 4, 2], k: [3, 3], outC: 2, strides: 1, pad: 'same', out: [3, 4] },
  { x: [1, 3, 4, 5], k: [1, 1], outC: 2, strides: 1, pad: 'valid', out: [3, 4] },
  // stride larger than the kernel ('valid' follows tf.layers: n*s + max(k-s, 0))
  { x: [2, 4, 3, 2], k: [2, 1], outC: 3, strides: [3, 2], pad: 'valid', out: [12, 6] },
  // explicit output sizes (PyTorch output_padding) and odd 'same' output
  { x: [2, 4, 4, 3], k: [3, 3], outC: 2, strides: 2, pad: 1, out: [8, 8], explicit: true },
  { x: [2, 4, 5, 3], k: [3, 3], outC: 2, strides: 2, pad: 'same', out: [7, 9], explicit: true },
  { x: [1, 3, 3, 2], k: [4, 3], outC: 2, strides: [2, 3], pad: 'valid', out: [9, 11], explicit: true },
];

describe('conv2dTranspose', () => {
  for (const c of convTCases) {
    for (const withBias of [true, false]) {
      const label = `x[${c.x}] k${c.k.join('x')}->${c.outC} s${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)} out ${c.out.join('x')}${c.explicit ? ' (given)' : ''} ${withBias ? '+ bias' : ''}`;
      test(label, async () => {
        const next = rng(c.x.reduce((a, b) => a * 37 + b, 11) + c.outC);
        const inputs = [randHost(c.x, next), randHost([c.k[0], c.k[1], c.outC, c.x[3]], next)];
        if (withBias) inputs.push(randHost([c.outC], next));
        await compare(
          (x, w, b) => {
            const y = conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D | undefined, c.explicit ? c.out : undefined, c.strides, c.pad);
            expect(y.shape).toEqual([c.x[0], c.out[0], c.out[1], c.outC]);
            return y;
          },
          refConv2dTranspose(c.out, c.strides, c.pad),
          inputs,
          ['x', 'w', 'b'],
        );
      });
    }
  }

  test('output size helpers agree with the ops', () => {
    tf.tidy(() => {
      for (const c of convCases) {
        const y = conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros([c.k[0], c.k[1], c.x[3], c.outC]) as tf.Tensor4D, null, c.strides, c.pad);
        expect(conv2dOutputSize([c.x[1], c.x[2]], c.k, c.strides, c.pad)).toEqual(y.shape.slice(1, 3));
      }
      for (const c of convTCases.filter((t) => !t.explicit)) {
        expect(conv2dTransposeOutputSize([c.x[1], c.x[2]], c.k, c.strides, c.pad)).toEqual(c.out);
      }
      // PyTorch: Conv2d(k4, s2, p1) 28 -> 14 -> 7, ConvTranspose2d(k4, s2, p1) 7 -> 14 -> 28
      expect(conv2dOutputSize([28, 28], [4, 4], 2, 1)).toEqual([14, 14]);
      expect(conv2dOutputSize([14, 14], [4, 4], 2, 1)).toEqual([7, 7]);
      expect(conv2dTransposeOutputSize([7, 7], [4, 4], 2, 1)).toEqual([14, 14]);
      expect(conv2dTransposeOutputSize([14, 14], [4, 4], 2, 1)).toEqual([28, 28]);
    });
  });

  test('rejects an output shape inconsistent with the input', () => {
    tf.tidy(() => {
      const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
      const w = tf.zeros([3, 3, 1, 2]) as tf.Tensor4D;
      expect(() => conv2dTranspose(x, w, null, [10, 8], 2, 1)).toThrow(/inconsistent/);
      expect(conv2dTranspose(x, w, null, [8, 8], 2, 1).shape).toEqual([1, 8, 8, 1]);
    });
  });
});

/** relu and reshape as customGrads (no registered gradients needed). */
function cgRelu<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xi = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([xi]);
    return { value: tf.relu(xi), gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => tf.mul(dy, tf.step(xs)) };
  });
  return f(x) as T;
}

function cgReshape<T extends tf.Tensor>(x: tf.Tensor, shape: number[]): T {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xi = args[0] as tf.Tensor;
    return { value: tf.reshape(xi, shape), gradFunc: (dy: tf.Tensor) => tf.reshape(dy, xi.shape) };
  });
  return f(x) as T;
}

describe('the VAE conv stack end to end', () => {
  test('encoder conv/conv/dense + decoder dense/convT/convT: all gradients match tf on cpu', async () => {
    const next = rng(99);
    // The target architecture with half the channels (tf's cpu Conv2DBackpropFilter,
    // used by the reference, is slow): 28x28x1 -> conv k4 s2 p1 -> 14x14xC1 -> conv
    // k4 s2 p1 -> 7x7xC2 -> dense Z -> dense -> 7x7xC2 -> convT -> 14x14xC1 -> convT -> 28x28x1.
    const B = 2;
    const Z = 4;
    const C1 = 16;
    const C2 = 32;
    const F = 7 * 7 * C2;
    const shapes: number[][] = [
      [B, 28, 28, 1], // x
      [4, 4, 1, C1], [C1], // conv 1->C1 k4 s2 p1
      [4, 4, C1, C2], [C2], // conv C1->C2 k4 s2 p1
      [F, Z], [Z], // encoder dense
      [Z, F], [F], // decoder dense
      [4, 4, C1, C2], [C1], // convT C2->C1 k4 s2 p1 (tfjs layout [kh,kw,out,in])
      [4, 4, 1, C1], [1], // convT C1->1 k4 s2 p1
    ];
    const inputs = shapes.map((sh, i) => randHost(sh, next, i === 0 ? 1 : 0.2));
    const ours: Op = (...t: tf.Tensor[]) => {
      const [x, c1w, c1b, c2w, c2b, ew, eb, dw, db, t1w, t1b, t2w, t2b] = t as [
        tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D,
        tf.Tensor2D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D,
      ];
      const h1 = cgRelu(conv2d(x, c1w, c1b, 2, 1));
      const h2 = cgRelu(conv2d(h1, c2w, c2b, 2, 1));
      const z = dense(cgReshape<tf.Tensor2D>(h2, [B, F]), ew, eb);
      const d = dense(z, dw, db);
      const u1 = cgRelu(conv2dTranspose(cgReshape<tf.Tensor4D>(d, [B, 7, 7, C2]), t1w, t1b, null, 2, 1));
      return conv2dTranspose(u1, t2w, t2b, null, 2, 1);
    };
    // Reference: the same net from the tf ops, backpropagated by hand.
    const ref: RefOp = (...t: tf.Tensor[]) => {
      const [x, c1w, c1b, c2w, c2b, ew, eb, dw, db, t1w, t1b, t2w, t2b] = t;
      const L1 = refConv2d(2, 1)(x, c1w, c1b);
      const h1 = tf.relu(L1.value);
      const L2 = refConv2d(2, 1)(h1, c2w, c2b);
      const h2 = tf.relu(L2.value);
      const L3 = refDense(tf.reshape(h2, [B, F]), ew, eb);
      const L4 = refDense(L3.value, dw, db);
      const L5 = refConv2dTranspose([14, 14], 2, 1)(tf.reshape(L4.value, [B, 7, 7, C2]), t1w, t1b);
      const u1 = tf.relu(L5.value);
      const L6 = refConv2dTranspose([28, 28], 2, 1)(u1, t2w, t2b);
      return {
        value: L6.value,
        grads: (r) => {
          const [du1, dt2w, dt2b] = L6.grads(r);
          const [dd4, dt1w, dt1b] = L5.grads(tf.mul(du1, tf.step(L5.value)));
          const [dz, ddw, ddb] = L4.grads(tf.reshape(dd4, [B, F]));
          const [dflat, dew, deb] = L3.grads(dz);
          const [dh1, dc2w, dc2b] = L2.grads(tf.mul(tf.reshape(dflat, h2.shape), tf.step(L2.value)));
          const [dx, dc1w, dc1b] = L1.grads(tf.mul(dh1, tf.step(L1.value)));
          return [dx, dc1w, dc1b, dc2w, dc2b, dew, deb, ddw, ddb, dt1w, dt1b, dt2w, dt2b];
        },
      };
    };
    await compare(ours, ref, inputs, ['x', 'c1w', 'c1b', 'c2w', 'c2b', 'ew', 'eb', 'dw', 'db', 't1w', 't1b', 't2w', 't2b']);
  });
});

/** sum of all elements, as a customGrad. */
function sumAll(y: tf.Tensor): tf.Scalar {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const yi = args[0] as tf.Tensor;
    return { value: tf.sum(yi), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.onesLike(yi)) };
  });
  return f(y) as tf.Scalar;
}

describe('on the cpu backend', () => {
  test('the ops also work (and agree) on cpu', async () => {
    const next = rng(5);
    const x = randHost([2, 9, 7, 3], next);
    await compare(
      (xi, wi, bi) => conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, bi as tf.Tensor1D, [2, 1], 1),
      refConv2d([2, 1], 1),
      [x, randHost([3, 2, 3, 4], next), randHost([4], next)],
      ['x', 'w', 'b'],
      'cpu',
    );
    await compare(
      (xi, wi, bi) => conv2dTranspose(xi as tf.Tensor4D, wi as tf.Tensor4D, bi as tf.Tensor1D, null, [2, 1], 'same'),
      refConv2dTranspose([18, 7], [2, 1], 'same'),
      [x, randHost([3, 2, 4, 3], next), randHost([4], next)],
      ['x', 'w', 'b'],
      'cpu',
    );
    await compare(
      (xi, wi, bi) => dense(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D),
      refDense,
      [randHost([6, 9], next), randHost([9, 4], next), randHost([4], next)],
      ['x', 'w', 'b'],
      'cpu',
    );
  });
});

describe('inputGrad: false', () => {
  test('skips the input gradient (zeros) and keeps the others', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
      const b = tf.randomNormal([4]) as tf.Tensor1D;
      const [dx0, dw0, db0] = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        sumAll(conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, bi as tf.Tensor1D, 2, 1, { inputGrad: false })),
      )([x, w, b]);
      const [, dw1, db1] = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        sumAll(conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, bi as tf.Tensor1D, 2, 1)),
      )([x, w, b]);
      expect(tf.max(tf.abs(dx0)).dataSync()[0]).toBe(0);
      expect(tf.max(tf.abs(tf.sub(dw0, dw1))).dataSync()[0]).toBe(0);
      expect(tf.max(tf.abs(tf.sub(db0, db1))).dataSync()[0]).toBe(0);
      const x2 = tf.randomNormal([5, 6]) as tf.Tensor2D;
      const w2 = tf.randomNormal([6, 3]) as tf.Tensor2D;
      const [dx2] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => sumAll(dense(xi as tf.Tensor2D, wi as tf.Tensor2D, null, { inputGrad: false })))([x2, w2]);
      expect(tf.max(tf.abs(dx2)).dataSync()[0]).toBe(0);
    });
  });
});

describe('memory', () => {
  const ops: Array<[string, () => tf.Tensor[], (...t: tf.Tensor[]) => tf.Tensor]> = [
    ['dense', () => [tf.randomNormal([5, 7]), tf.randomNormal([7, 3]), tf.randomNormal([3])],
      (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D | undefined)],
    ['conv2d', () => [tf.randomNormal([2, 9, 7, 3]), tf.randomNormal([3, 2, 3, 4]), tf.randomNormal([4])],
      (x, w, b) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D | undefined, [2, 1], 1)],
    ['conv2dTranspose', () => [tf.randomNormal([2, 5, 4, 3]), tf.randomNormal([3, 2, 4, 3]), tf.randomNormal([4])],
      (x, w, b) => conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D | undefined, null, [2, 1], 'same')],
  ];
  for (const [name, make, op] of ops) {
    for (const withBias of [true, false]) {
      test(`${name} ${withBias ? '+ bias' : ''} leaks no tensors`, async () => {
        await tf.setBackend('wasm');
        const inputs = make();
        const args = withBias ? inputs : inputs.slice(0, 2);
        const before = tf.memory().numTensors;
        // forward only: exactly the output is new
        const y = op(...args);
        expect(tf.memory().numTensors).toBe(before + 1);
        y.dispose();
        expect(tf.memory().numTensors).toBe(before);
        // forward + backward: exactly the gradients are new
        const grads = tf.grads((...t: tf.Tensor[]) => sumAll(op(...t)))(args);
        expect(tf.memory().numTensors).toBe(before + args.length);
        tf.dispose(grads);
        // tidy'd forward + backward: nothing is new
        tf.tidy(() => {
          tf.grads((...t: tf.Tensor[]) => sumAll(op(...t)))(args);
        });
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(inputs);
      });
    }
  }
});
