import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import {
  backendLabel,
  buildModel,
  Dataset,
  EpochMetrics,
  EvalMetrics,
  PropertyMetric,
  VAE,
  evaluateAsync,
  evaluateProperties,
  evaluationView,
  loadDataset,
  NonFiniteLossError,
  saveCheckpoint,
  selectBackend,
  trainModel,
  trainOptionsFromConfig,
  TrainConfig,
  validateOptions,
} from '@vaekit/core';
import { VaekitError } from '@vaekit/study';
import { builtInRegistry } from '../registry';
import { writePictures } from '../images/pictures';
import { checkpointMetadata } from '../checkpoint/load';
import { writeTextSamples } from '../text/files';
import { writeMoleculePicture } from '../text/molecule-picture';
import { Progress } from './progress';
import { checkPropertyConfig, withPropertyTargets } from '../property/targets';

export interface TrainRunOptions {
  /** The config file as shown to the user, for messages. */
  file?: string;
  /** Folder that relative paths in the config resolve against. */
  baseDir: string;
  out: string;
  /** Where progress lines go (stderr when --json keeps stdout for the result). */
  log: NodeJS.WritableStream;
  /** Called after each epoch; return false to stop (the tuner prunes with it). */
  onEpoch?: (m: EpochMetrics) => void | boolean | Promise<void | boolean>;
  /** Called with the trained model and its data before the model is released (anomaly scoring uses it). */
  afterTraining?: (model: VAE, data: Dataset) => void | Promise<void>;
  /** Also evaluate the validation split after training, with this many IWAE samples (0: none). */
  validationIwae?: number;
  /**
   * Stops the run at the end of the current epoch when aborted (`vaekit train` aborts it on Ctrl-C):
   * metrics.json then holds the finished epochs with status "interrupted", the checkpoint holds
   * the weights so far, and runTraining throws a TrainingInterrupted.
   */
  signal?: AbortSignal;
}

/** The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it). */
export const INTERRUPTED_EXIT_CODE = 130;

/** A training run stopped on request (see TrainRunOptions.signal); what was computed is saved. */
export class TrainingInterrupted extends VaekitError {
  constructor(message: string) {
    super(message, { exitCode: INTERRUPTED_EXIT_CODE });
  }
}

export interface TrainRunResult {
  backend: string;
  samplesPerSec: number;
  /** Sequence data: predicted tokens per second of training. */
  tokensPerSec?: number;
  test: {
    negElbo: number;
    recon: number;
    kl: number;
    activeUnits: number;
    mutualInfo: number;
    iwaeNll?: number;
    klPerDim: number[];
    /** Sequence data: predicted tokens, perplexity and the bound it comes from. */
    tokens?: number;
    ppl?: number;
    pplBound?: 'iwae' | 'elbo';
    /** With model.property: each property's RMSE (original units) and R², predicted from the posterior means. */
    property?: Record<string, PropertyMetric>;
  };
  /** The validation split after training (absent when the data has none). */
  validation?: EvalMetrics;
  epochs: EpochMetrics[];
  files: string[];
  stoppedEarly: boolean;
}

