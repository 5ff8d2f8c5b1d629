import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../math/rng';
import * as ops from '../nn';
import { reserveWeightValues } from '../build/budget';

/** Uniform(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear and Conv layers, weights and biases alike. */
function uniformInit(shape: number[], fanIn: number, rng: Rng): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const size = shape.reduce((a, b) => a * b, 1);
  reserveWeightValues(size);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-bound, bound);
  return tf.variable(tf.tensor(v, shape), true);
}

export type Activation = 'relu' | 'tanh' | 'elu' | 'leakyRelu' | 'sigmoid' | 'linear';

export function activate<T extends tf.Tensor>(x: T, a: Activation): T {
  switch (a) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, 0.01);
    case 'sigmoid':
      return tf.sigmoid(x);
    default:
      return x;
  }
}

/** y = x·W + b. */
export class Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(
    readonly inDim: number,
    readonly outDim: number,
    rng: Rng,
    /** False when the input is data, not a layer's output: skips the unused input gradient. */
    private readonly inputGrad = true,
  ) {
    this.w = uniformInit([inDim, outDim], inDim, rng);
    this.b = uniformInit([outDim], inDim, rng);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return ops.dense(x, this.w as tf.Tensor2D, this.b as tf.Tensor1D, { inputGrad: this.inputGrad });
  }

  weights(): tf.Variable[] {
    return [this.w, this.b];
  }
}

export type Padding = 'same' | 'valid' | number;

/** 2-D convolution on NHWC tensors; filter [kh, kw, in, out]. */
export class Conv2d {
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: [number, number],
    readonly stride: [number, number],
    readonly pad: Padding,
    rng: Rng,
    /** False when the input is data, not a layer's output: skips the unused input gradient. */
    private readonly inputGrad = true,
  ) {
    const fanIn = inChannels * kernel[0] * kernel[1];
    this.w = uniformInit([kernel[0], kernel[1], inChannels, outChannels], fanIn, rng);
    this.b = uniformInit([outChannels], fanIn, rng);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return ops.conv2d(x, this.w as tf.Tensor4D, this.b as tf.Tensor1D, this.stride, this.pad, { inputGrad: this.inputGrad });
  }

  outputSize(h: number, w: number): [number, number] {
    return [convOut(h, this.kernel[0], this.stride[0], this.pad), convOut(w, this.kernel[1], this.stride[1], this.pad)];
  }

  weights(): tf.Variable[] {
    return [this.w, this.b];
  }
}

/** Transposed 2-D convolution (PyTorch's ConvTranspose2d); filter [kh, kw, out, in] as tfjs has it. */
export class ConvTranspose2d {
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: [number, number],
    readonly stride: [number, number],
    readonly pad: Padding,
    rng: Rng,
  ) {
    // PyTorch computes ConvTranspose2d's fan-in from its weight layout [in, out, kh, kw]: out·kh·kw.
    const fanIn = outChannels * kernel[0] * kernel[1];
    this.w = uniformInit([kernel[0], kernel[1], outChannels, inChannels], fanIn, rng);
    this.b = uniformInit([outChannels], fanIn, rng);
  }

  outputSize(h: number, w: number): [number, number] {
    return [convTOut(h, this.kernel[0], this.stride[0], this.pad), convTOut(w, this.kernel[1], this.stride[1], this.pad)];
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [b, h, w] = x.shape;
    const [oh, ow] = this.outputSize(h, w);
    return ops.conv2dTranspose(x, this.w as tf.Tensor4D, this.b as tf.Tensor1D, [b, oh, ow, this.outChannels], this.stride, this.pad);
  }

  weights(): tf.Variable[] {
    return [this.w, this.b];
  }
}

export function convOut(n: number, k: number, s: number, pad: Padding): number {
  if (pad === 'same') return Math.ceil(n / s);
  const p = pad === 'valid' ? 0 : pad;
  return Math.floor((n + 2 * p - k) / s) + 1;
}

export function convTOut(n: number, k: number, s: number, pad: Padding): number {
  if (pad === 'same') return n * s;
  const p = pad === 'valid' ? 0 : pad;
  return (n - 1) * s - 2 * p + k;
}
