import * as tf from '@tensorflow/tfjs-core';
import type { PropertyMetric } from './property';
import type { DataSplit } from '../plugins/types';
import type { VAE } from '../model/vae';
import { batchRanges, batchTensor } from '../data/batches';
import { longestSequence, predictedTokens } from '../sequence/batches';
import { isAutoregressive } from '../model/vae';
import { logDiagNormal, logStandardNormal } from '../math/kl';
import { reparameterize } from '../math/reparameterize';
import { Rng } from '../math/rng';
import { eventLoopYielder } from '../train/yield';

export interface EvalOptions {
  batchSize?: number;
  /** Importance samples for the IWAE NLL; 0 skips it. */
  iwaeSamples?: number;
  /** A dimension is active when Var_x(E_q[z_d]) exceeds this (Burda et al. 2016). */
  activeUnitThreshold?: number;
  seed?: number;
}

/** Metrics of a model on a split, per example, in nats. */
export interface EvalMetrics {
  n: number;
  /** −ELBO = recon + KL, one posterior sample per example. */
  negElbo: number;
  recon: number;
  kl: number;
  klPerDim: number[];
  activeUnits: number;
  /** Variance over x of the posterior mean, per dimension. */
  posteriorMeanVariance: number[];
  /** −log p(x) estimated with k importance samples (the IWAE bound). */
  iwaeNll?: number;
  /** I(x; z) in nats, estimated per batch as in He et al. 2019. */
  mutualInfo: number;
  /** Sequence data: tokens predicted over the split (each sequence's <eos> included). */
  tokens?: number;
  /**
   * Sequence data: perplexity, exp(total NLL / tokens), with the NLL bounded by the IWAE bound
   * when importance samples were drawn, else by the ELBO (`pplBound` says which).
   */
  ppl?: number;
  pplBound?: 'iwae' | 'elbo';
  /** With a property head (model.property): each property's RMSE and R² from the posterior means. */
  property?: Record<string, PropertyMetric>;
}

/** Evaluates the ELBO terms and the latent-usage diagnostics of a model on a split. */
export function evaluate(model: VAE, split: DataSplit, opts: EvalOptions = {}): EvalMetrics {
  const steps = evaluationSteps(model, split, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `evaluate`, giving the event loop a turn between batches (see eventLoopYielder): an IWAE
 * evaluation with many samples can run for minutes, and a study worker's heartbeat must go on.
 */
export async function evaluateAsync(model: VAE, split: DataSplit, opts: EvalOptions = {}, breathe = eventLoopYielder()): Promise<EvalMetrics> {
  const steps = evaluationSteps(model, split, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await breathe();
  }
}

/** The evaluation, one batch (or IWAE chunk) per step; returns the metrics. */
function* evaluationSteps(model: VAE, split: DataSplit, opts: EvalOptions): Generator<void, EvalMetrics> {
  // Sequence models decode [rows, T, V] logits at once: rows are capped so a batch stays near
  // LOGITS_BUDGET values whatever the vocabulary and the longest sentence.
  const rowCost = decodedValuesPerRow(model, split);
  const miBatchSize = opts.batchSize ?? 500;
  const batchSize = Math.max(1, Math.min(miBatchSize, Math.floor(LOGITS_BUDGET / rowCost)));
  // I(x; z) is estimated per batch and cannot exceed log(batch size): when the batches are cut
  // short for the logits, it gets its own pass through the encoder alone in full-size batches.
  const separateMi = batchSize < miBatchSize;
  const rng = new Rng(opts.seed ?? 7);
  const L = model.latentDim;
  let recon = 0;
  let miSum = 0;
  let miBatches = 0;
  const kl = new Float64Array(L);
  const mSum = new Float64Array(L);
  const mSq = new Float64Array(L);
  let iwae = 0;
  const k = opts.iwaeSamples ?? 0;
  for (const [from, to] of batchRanges(split.n, batchSize)) {
    const x = batchTensor(split, null, from, to).x;
    const [r, klSum, mean, mi] = tf.tidy(() => {
      const t = model.terms(x, rng.nextSeed());
      return [tf.sum(t.recon), tf.sum(t.klDims, 0), t.mean, mutualInfoBatch(t.mean, t.logVar, t.z)];
    });
    recon += (r.dataSync() as Float32Array)[0];
    const kd = klSum.dataSync();
    const md = mean.dataSync();
    for (let d = 0; d < L; d++) kl[d] += kd[d];
    for (let i = 0; i < to - from; i++) {
      for (let d = 0; d < L; d++) {
        const v = md[i * L + d];
        mSum[d] += v;
        mSq[d] += v * v;
      }
    }
    if (to - from > 1 && !separateMi) {
      miSum += mi.dataSync()[0];
      miBatches++;
    }
    tf.dispose([r, klSum, mean, mi]);
    yield;
    if (k > 0) {
      // In the chunks iwaeNllPerExample would use, so the values do not depend on the stepping.
      for (const [a, b] of batchRanges(to - from, iwaeChunk(k, rowCost))) {
        const xs = a === 0 && b === to - from ? x : tf.slice(x, [a, 0], [b - a, x.shape[1]]);
        iwae += iwaeNllSum(model, xs, k, rng, rowCost);
        if (xs !== x) xs.dispose();
        yield;
      }
    }
    x.dispose();
  }
  if (separateMi) {
    for (const [from, to] of batchRanges(split.n, miBatchSize)) {
      if (to - from < 2) continue;
      const x = batchTensor(split, null, from, to).x;
      const mi = tf.tidy(() => {
        const { mean, logVar } = model.encoder.encode(x);
        return mutualInfoBatch(mean, logVar, reparameterize(mean, logVar, undefined, rng.nextSeed()));
      });
      miSum += mi.dataSync()[0];
      miBatches++;
      tf.dispose([x, mi]);
      yield;
    }
  }
  const n = split.n;
  const klPerDim = Array.from(kl, (v) => v / n);
  const variance = Array.from(mSum, (s, d) => Math.max(0, mSq[d] / n - (s / n) ** 2));
  const klTotal = klPerDim.reduce((a, b) => a + b, 0);
  const out: EvalMetrics = {
    n,
    negElbo: recon / n + klTotal,
    recon: recon / n,
    kl: klTotal,
    klPerDim,
    activeUnits: variance.filter((v) => v > (opts.activeUnitThreshold ?? 0.01)).length,
    posteriorMeanVariance: variance,
    mutualInfo: miBatches ? miSum / miBatches : 0,
  };
  if (k > 0) out.iwaeNll = iwae / n;
  if (split.seq) {
    const tokens = predictedTokens(split.seq);
    out.tokens = tokens;
    out.ppl = Math.exp((k > 0 ? iwae : recon + klTotal * n) / tokens);
    out.pplBound = k > 0 ? 'iwae' : 'elbo';
  }
  return out;
}

/**
 * −log p̂(x) per example, p̂(x) = (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x), z_i ~ q(z|x), computed with
 * log-sum-exp. Processed in chunks of examples so k·chunk rows fit in memory.
 */
export function iwaeNllPerExample(model: VAE, x: tf.Tensor2D, k: number, rng: Rng, rowCost = 1): Float32Array {
  const [b, dim] = x.shape;
  const chunk = iwaeChunk(k, rowCost);
  const out = new Float32Array(b);
  for (let s = 0; s < b; s += chunk) {
    const e = Math.min(b, s + chunk);
    const v = tf.tidy(() => {
      const xb = tf.slice(x, [s, 0], [e - s, dim]);
      const { mean, logVar } = model.encoder.encode(xb);
      const L = model.latentDim;
      const eps = tf.randomNormal([k, e - s, L], 0, 1, 'float32', rng.nextSeed());
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)); // [k, b, L]
      const zFlat = tf.reshape(z, [k * (e - s), L]) as tf.Tensor2D;
      const xRep = tf.reshape(tf.tile(tf.expandDims(xb, 0), [k, 1, 1]), [k * (e - s), dim]) as tf.Tensor2D;
      const logPxz = tf.reshape(tf.neg(model.loss.nll(xRep, model.decoder.decode(zFlat, xRep))), [k, e - s]);
      const logW = tf.sub(tf.add(logPxz, logStandardNormal(z)), logDiagNormal(z, mean, logVar));
      return tf.neg(tf.sub(tf.logSumExp(logW, 0), Math.log(k)));
    });
    out.set(v.dataSync() as Float32Array, s);
    v.dispose();
  }
  return out;
}