/** `vaekit train`: data → model → training → test metrics, checkpoint and pictures in `out`. */
export async function runTraining(config: TrainConfig, o: TrainRunOptions): Promise<TrainRunResult> {
  await selectBackend(config.train.backend);
  // The backend's name, with "+native" when the native kernels serve the wasm backend.
  const backend = backendLabel();
  o.log.write(`vaekit: backend ${backend}\n`);
  const ctx = { registry: builtInRegistry(), validateOptions, file: o.file, baseDir: o.baseDir, seed: config.train.seed };
  checkPropertyConfig(config, o.file);
  const loaded = await loadDataset(config.data, ctx);
  const data = config.model.property ? await withPropertyTargets(config, loaded, o.log, o.file) : loaded;
  const model = await buildModel(config.model, data.info, ctx);
  const dataShown = data.info.sequence ? `${data.name} (sequences, vocabulary ${data.info.sequence.vocabSize})` : `${data.name} [${data.info.shape.join('×')}]`;
  o.log.write(
    `vaekit: data ${dataShown}, ${data.train.n} train / ${data.validation.n} validation / ${data.test.n} test; ` +
      `model ${config.model.encoder.use} → z${config.model.latentDim} → ${config.model.decoder.use}, loss ${config.model.loss.use}\n`,
  );
  if (o.signal?.aborted) throw new TrainingInterrupted('interrupted before training started (nothing was written)');
  fs.mkdirSync(o.out, { recursive: true });
  const metricsFile = path.join(o.out, 'metrics.json');
  const epochs: EpochMetrics[] = [];
  const writeMetrics = (extra: object) =>
    fs.writeFileSync(metricsFile, JSON.stringify({ backend, config, epochs, ...extra }, null, 2) + '\n');
  const progress = new Progress(o.log, config.train.epochs);
  const t = config.train;
  let result;
  try {
    result = await trainModel(model, data, {
      ...trainOptionsFromConfig(config),
      onStep: (s) => progress.step(s),
      onEpoch: async (m) => {
        epochs.push(m);
        progress.epoch(m);
        if (o.signal?.aborted) {
          writeMetrics({ status: 'interrupted' });
          return false;
        }
        writeMetrics({ status: 'running' });
        return o.onEpoch ? o.onEpoch(m) : undefined;
      },
    });
  } catch (e) {
    // Keep what was computed: the epochs so far and the reason training stopped.
    writeMetrics({ status: 'failed', error: (e as Error).message });
    tf.dispose(model.weights());
    if (e instanceof NonFiniteLossError) e.message += ` (metrics of the finished epochs are in ${metricsFile})`;
    throw e;
  }
  if (o.signal?.aborted) {
    // Keep what was computed: the finished epochs (already in metrics.json) and their weights.
    const ckpt = path.join(o.out, 'checkpoint');
    try {
      await saveCheckpoint(ckpt, model, checkpointMetadata(config, data));
    } finally {
      tf.dispose(model.weights());
    }
    const done = epochs.length;
    throw new TrainingInterrupted(
      `interrupted after ${done} of ${config.train.epochs} epoch${config.train.epochs === 1 ? '' : 's'}: ` +
        `the finished epochs' metrics are in ${metricsFile}` +
        `, their weights in ${ckpt}` +
        ' (no test metrics or pictures)',
    );
  }
  const test = evaluationView(data.test, data.binarize, t.seed + 3);
  const m = await evaluateAsync(model, test, {
    batchSize: config.eval.batchSize,
    iwaeSamples: config.eval.iwaeSamples,
    activeUnitThreshold: config.eval.activeUnitThreshold,
    seed: t.seed + 4,
  });
  const testMetrics: TrainRunResult['test'] = {
    negElbo: m.negElbo,
    recon: m.recon,
    kl: m.kl,
    activeUnits: m.activeUnits,
    mutualInfo: m.mutualInfo,
    klPerDim: m.klPerDim,
  };
  if (m.iwaeNll !== undefined) testMetrics.iwaeNll = m.iwaeNll;
  if (m.ppl !== undefined) Object.assign(testMetrics, { tokens: m.tokens, ppl: m.ppl, pplBound: m.pplBound });
  const property = evaluateProperties(model, data.test, config.eval.batchSize);
  if (property) testMetrics.property = property;
  let validation: EvalMetrics | undefined;
  if (data.validation.n > 0) {
    validation =
      o.validationIwae || !epochs.length || !epochs[epochs.length - 1].validation
        ? await evaluateAsync(model, evaluationView(data.validation, data.binarize, t.seed + 1), {
            batchSize: config.eval.batchSize,
            iwaeSamples: o.validationIwae ?? 0,
            activeUnitThreshold: config.eval.activeUnitThreshold,
            seed: t.seed + 2,
          })
        : epochs[epochs.length - 1].validation;
    const property = validation && !validation.property ? evaluateProperties(model, data.validation, config.eval.batchSize) : undefined;
    if (validation && property) validation = { ...validation, property };
  }
  const ckpt = path.join(o.out, 'checkpoint');
  await saveCheckpoint(ckpt, model, checkpointMetadata(config, data));
  const files = [metricsFile, ckpt];
  if (data.vocab) {
    files.push(...writeTextSamples(o.out, model, data.vocab, test, { seed: t.seed }));
    // SMILES models: the samples drawn as molecules too, when @vaekit/molecules (RDKit) is installed.
    if (data.vocab.tokenizer.kind === 'smiles') files.push(...(await writeMoleculePicture(o.out)));
  } else if (config.output.images) {
    files.push(...writePictures(o.out, model, test, { seed: t.seed, traversalSteps: config.output.traversalSteps, klPerDim: m.klPerDim }));
  }
  await o.afterTraining?.(model, data);
  const tokensPerSec = result.tokensPerSec;
  writeMetrics({ status: 'complete', validation, samplesPerSec: result.samplesPerSec, ...(tokensPerSec !== undefined ? { tokensPerSec } : {}), trainSeconds: result.seconds, stoppedEarly: result.stoppedEarly, test: testMetrics });
  tf.dispose(model.weights());
  return { backend, samplesPerSec: result.samplesPerSec, ...(tokensPerSec !== undefined ? { tokensPerSec } : {}), test: testMetrics, validation, epochs, files, stoppedEarly: result.stoppedEarly };
}
