import * as tf from '@tensorflow/tfjs-core';
import { VaekitError } from '@vaekit/study';
import type { Dataset } from '../plugins/types';
import type { VAE } from '../model/vae';
import { Rng } from '../math/rng';
import { klWeight, KlSchedule } from '../math/schedules';
import { batchRanges, batchTensor, evaluationView } from '../data/batches';
import { evaluateAsync, EvalMetrics } from '../eval/evaluate';
import { eventLoopYielder } from './yield';
import { applyGradients, createOptimizer, OptimizerOptions } from './optimizer';
import { targetBatch } from '../model/property';
import { evaluateProperties } from '../eval/property';
import { defaultThreads, setKernelThreads } from '../backend/threads';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerOptions;
  seed: number;
  beta: number;
  klSchedule?: KlSchedule;
  freeBits?: number;
  /** Weight of the property loss when the model has a property head (model.property); default 1. */
  propertyWeight?: number;
  /** Global-norm gradient clipping; 0 or undefined = off. */
  clipNorm?: number;
  /** Threads of the native kernels; undefined = defaultThreads() (every core unless a search worker set less). */
  threads?: number;
  /** Stop when validation −ELBO has not improved by minDelta for `patience` epochs; 0 = off. */
  earlyStopping?: { patience: number; minDelta?: number };
  evalBatchSize?: number;
  activeUnitThreshold?: number;
  /** Called after each epoch with all metrics; return `false` (or a promise of it) to stop. */
  onEpoch?: (m: EpochMetrics) => void | boolean | Promise<void | boolean>;
  /** Called every `progressEvery` steps, for progress bars. */
  onStep?: (p: { epoch: number; step: number; steps: number; loss: number }) => void;
}

export interface EpochMetrics {
  epoch: number;
  /** Means over the epoch's batches, nats per example. */
  train: { loss: number; recon: number; kl: number; negElbo: number; property?: number };
  klWeight: number;
  samplesPerSec: number;
  /** Sequence data: predicted tokens (each <eos> included) per second of training. */
  tokensPerSec?: number;
  seconds: number;
  validation?: EvalMetrics;
  /** Live tensors after the epoch: constant when nothing leaks. */
  numTensors: number;
  /** Resident memory of the process after the epoch, MiB. */
  rssMiB: number;
}

export interface TrainResult {
  epochs: EpochMetrics[];
  stoppedEarly: boolean;
  /** Samples per second over all training steps. */
  samplesPerSec: number;
  /** Sequence data: predicted tokens per second over all training steps. */
  tokensPerSec?: number;
  /** Optimiser steps taken. */
  steps: number;
  seconds: number;
}

/** Training stopped because the loss became NaN or infinite. */
export class NonFiniteLossError extends VaekitError {
  constructor(readonly epoch: number, readonly step: number, value: number) {
    super(`training diverged: the loss is ${value} at epoch ${epoch}, step ${step} (try a lower train.optimizer.lr or set train.clipNorm)`);
  }
}

