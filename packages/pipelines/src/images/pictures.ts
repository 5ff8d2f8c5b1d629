import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { DataSplit, gatherRows, Rng, VAE } from '@vaekit/core';
import { isImageShape, writeImageGrid } from './png';

/**
 * Writes the pictures a user looks at after training:
 * - reconstructions.png: 8 pairs of rows, inputs above their reconstructions;
 * - samples.png: an 8×8 grid decoded from z ~ N(0, I);
 * - traversals.png: one row per latent dimension (most used first, up to 10), sweeping it
 *   from −3 to 3 with the others at the posterior mean of one test example.
 * Returns the files written (none when the data are not images).
 */
export function writePictures(dir: string, model: VAE, test: DataSplit, opts: { seed: number; traversalSteps?: number; klPerDim?: number[] }): string[] {
  const shape = model.dataShape;
  if (!isImageShape(shape) || test.n === 0) return [];
  const files: string[] = [];
  const rng = new Rng(opts.seed);
  const dim = model.dataDim;
  const L = model.latentDim;

  // Reconstructions: 4 blocks of 8 inputs and their reconstructions underneath.
  const n = Math.min(32, test.n);
  const idx = Array.from(rng.permutation(test.n).slice(0, n));
  const xs = gatherRows(test, idx, 0, n);
  const rec = tf.tidy(() => model.reconstruct(tf.tensor2d(xs, [n, dim])).dataSync() as Float32Array);
  const pairs = new Float32Array(Math.ceil(n / 8) * 16 * dim); // whole blocks of 8 pairs, even when n is not a multiple of 8
  for (let b = 0; b < Math.ceil(n / 8); b++) {
    for (let j = 0; j < 8 && b * 8 + j < n; j++) {
      const i = b * 8 + j;
      pairs.set(xs.subarray(i * dim, (i + 1) * dim), (b * 16 + j) * dim);
      pairs.set(rec.subarray(i * dim, (i + 1) * dim), (b * 16 + 8 + j) * dim);
    }
  }
  files.push(path.join(dir, 'reconstructions.png'));
  writeImageGrid(files[files.length - 1], pairs, Math.ceil(n / 8) * 16, shape, 8);

  // Samples from the prior.
  const z = new Float32Array(64 * L).map(() => rng.normal());
  const samples = tf.tidy(() => model.generate(tf.tensor2d(z, [64, L])).dataSync() as Float32Array);
  files.push(path.join(dir, 'samples.png'));
  writeImageGrid(files[files.length - 1], samples, 64, shape, 8);

  // Latent traversals around one example's posterior mean, the most informative dimensions first.
  const steps = opts.traversalSteps ?? 9;
  const kl = opts.klPerDim ?? new Array(L).fill(0);
  const dims = Array.from({ length: L }, (_, d) => d).sort((a, b) => kl[b] - kl[a]).slice(0, Math.min(10, L));
  const base = tf.tidy(() => model.encoder.encode(tf.tensor2d(xs.subarray(0, dim), [1, dim])).mean.dataSync() as Float32Array);
  const codes = new Float32Array(dims.length * steps * L);
  dims.forEach((d, r) => {
    for (let s = 0; s < steps; s++) {
      const row = codes.subarray((r * steps + s) * L, (r * steps + s + 1) * L);
      row.set(base);
      row[d] = steps === 1 ? 0 : -3 + (6 * s) / (steps - 1);
    }
  });
  const trav = tf.tidy(() => model.generate(tf.tensor2d(codes, [dims.length * steps, L])).dataSync() as Float32Array);
  files.push(path.join(dir, 'traversals.png'));
  writeImageGrid(files[files.length - 1], trav, dims.length * steps, shape, steps);
  return files;
}
