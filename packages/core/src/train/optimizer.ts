import * as tf from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, AdamKernelAttrs, VaekitSumSquares } from '../kernels';

export interface OptimizerOptions {
  name: 'adam' | 'sgd' | 'rmsprop';
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export function createOptimizer(o: OptimizerOptions): tf.Optimizer {
  switch (o.name) {
    case 'sgd':
      return tf.train.sgd(o.lr);
    case 'rmsprop':
      return tf.train.rmsprop(o.lr, 0.9, 0, o.epsilon ?? 1e-8);
    default:
      return new FusedAdam(o.lr, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-8);
  }
}

/**
 * The factor (float32) by which gradient clipping scales every gradient so that their global L2
 * norm is at most maxNorm: maxNorm / norm above it, else exactly 1. The squares are summed by the
 * VaekitSumSquares kernel (one native pass per gradient on wasm).
 */
export function clipScale(grads: tf.NamedTensorMap, maxNorm: number): number {
  const names = Object.keys(grads);
  if (names.length === 0) return 1;
  const total = tf.tidy(() => tf.addN(names.map((n) => tf.engine().runKernel(VaekitSumSquares, { x: grads[n] }) as tf.Scalar)));
  const norm = Math.fround(Math.sqrt(total.dataSync()[0]));
  total.dispose();
  return norm > maxNorm ? Math.fround(maxNorm / norm) : 1;
}

/** Scales all gradients together so their global L2 norm is at most maxNorm (new tensors). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return scaleGradients(grads, clipScale(grads, maxNorm));
}

/** Every gradient times `scale` (new tensors; a scale of 1 shares the data instead of multiplying). */
function scaleGradients(grads: tf.NamedTensorMap, scale: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const out: tf.NamedTensorMap = {};
    for (const n of Object.keys(grads)) out[n] = scale === 1 ? tf.clone(grads[n]) : tf.mul(grads[n], scale);
    return out;
  });
}

/** Runs `apply` on the gradients times `scale` (the gradients themselves when it is 1). */
function withScaled(grads: tf.NamedTensorMap, scale: number, apply: (g: tf.NamedTensorMap) => void): void {
  if (scale === 1) {
    apply(grads);
    return;
  }
  const scaled = scaleGradients(grads, scale);
  apply(scaled);
  tf.dispose(Object.values(scaled));
}

/**
 * One optimiser step on `grads`, clipped to a global norm of clipNorm when given. With FusedAdam
 * the clipping factor goes into the Adam kernel (one pass over each gradient instead of two); the
 * caller still owns and disposes `grads`.
 */
export function applyGradients(optimizer: tf.Optimizer, grads: tf.NamedTensorMap, clipNorm?: number): void {
  const scale = clipNorm ? clipScale(grads, clipNorm) : 1;
  if (optimizer instanceof FusedAdam) optimizer.applyGradients(grads as unknown as Parameters<FusedAdam['applyGradients']>[0], scale);
  else withScaled(grads, scale, (g) => optimizer.applyGradients(g as Parameters<tf.Optimizer['applyGradients']>[0]));
}

/** tfjs' NamedTensor (not exported by tfjs-core's index). */
interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

interface MomentSlot {
  originalName: string;
  variable: tf.Variable;
}

/**
 * tf.train.adam with the same state (moments, accBeta1/2, iterations, getWeights/setWeights),
 * whose update runs as one `VaekitAdam` kernel for all the variables when the current backend has one
 * (wasm with @vaekit/native: see kernels/VaekitAdam.ts) instead of ~12 elementwise kernels. The
 * kernel computes what AdamOptimizer computes, op by op in float32, so the weights are the same
 * (with a gradScale, as if each gradient had been multiplied by it first).
 * Elsewhere it is tf.train.adam.
 */
export class FusedAdam extends tf.AdamOptimizer {
  /** gradScale multiplies every gradient first (gradient clipping), as tf.mul would. */
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0], gradScale = 1): void {
    if (!tf.getKernel(ADAM_KERNEL, tf.getBackend())) {
      if (gradScale === 1) {
        super.applyGradients(variableGradients);
        return;
      }
      const named = Array.isArray(variableGradients)
        ? Object.fromEntries((variableGradients as NamedGradient[]).map((v) => [v.name, v.tensor]))
        : (variableGradients as tf.NamedTensorMap);
      withScaled(named, gradScale, (g) => super.applyGradients(g as typeof variableGradients));
      return;
    }
    // AdamOptimizer keeps these protected; same fields, same meaning.
    const self = this as unknown as {
      accBeta1: tf.Variable;
      accBeta2: tf.Variable;
      accumulatedFirstMoment: MomentSlot[];
      accumulatedSecondMoment: MomentSlot[];
      learningRate: number;
      beta1: number;
      beta2: number;
      epsilon: number;
    };
    const list = Array.isArray(variableGradients);
    const names = list ? (variableGradients as NamedGradient[]).map((v) => v.name) : Object.keys(variableGradients);
    // 1 − β^t exactly as AdamOptimizer computes it: sub(1, accBeta) in float32.
    const c1 = Math.fround(1 - self.accBeta1.dataSync()[0]);
    const c2 = Math.fround(1 - self.accBeta2.dataSync()[0]);
    const engine = tf.engine();
    // Every variable with a gradient goes into one kernel call.
    const inputs: tf.NamedTensorMap = {};
    const updated: tf.Variable[] = [];
    names.forEach((name, i) => {
      const value = engine.registeredVariables[name];
      if (self.accumulatedFirstMoment[i] == null) {
        self.accumulatedFirstMoment[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      if (self.accumulatedSecondMoment[i] == null) {
        self.accumulatedSecondMoment[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      const g = list ? (variableGradients as NamedGradient[])[i].tensor : (variableGradients as tf.NamedTensorMap)[name];
      if (g == null) return;
      const k = updated.length;
      inputs[`x${k}`] = value;
      inputs[`m${k}`] = self.accumulatedFirstMoment[i].variable;
      inputs[`v${k}`] = self.accumulatedSecondMoment[i].variable;
      inputs[`g${k}`] = g;
      updated.push(value);
    });
    if (updated.length > 0) {
      const attrs: AdamKernelAttrs = { count: updated.length, lr: self.learningRate, beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon, c1, c2, gradScale };
      // The kernel updates the moments in place and returns the new weights.
      const xs = engine.runKernel(ADAM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
      xs.forEach((xn, k) => {
        updated[k].assign(xn);
        xn.dispose();
      });
    }
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}