/** A custom training loop: shuffled mini-batches, β-weighted KL with a schedule, validation each epoch. */
export async function trainModel(model: VAE, data: Dataset, o: TrainOptions): Promise<TrainResult> {
  setKernelThreads(o.threads ?? defaultThreads());
  const rng = new Rng(o.seed);
  const optimizer = createOptimizer(o.optimizer);
  const vars = model.weights();
  const split = data.train;
  const validation = evaluationView(data.validation, data.binarize, o.seed + 1);
  const steps = Math.ceil(split.n / o.batchSize);
  // Joint property prediction: the head, its statistics and the split's targets all present.
  const stats = model.property && split.targets ? data.info.properties : undefined;
  const history: EpochMetrics[] = [];
  let best = Infinity;
  let sinceBest = 0;
  let stoppedEarly = false;
  let trainSeconds = 0;
  let trainSamples = 0;
  let trainTokens = 0;
  let globalStep = 0;
  const t0 = Date.now();
  // Steps are synchronous: let timers and I/O (heartbeats, signals) run now and then, across
  // epochs too (an epoch of a small split is shorter than the interval).
  const breathe = eventLoopYielder();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const perm = rng.permutation(split.n);
    let sums = [0, 0, 0];
    let propertySum = 0;
    let weight = 1;
    const start = process.hrtime.bigint();
    let step = 0;
    let epochTokens = 0;
    for (const [from, to] of batchRanges(split.n, o.batchSize)) {
      step++;
      weight = klWeight(o.klSchedule, epoch - 1 + (step - 1) / steps, o.epochs, globalStep++);
      const batch = batchTensor(split, perm, from, to, data.binarize === 'dynamic' ? rng : undefined);
      const x = batch.x;
      epochTokens += batch.tokens;
      const seed = rng.nextSeed();
      const targets = stats ? targetBatch(split.targets!, stats, perm, from, to) : undefined;
      let parts: tf.Scalar[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const r = model.objective(x, o.beta * weight, o.freeBits ?? 0, seed, targets, o.propertyWeight ?? 1);
        parts = [tf.keep(r.recon), tf.keep(r.kl), ...(r.property ? [tf.keep(r.property)] : [])];
        return r.loss;
      }, vars);
      if (targets) tf.dispose([targets.y, targets.known]);
      const loss = value.dataSync()[0];
      if (!Number.isFinite(loss)) {
        tf.dispose([x, value, ...parts, ...Object.values(grads)]);
        optimizer.dispose();
        throw new NonFiniteLossError(epoch, step, loss);
      }
      applyGradients(optimizer, grads, o.clipNorm);
      const n = to - from;
      sums = [sums[0] + loss * n, sums[1] + parts[0].dataSync()[0] * n, sums[2] + parts[1].dataSync()[0] * n];
      if (parts[2]) propertySum += parts[2].dataSync()[0] * n;
      tf.dispose([x, value, ...parts, ...Object.values(grads)]);
      o.onStep?.({ epoch, step, steps, loss });
      await breathe();
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    trainSeconds += seconds;
    trainSamples += split.n;
    trainTokens += epochTokens;
    const m: EpochMetrics = {
      epoch,
      train: {
        loss: sums[0] / split.n,
        recon: sums[1] / split.n,
        kl: sums[2] / split.n,
        negElbo: (sums[1] + sums[2]) / split.n,
        ...(stats ? { property: propertySum / split.n } : {}),
      },
      klWeight: weight,
      samplesPerSec: split.n / seconds,
      ...(split.seq ? { tokensPerSec: epochTokens / seconds } : {}),
      seconds,
      numTensors: 0,
      rssMiB: 0,
    };
    if (validation.n > 0) {
      m.validation = await evaluateAsync(
        model,
        validation,
        { batchSize: o.evalBatchSize, activeUnitThreshold: o.activeUnitThreshold, seed: o.seed + 2 },
        breathe,
      );
      const property = stats ? evaluateProperties(model, validation, o.evalBatchSize) : undefined;
      if (property) m.validation.property = property;
    }
    m.numTensors = tf.memory().numTensors;
    m.rssMiB = process.memoryUsage().rss / 2 ** 20;
    history.push(m);
    const keepGoing = await o.onEpoch?.(m);
    if (keepGoing === false) break;
    const patience = o.earlyStopping?.patience ?? 0;
    if (patience > 0 && m.validation) {
      if (m.validation.negElbo < best - (o.earlyStopping?.minDelta ?? 0)) {
        best = m.validation.negElbo;
        sinceBest = 0;
      } else if (++sinceBest >= patience) {
        stoppedEarly = true;
        break;
      }
    }
  }
  optimizer.dispose();
  return {
    epochs: history,
    stoppedEarly,
    samplesPerSec: trainSamples / Math.max(trainSeconds, 1e-9),
    ...(split.seq ? { tokensPerSec: trainTokens / Math.max(trainSeconds, 1e-9) } : {}),
    steps: globalStep,
    seconds: (Date.now() - t0) / 1000,
  };
}
