import * as tf from '@tensorflow/tfjs-core';
import { Dense, activate } from '../layers/layers';
import { Rng } from '../math/rng';

/**
 * Joint property prediction (Gómez-Bombarelli et al. 2018): an MLP from the posterior mean μ to
 * the standardised properties of each example, trained with the ELBO so that the properties shape
 * the latent space. The model only sees plain numbers per example: which properties they are and
 * how they were computed (RDKit, for molecules) is the caller's business.
 */

/** How each property is standardised: (value − mean) / sd, from the training split only. */
export interface PropertyStats {
  names: string[];
  mean: number[];
  sd: number[];
}

/** The `model.property` block of a config. */
export interface PropertySpec {
  names: string[];
  /** Weight of the property loss beside −ELBO. */
  weight: number;
  /** Widths of the MLP's hidden layers (ReLU); [] is a linear map. */
  hidden: number[];
}

/**
 * Per-example targets of a split in original units, row-major [n, names.length]; NaN where a
 * value is unknown (an invalid molecule): such entries give no loss and are left out of metrics.
 */
export type PropertyTargets = Float32Array;

/** The MLP μ → standardised properties, with the statistics that map its output back to original units. */
export class PropertyHead {
  private readonly layers: Dense[] = [];
  private readonly out: Dense;
  readonly names: string[];

  constructor(latentDim: number, readonly spec: PropertySpec, readonly stats: PropertyStats, rng: Rng) {
    if (stats.names.join(',') !== spec.names.join(',') || stats.mean.length !== spec.names.length || stats.sd.length !== spec.names.length) {
      throw new Error(`the property statistics are for [${stats.names.join(', ')}], the model predicts [${spec.names.join(', ')}]`);
    }
    this.names = [...spec.names];
    let d = latentDim;
    for (const h of spec.hidden) {
      this.layers.push(new Dense(d, h, rng));
      d = h;
    }
    this.out = new Dense(d, spec.names.length, rng);
  }

  /** Standardised predictions [batch, k] from latent codes [batch, latentDim]. */
  predictStandardised(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = z;
      for (const l of this.layers) h = activate(l.apply(h), 'relu');
      return this.out.apply(h);
    });
  }

  /** Predictions in original units [batch, k]. */
  predict(z: tf.Tensor2D): tf.Tensor2D {
    // The statistics are made tensors per call (k numbers), so the head owns no tensor but its weights.
    return tf.tidy(() => tf.add(tf.mul(this.predictStandardised(z), tf.tensor1d(this.stats.sd)), tf.tensor1d(this.stats.mean)) as tf.Tensor2D);
  }

  /**
   * The property loss per example [batch]: Σ over properties of the squared error on standardised
   * targets, known entries only (see targetBatch for `y` and `known`).
   */
  loss(z: tf.Tensor2D, y: tf.Tensor2D, known: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.sum(tf.mul(tf.square(tf.sub(this.predictStandardised(z), y)), known), 1) as tf.Tensor1D);
  }

  weights(): tf.Variable[] {
    return [...this.layers.flatMap((l) => l.weights()), ...this.out.weights()];
  }
}

/**
 * Mean and standard deviation (population) of each property over the known values of the
 * training split; a property with no known value, or constant, has sd 1 so that standardising
 * stays finite.
 */
export function propertyStats(names: string[], targets: PropertyTargets): PropertyStats {
  const k = names.length;
  const n = k ? targets.length / k : 0;
  const mean: number[] = [];
  const sd: number[] = [];
  for (let j = 0; j < k; j++) {
    let count = 0;
    let m = 0;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = targets[i * k + j];
      if (Number.isNaN(v)) continue;
      count++;
      const d = v - m;
      m += d / count;
      s += d * (v - m);
    }
    const sdj = count > 0 ? Math.sqrt(s / count) : 0;
    mean.push(count > 0 ? m : 0);
    sd.push(sdj > 1e-12 ? sdj : 1);
  }
  return { names: [...names], mean, sd };
}

/** A batch of targets as the loss takes them: standardised values (0 where unknown) and 1/0 for known/unknown, both [rows, k]. */
export interface TargetBatch {
  y: tf.Tensor2D;
  known: tf.Tensor2D;
}

/** Rows idx[from..to) of [n, k] targets in original units, standardised with `stats` (done here, in plain numbers). */
export function targetBatch(targets: PropertyTargets, stats: PropertyStats, idx: ArrayLike<number> | null, from: number, to: number): TargetBatch {
  const k = stats.names.length;
  const y = new Float32Array((to - from) * k);
  const known = new Float32Array((to - from) * k);
  for (let r = from; r < to; r++) {
    const i = idx ? idx[r] : r;
    for (let j = 0; j < k; j++) {
      const v = targets[i * k + j];
      if (Number.isNaN(v)) continue;
      y[(r - from) * k + j] = (v - stats.mean[j]) / stats.sd[j];
      known[(r - from) * k + j] = 1;
    }
  }
  return { y: tf.tensor2d(y, [to - from, k]), known: tf.tensor2d(known, [to - from, k]) };
}
