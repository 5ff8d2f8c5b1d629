import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import {
  averagePrecision,
  backendLabel,
  batchRanges,
  buildModel,
  ConfigError,
  Dataset,
  DataSplit,
  eventLoopYielder,
  evaluationView,
  gatherRows,
  loadDataset,
  rocAuc,
  Rng,
  ScoreMethod,
  scoreBatch,
  selectBackend,
  TrainConfig,
  trainModel,
  trainOptionsFromConfig,
  validateOptions,
  VAE,
} from '@vaekit/core';
import { builtInRegistry } from '../registry';
import { writePictures } from '../images/pictures';
import { knnScores, pcaScores } from './baselines';

export { AnomalySection, anomalySchema } from './section';
import type { AnomalySection } from './section';

export interface ClassResult {
  normal: number;
  /** On the test split. */
  rocAuc: number;
  prAuc: number;
  /** On the validation split (all its labels), when asked for and the data has one. */
  validation?: { rocAuc: number; prAuc: number };
  baselines: Record<string, { rocAuc: number; prAuc: number }>;
  trainSize: number;
  seconds: number;
}

export interface AnomalyResult {
  classes: ClassResult[];
  meanRocAuc: number;
  meanPrAuc: number;
  baselines: Record<string, number>;
  method: ScoreMethod;
  /** Means over the classes on the validation split, when it was scored. */
  validation?: { meanRocAuc: number; meanPrAuc: number };
}

export interface ProtocolOptions {
  file?: string;
  baseDir: string;
  out: string;
  log: NodeJS.WritableStream;
  /**
   * Also score the validation split (rows held out of training, every label) and report the
   * AUCs there: what a study should optimise, so that the test split is never tuned on.
   */
  validation?: boolean;
  /** Called after each class; returning false stops the protocol (a pruned study trial). */
  onClass?: (r: ClassResult, done: ClassResult[], total: number) => Promise<boolean | void> | boolean | void;
}

/** Rows of a split whose label is (or is not) `label`. */
function byLabel(split: DataSplit, keep: (label: number) => boolean): DataSplit {
  if (!split.labels) return { ...split, n: 0, x: new Float32Array(0) };
  const rows: number[] = [];
  split.labels.forEach((l, i) => keep(l) && rows.push(i));
  return { x: gatherRows(split, rows, 0, rows.length), n: rows.length, dim: split.dim, labels: Int32Array.from(rows, (r) => split.labels![r]) };
}

/**
 * Scores every row of a split in batches: memory does not grow with the split, and the event loop
 * gets a turn between batches (a study worker's heartbeat goes on while a large split is scored).
 */
export async function scoreSplit(model: VAE, split: DataSplit, method: ScoreMethod, samples: number, seed: number): Promise<Float32Array> {
  const rng = new Rng(seed);
  const out = new Float32Array(split.n);
  const breathe = eventLoopYielder();
  // IWAE decodes k copies of each row: smaller batches keep each turn short.
  const rows = method === 'iwae' ? Math.max(1, Math.min(500, Math.floor(20000 / Math.max(1, samples)))) : 500;
  for (const [from, to] of batchRanges(split.n, rows)) {
    const x = tf.tensor2d(gatherRows(split, null, from, to), [to - from, split.dim]);
    out.set(scoreBatch(model, x, method, samples, rng), from);
    x.dispose();
    await breathe();
  }
  return out;
}

/**
 * The one-class protocol: for each normal class, train on that class only, score the whole test
 * set (other classes are the anomalies), and report ROC-AUC and PR-AUC beside the baselines
 * fitted on the same training rows.
 */
