import * as tf from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, AdamKernelAttrs } from '../kernels';

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

/** Scales all gradients together so their global L2 norm is at most maxNorm. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const out: tf.NamedTensorMap = {};
    // A scale of exactly 1 (norm within bounds) changes nothing: clones share the data instead of
    // multiplying every gradient (millions of values for a text model's output layer) by 1.
    const unit = scale.dataSync()[0] === 1;
    for (const n of names) out[n] = unit ? tf.clone(grads[n]) : tf.mul(grads[n], scale);
    return out;
  });
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
 * whose update runs as one `VaekitAdam` kernel per variable when the current backend has one
 * (wasm with @vaekit/native: see kernels/VaekitAdam.ts) instead of ~12 elementwise kernels. The
 * kernel computes what AdamOptimizer computes, op by op in float32, so the weights are the same.
 * Elsewhere it is tf.train.adam.
 */
export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!tf.getKernel(ADAM_KERNEL, tf.getBackend())) {
      super.applyGradients(variableGradients);
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
    const attrs: AdamKernelAttrs = { lr: self.learningRate, beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon, c1, c2 };
    const engine = tf.engine();
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
      const m = self.accumulatedFirstMoment[i].variable;
      const v = self.accumulatedSecondMoment[i].variable;
      const [xn, mn, vn] = engine.runKernel(ADAM_KERNEL, { x: value, m, v, g }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      value.assign(xn);
      m.assign(mn);
      v.assign(vn);
      tf.dispose([xn, mn, vn]);
    });
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}