/**
 * Examples per IWAE chunk: k samples each, about 20,000 decoded rows at a time, or for sequence
 * models (rowCost = decoded values per row) about LOGITS_BUDGET decoded values.
 */
function iwaeChunk(k: number, rowCost = 1): number {
  return Math.max(1, Math.floor(rowCost > 1 ? LOGITS_BUDGET / (k * rowCost) : 20000 / k));
}

/** Logits a sequence model may decode at once when evaluating (64 MiB of float32). */
const LOGITS_BUDGET = 2 ** 24;

/** Values a decoder outputs per row: T·V for a sequence model (its split's longest row), else 1 (rows are cheap). */
function decodedValuesPerRow(model: VAE, split: DataSplit): number {
  if (!split.seq || !isAutoregressive(model.decoder)) return 1;
  return (longestSequence(split.seq) + 1) * model.decoder.vocabSize;
}

/** Sum over the batch of the IWAE NLL. */
export function iwaeNllSum(model: VAE, x: tf.Tensor2D, k: number, rng: Rng, rowCost = 1): number {
  return iwaeNllPerExample(model, x, k, rng, rowCost).reduce((a, v) => a + v, 0);
}

/**
 * I(x; z) = E_x E_q(z|x)[log q(z|x)] − E_q(z)[log q(z)], with the aggregate posterior q(z)
 * approximated by the mixture of the batch's posteriors (He et al. 2019).
 */
export function mutualInfoBatch(mean: tf.Tensor2D, logVar: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [b, L] = mean.shape;
    // E[log q(z|x)] = −L/2 log 2π − ½ Σ (1 + logVar): the negative entropy of each posterior.
    const negEntropy = tf.mean(tf.mul(-0.5, tf.add(tf.sum(tf.add(logVar, 1), 1), L * Math.log(2 * Math.PI))));
    // log q(z_i) ≈ logsumexp_j log q(z_i | x_j) − log b.
    const zi = tf.expandDims(z, 1); // [b, 1, L]
    const logQ = logDiagNormal(zi, tf.expandDims(mean, 0), tf.expandDims(logVar, 0)); // [b, b]
    const logAgg = tf.sub(tf.logSumExp(logQ, 1), Math.log(b));
    return tf.sub(negEntropy, tf.mean(logAgg)) as tf.Scalar;
  });
}
