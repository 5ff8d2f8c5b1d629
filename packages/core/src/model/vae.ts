import * as tf from '@tensorflow/tfjs-core';
import type { Decoder, Encoder, Loss } from '../plugins/types';
import { klPerDim, freeBitsKl } from '../math/kl';
import { reparameterize } from '../math/reparameterize';
import type { AutoregressiveDecoder } from '../sequence/types';

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

/** Encoder + decoder + likelihood with a standard normal prior. */
export class VAE {
  constructor(
    readonly encoder: Encoder,
    readonly decoder: Decoder,
    readonly loss: Loss,
    readonly latentDim: number,
    readonly dataShape: number[],
  ) {}

  get dataDim(): number {
    return this.dataShape.reduce((a, b) => a * b, 1);
  }

  /** True for models of token sequences (an autoregressive decoder). */
  get isSequence(): boolean {
    return isAutoregressive(this.decoder);
  }

  weights(): tf.Variable[] {
    return [...this.encoder.weights(), ...this.decoder.weights()];
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
   * per dimension by free bits. Also returns the unweighted batch means of recon and KL.
   */
  objective(x: tf.Tensor2D, beta: number, freeBits: number, seed?: number): { loss: tf.Scalar; recon: tf.Scalar; kl: tf.Scalar } {
    const t = this.terms(x, seed, true);
    const recon = tf.mean(t.recon) as tf.Scalar;
    const kl = tf.mean(tf.sum(t.klDims, 1)) as tf.Scalar;
    const klTrain = freeBits > 0 ? freeBitsKl(t.klDims, freeBits) : kl;
    return { loss: tf.add(recon, tf.mul(klTrain, beta)) as tf.Scalar, recon, kl };
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
