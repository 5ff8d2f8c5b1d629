import * as tf from '@tensorflow/tfjs-core';
import type { Decoder, Encoder, Loss } from '../plugins/types';
import { klPerDim, freeBitsKl } from '../math/kl';
import { reparameterize } from '../math/reparameterize';
import type { AutoregressiveDecoder } from '../sequence/types';
import type { PropertyHead, TargetBatch } from './property';

/** Whether a decoder generates token by token (see sequence/types.ts). */
export function isAutoregressive(d: unknown): d is AutoregressiveDecoder {
  return !!d && (d as AutoregressiveDecoder).autoregressive === true;
}

/** The terms of the ELBO for one batch, per example, in nats. */
export interface ElboTerms {
  mean: tf.Tensor2D;
  logVar: tf.Tensor2D;
  z: tf.Tensor2D;
  /** −log p(x|z) per example: [batch]. */
  recon: tf.Tensor1D;
  /** KL(q(z|x) ‖ p(z)) per example and dimension: [batch, latent]. */
  klDims: tf.Tensor2D;
}

/**
 * Encoder + decoder + likelihood with a standard normal prior, and optionally a property head:
 * an MLP from the posterior mean to per-example properties, trained jointly (see property.ts).
 */
export class VAE {
  constructor(
    readonly encoder: Encoder,
    readonly decoder: Decoder,
    readonly loss: Loss,
    readonly latentDim: number,
    readonly dataShape: number[],
    readonly property?: PropertyHead,
  ) {}

  get dataDim(): number {
    return this.dataShape.reduce((a, b) => a * b, 1);
  }

  /** True for models of token sequences (an autoregressive decoder). */
  get isSequence(): boolean {
    return isAutoregressive(this.decoder);
  }

  weights(): tf.Variable[] {
    // The property head's weights come last, so checkpoints of models without one are unchanged.
    return [...this.encoder.weights(), ...this.decoder.weights(), ...(this.property?.weights() ?? [])];
  }

  /**
   * One pass: encode, sample z with the seed, decode, score. `training` is passed on to the
   * decoder (word dropout applies only then).
   */
  terms(x: tf.Tensor2D, seed?: number, training = false): ElboTerms {
    const { mean, logVar } = this.encoder.encode(x);
    const z = reparameterize(mean, logVar, undefined, seed);
    const params = this.decoder.decode(z, x, { training, seed: seed === undefined ? undefined : (seed ^ 0x5bd1e995) >>> 0 });
    const recon = this.loss.nll(x, params);
    return { mean, logVar, z, recon, klDims: klPerDim(mean, logVar) };
  }

  /**
   * The training objective, averaged over the batch: recon + β · KL, where KL may be floored
   * per dimension by free bits, plus `propertyWeight` × the property loss on the posterior means
   * when the model has a property head and the batch's targets are given. Also returns the
   * unweighted batch means of recon, KL and the property loss.
   */
  objective(
    x: tf.Tensor2D,
    beta: number,
    freeBits: number,
    seed?: number,
    targets?: TargetBatch,
    propertyWeight = 1,
  ): { loss: tf.Scalar; recon: tf.Scalar; kl: tf.Scalar; property?: tf.Scalar } {
    const t = this.terms(x, seed, true);
    const recon = tf.mean(t.recon) as tf.Scalar;
    const kl = tf.mean(tf.sum(t.klDims, 1)) as tf.Scalar;
    const klTrain = freeBits > 0 ? freeBitsKl(t.klDims, freeBits) : kl;
    const loss = tf.add(recon, tf.mul(klTrain, beta)) as tf.Scalar;
    if (!this.property || !targets) return { loss, recon, kl };
    const property = tf.mean(this.property.loss(t.mean, targets.y, targets.known)) as tf.Scalar;
    return { loss: tf.add(loss, tf.mul(property, propertyWeight)) as tf.Scalar, recon, kl, property };
  }

  /** Decoded means for latent codes, in data space: [n, dim]. */
  generate(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.loss.mean(this.decoder.decode(z)));
  }

  /** Reconstruction through the posterior mean: [n, dim]. */
  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.generate(this.encoder.encode(x).mean));
  }
}

/** The properties a model predicts from z, in its head's order, or undefined when it has no property head. */
export function propertyNames(model: VAE): string[] | undefined {
  return model.property ? [...model.property.names] : undefined;
}

/**
 * The properties predicted for latent codes z [n, latentDim], in original units (the training
 * split's mean and sd undone), one array of n values per property. Throws when the model has no
 * property head (check propertyNames first).
 */
export function predictProperties(model: VAE, z: tf.Tensor2D): Record<string, Float32Array> {
  const head = model.property;
  if (!head) throw new Error('this model has no property predictor (train it with model.property in its config)');
  if (z.rank !== 2 || z.shape[1] !== model.latentDim) throw new Error(`predictProperties: expected z of shape [n, ${model.latentDim}], found [${z.shape.join(', ')}]`);
  const p = head.predict(z);
  const values = p.dataSync() as Float32Array;
  p.dispose();
  const k = head.names.length;
  const n = z.shape[0];
  const out: Record<string, Float32Array> = {};
  head.names.forEach((name, j) => {
    const col = new Float32Array(n);
    for (let i = 0; i < n; i++) col[i] = values[i * k + j];
    out[name] = col;
  });
  return out;
}