export async function runAnomalyProtocol(
  config: TrainConfig,
  section: AnomalySection,
  o: ProtocolOptions,
): Promise<AnomalyResult> {
  await selectBackend(config.train.backend);
  o.log.write(`vaekit: backend ${backendLabel()}\n`);
  const ctx = { registry: builtInRegistry(), validateOptions, file: o.file, baseDir: o.baseDir, seed: config.train.seed };
  const data = await loadDataset(config.data, ctx);
  if (!data.test.labels || !data.train.labels) {
    throw new ConfigError(`${o.file ? o.file + ': ' : ''}data: the anomaly protocol needs labels (for CSV: data.labelColumn)`, 'data');
  }
  const present = [...new Set(Array.from(data.train.labels))].sort((a, b) => a - b);
  const classes = section.classes ?? present;
  const missing = classes.find((c) => !present.includes(c));
  if (missing !== undefined) throw new ConfigError(`${o.file ? o.file + ': ' : ''}anomaly.classes: no training rows have label ${missing} (labels present: ${present.join(', ')})`, 'anomaly.classes');
  const test = evaluationView(data.test, data.binarize, config.train.seed + 3);
  const validation = o.validation && data.validation.n > 0 ? evaluationView(data.validation, data.binarize, config.train.seed + 4) : undefined;
  const results: ClassResult[] = [];
  for (const c of classes) {
    const t0 = Date.now();
    const normal: Dataset = { ...data, train: byLabel(data.train, (l) => l === c), validation: byLabel(data.validation, (l) => l === c), test };
    const anomalous = Int8Array.from(test.labels!, (l) => (l === c ? 0 : 1));
    const model = await buildModel(config.model, data.info, ctx);
    const t = config.train;
    try {
      await trainModel(model, normal, trainOptionsFromConfig(config));
    } catch (e) {
      // Say which class failed; the classes already done keep their scores.json under OUT.
      tf.dispose(model.weights());
      if (e instanceof Error) e.message = `normal class ${c}: ${e.message}${results.length ? ` (classes ${results.map((r) => r.normal).join(', ')} are done: their scores.json are in ${o.out})` : ''}`;
      throw e;
    }
    const scores = await scoreSplit(model, test, section.method, section.samples, t.seed + 5);
    const heldOut = validation && (await auc(model, validation, c, section, t.seed + 7));
    const dir = path.join(o.out, `class-${c}`);
    fs.mkdirSync(dir, { recursive: true });
    if (config.output.images) writePictures(dir, model, byLabel(test, (l) => l === c), { seed: t.seed });
    tf.dispose(model.weights());
    const r: ClassResult = { normal: c, rocAuc: rocAuc(scores, anomalous), prAuc: averagePrecision(scores, anomalous), baselines: {}, trainSize: normal.train.n, seconds: 0 };
    if (heldOut) r.validation = heldOut;
    const trainRows = evaluationView(normal.train, data.binarize, t.seed + 6);
    if (section.baselines.pca) {
      const s = await pcaScores(trainRows, test, section.baselines.pca.components);
      r.baselines.pca = { rocAuc: rocAuc(s, anomalous), prAuc: averagePrecision(s, anomalous) };
    }
    if (section.baselines.knn) {
      const s = await knnScores(trainRows, test, section.baselines.knn.k);
      r.baselines.knn = { rocAuc: rocAuc(s, anomalous), prAuc: averagePrecision(s, anomalous) };
    }
    r.seconds = (Date.now() - t0) / 1000;
    results.push(r);
    fs.writeFileSync(path.join(dir, 'scores.json'), JSON.stringify({ normal: c, method: section.method, rocAuc: r.rocAuc, prAuc: r.prAuc, baselines: r.baselines }, null, 2) + '\n');
    o.log.write(
      `normal ${c}: ROC-AUC ${r.rocAuc.toFixed(4)}  PR-AUC ${r.prAuc.toFixed(4)}` +
        Object.entries(r.baselines).map(([k, v]) => `  ${k} ${v.rocAuc.toFixed(4)}`).join('') +
        (r.validation ? `  validation ROC-AUC ${r.validation.rocAuc.toFixed(4)}` : '') +
        `  (${r.trainSize} training rows, ${r.seconds.toFixed(1)} s)\n`,
    );
    if (o.onClass && (await o.onClass(r, results, classes.length)) === false) break;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const names = Object.keys(results[0]?.baselines ?? {});
  return {
    classes: results,
    meanRocAuc: mean(results.map((r) => r.rocAuc)),
    meanPrAuc: mean(results.map((r) => r.prAuc)),
    baselines: Object.fromEntries(names.map((n) => [n, mean(results.map((r) => r.baselines[n].rocAuc))])),
    method: section.method,
    ...(validation && results.every((r) => r.validation)
      ? { validation: { meanRocAuc: mean(results.map((r) => r.validation!.rocAuc)), meanPrAuc: mean(results.map((r) => r.validation!.prAuc)) } }
      : {}),
  };
}

/** ROC-AUC and PR-AUC of the model's scores on a split, rows of class `normal` being the normal ones. */
async function auc(model: VAE, split: DataSplit, normal: number, section: AnomalySection, seed: number): Promise<{ rocAuc: number; prAuc: number } | undefined> {
  const anomalous = Int8Array.from(split.labels ?? [], (l) => (l === normal ? 0 : 1));
  const count = anomalous.reduce((a, b) => a + b, 0);
  if (count === 0 || count === anomalous.length) return undefined; // one class only: no AUC
  const scores = await scoreSplit(model, split, section.method, section.samples, seed);
  return { rocAuc: rocAuc(scores, anomalous), prAuc: averagePrecision(scores, anomalous) };
}

/** The results as a Markdown table: a row per normal class and the mean; a column per baseline, when any ran. */
export function anomalyTable(r: AnomalyResult): string {
  const names = Object.keys(r.baselines);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const head = row(['normal', 'VAE ROC-AUC', 'VAE PR-AUC', ...names.map((n) => `${n} ROC-AUC`)]);
  const sep = row(['normal', 'VAE ROC-AUC', 'VAE PR-AUC', ...names].map(() => '---'));
  const rows = r.classes.map((c) => row([String(c.normal), c.rocAuc.toFixed(4), c.prAuc.toFixed(4), ...names.map((n) => c.baselines[n].rocAuc.toFixed(4))]));
  const mean = row(['mean', r.meanRocAuc.toFixed(4), r.meanPrAuc.toFixed(4), ...names.map((n) => r.baselines[n].toFixed(4))]);
  return [head, sep, ...rows, mean].join('\n');
}
