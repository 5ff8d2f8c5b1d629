import * as tf from '@tensorflow/tfjs-core';
import { Dataset, Decoder, Dense, Encoder, Loss, Rng, VAE } from '../src';

/** A small MLP VAE built from core's layers, with a Bernoulli or exact Gaussian likelihood. */
export class TinyEncoder implements Encoder {
  readonly h: Dense;
  readonly m: Dense;
  readonly v: Dense;
  constructor(dim: number, latent: number, rng: Rng, hidden = 16) {
    this.h = new Dense(dim, hidden, rng);
    this.m = new Dense(hidden, latent, rng);
    this.v = new Dense(hidden, latent, rng);
  }
  encode(x: tf.Tensor2D) {
    return tf.tidy(() => {
      const h = tf.tanh(this.h.apply(x));
      return { mean: this.m.apply(h), logVar: this.v.apply(h) };
    });
  }
  weights() {
    return [...this.h.weights(), ...this.m.weights(), ...this.v.weights()];
  }
}

export class TinyDecoder implements Decoder {
  readonly h: Dense;
  readonly o: Dense;
  constructor(latent: number, dim: number, rng: Rng, hidden = 16) {
    this.h = new Dense(latent, hidden, rng);
    this.o = new Dense(hidden, dim, rng);
  }
  decode(z: tf.Tensor2D) {
    return tf.tidy(() => this.o.apply(tf.tanh(this.h.apply(z))));
  }
  weights() {
    return [...this.h.weights(), ...this.o.weights()];
  }
}

export const bernoulli: Loss = {
  nll: (x, l) => tf.tidy(() => tf.sum(tf.sub(tf.softplus(l), tf.mul(x, l)), 1) as tf.Tensor1D),
  mean: (l) => tf.sigmoid(l),
};

export function tinyVae(dim: number, latent: number, seed: number): VAE {
  const rng = new Rng(seed);
  return new VAE(new TinyEncoder(dim, latent, rng), new TinyDecoder(latent, dim, rng), bernoulli, latent, [dim]);
}

/** Binary data from a few prototypes with bit flips, so a VAE has structure to find. */
export function toyDataset(n: number, dim: number, seed: number, binarize: Dataset['binarize'] = 'none'): Dataset {
  const rng = new Rng(seed);
  const protos = Array.from({ length: 4 }, () => Array.from({ length: dim }, () => (rng.next() < 0.5 ? 1 : 0)));
  const make = (m: number) => {
    const x = new Float32Array(m * dim);
    const labels = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const k = Math.floor(rng.next() * 4);
      labels[i] = k;
      for (let d = 0; d < dim; d++) x[i * dim + d] = rng.next() < 0.1 ? 1 - protos[k][d] : protos[k][d];
    }
    return { x, n: m, dim, labels };
  };
  return { name: 'toy', info: { shape: [dim], min: 0, max: 1 }, train: make(n), validation: make(64), test: make(128), binarize };
}
