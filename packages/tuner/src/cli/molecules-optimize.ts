/**
 * `vaekit molecules optimize`: a study over the latent space of a SMILES model. Each trial
 * suggests one float per latent dimension (z0..z{d-1} in [-3, 3], three prior standard
 * deviations), decodes it greedily into a SMILES string and scores the molecule with RDKit (QED,
 * Crippen logP, or a scoring function of the user's). The study is maximised; it runs on any
 * study storage, so it resumes, runs with worker processes, and `vaekit report` shows it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, UsageError, createSampler, createStudy, openStorage, redactStorageUrl } from '@vaekit/study';
import type { FrozenTrial, Study, Trial, VaekitStorage } from '@vaekit/study';
import { PREDICTABLE_PROPERTIES, type PredictableProperty } from '@vaekit/pipelines';
import { checkStudyName } from '../config';
import { checkSqliteDriver } from '../search/drivers';
import { reportTrial, runWorkerProcesses } from '../search/workers';
import { parseArgs } from './args';
import { loadMolecules } from './molecules';
import { checkInputDir, checkInputFile, checkOutputPath } from './paths';

type Molecules = typeof import('@vaekit/molecules');
type Chemistry = Awaited<ReturnType<Molecules['loadChemistry']>>;


const CMD = 'vaekit molecules optimize';
/** Each latent coordinate is searched within ±BOUND prior standard deviations. */
export const LATENT_BOUND = 3;
export const MAX_TRIALS = 100_000;
export const MAX_TOP = 1_000;
export const MAX_WORKERS = 64;
/**
 * The value of an invalid molecule when no valid one has been scored yet (logP and user
 * objectives have no natural floor; afterwards invalid ones get the worst valid value so far).
 * -10 is below the Crippen logP of nearly every drug-like molecule (ZINC's span about -5 to 9).
 */
export const INVALID_LOGP = -10;
export const INVALID_USER = 0;

/** What a user objective (FILE.js) is given for each valid molecule. */
export interface MoleculeForObjective {
  smiles: string;
  canonical: string;
  qed: number;
  logp: number;
  tpsa: number;
  mw: number;
}

/** The objective as the study keeps it (study attr `objective`), compared when a study is resumed. */
interface ObjectiveId {
  kind: 'qed' | 'logp' | 'file' | 'predicted';
  /** The metric's name: qed, logp, predicted-NAME, or the file's name without .js. */
  name: string;
  /** For a file: the SHA-256 of its contents (the function itself is never stored). */
  sha256?: string;
}

interface Options {
  checkpoint: string;
  objective: string;
  trials: number;
  sampler: 'tpe' | 'random';
  top: number;
  storage: string;
  study: string;
  workers: number;
  train?: string;
  seed: number;
  out?: string;
  json: boolean;
  worker: boolean;
}

function integer(flag: string, value: string | boolean | string[] | undefined, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${CMD}: --${flag}: expected an integer from ${min} to ${max}, found "${value}"`);
  return n;
}

function parse(argv: string[]): Options {
  const a = parseArgs(argv, { values: ['checkpoint', 'objective', 'trials', 'sampler', 'top', 'storage', 'study', 'workers', 'train', 'seed', 'out'], booleans: ['json', 'worker'] }, 'molecules optimize');
  if (a.positionals.length) throw new UsageError(`${CMD}: unexpected argument "${a.positionals[0]}"`);
  if (!a.flags.checkpoint) throw new UsageError(`${CMD}: --checkpoint DIR is required`);
  if (!a.flags.objective) throw new UsageError(`${CMD}: --objective is required: qed, logp or FILE.js (a scoring function of yours)`);
  const objective = String(a.flags.objective);
  const sampler = String(a.flags.sampler ?? 'tpe');
  if (sampler !== 'tpe' && sampler !== 'random') throw new UsageError(`${CMD}: --sampler: expected tpe or random, found "${sampler}"`);
  const workers = integer('workers', a.flags.workers, 1, 1, MAX_WORKERS);
  const storage = String(a.flags.storage ?? 'memory:');
  if (workers > 1 && storage.startsWith('memory:')) {
    throw new UsageError(`${CMD}: --workers ${workers}: a memory: study cannot be shared by worker processes; give --storage sqlite:FILE (or postgres://…), or --workers 1`);
  }
  const study = a.flags.study === undefined ? `optimize-${objectiveName(objective)}` : String(a.flags.study);
  checkStudyName(study, `${CMD}: --study`);
  return {
    checkpoint: String(a.flags.checkpoint),
    objective,
    trials: integer('trials', a.flags.trials, 500, 1, MAX_TRIALS),
    sampler,
    top: integer('top', a.flags.top, 10, 1, MAX_TOP),
    storage,
    study,
    workers,
    train: a.flags.train === undefined ? undefined : String(a.flags.train),
    seed: integer('seed', a.flags.seed, 0, 0, 2 ** 32 - 1),
    out: a.flags.out === undefined ? undefined : String(a.flags.out),
    json: a.flags.json === true,
    worker: a.flags.worker === true,
  };
}

const isFileObjective = (o: string) => /\.c?js$/i.test(o);

/** qed, logp, predicted-NAME, or the file's name without its extension (made fit for a study name). */
function objectiveName(objective: string): string {
  if (!isFileObjective(objective)) return objective.replace(/[^A-Za-z0-9_.-]/g, '_');
  return path.basename(objective).replace(/\.c?js$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'file';
}

const predictedProperty = (id: ObjectiveId) => id.name.slice('predicted-'.length) as PredictableProperty;

type UserObjective = (mol: MoleculeForObjective) => unknown;

/** The objective named on the command line: its stored identity and, for a file, its function. */
function resolveObjective(objective: string): { id: ObjectiveId; fn?: UserObjective } {
  if (objective === 'qed' || objective === 'logp') return { id: { kind: objective, name: objective } };
  if (objective.startsWith('predicted-')) {
    const property = objective.slice('predicted-'.length);
    if (!(PREDICTABLE_PROPERTIES as readonly string[]).includes(property)) throw new UsageError(`${CMD}: --objective ${objective}: expected predicted-qed, predicted-logp, predicted-tpsa or predicted-mw`);
    return { id: { kind: 'predicted', name: objective } };
  }
  if (!isFileObjective(objective)) throw new UsageError(`${CMD}: --objective: expected qed, logp, predicted-NAME or FILE.js, found "${objective}"`);
  const file = checkInputFile(objective, `${CMD}: --objective`);
  if (!fs.existsSync(file)) throw new UsageError(`${CMD}: --objective ${objective}: file not found (expected qed, logp, predicted-NAME or a scoring function FILE.js)`);
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  let mod: unknown;
  try {
    // The user's own code, named by them on the command line (never read from a storage or a checkpoint).
    mod = require(path.resolve(file));
  } catch (e) {
    throw new UsageError(`${objective}: could not load the objective: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  const fn = typeof mod === 'function' ? mod : typeof (mod as { default?: unknown })?.default === 'function' ? (mod as { default: unknown }).default : undefined;
  if (typeof fn !== 'function') {
    throw new UsageError(`${objective}: does not export a function: expected module.exports = (mol) => number, where mol = { smiles, canonical, qed, logp, tpsa, mw }`);
  }
  return { id: { kind: 'file', name: objectiveName(objective), sha256 }, fn: fn as UserObjective };
}

/** A molecule's score: its value, or why it has none (invalid, or the user objective failed on it). */
type Scored =
  | { valid: true; value: number; smiles: string; canonical: string; qed: number; logp: number; tpsa: number; mw: number }
  | { valid: false; smiles: string; canonical?: string; error: string };

async function scoreMolecule(chem: Chemistry, smiles: string, id: ObjectiveId, fn?: UserObjective): Promise<Scored> {
  const d = chem.describe(smiles);
  if (!d.valid) return { valid: false, smiles, error: smiles ? 'not a valid molecule (RDKit cannot parse it)' : 'empty string' };
  const mol = { smiles, canonical: d.canonical!, qed: d.qed!, logp: d.logp!, tpsa: d.tpsa!, mw: d.mw! };
  if (id.kind === 'qed') return { valid: true, value: mol.qed, ...mol };
  if (id.kind === 'logp') return { valid: true, value: mol.logp, ...mol };
  // A predicted property: the molecule's true value (the prediction belongs to z, see latentObjective).
  if (id.kind === 'predicted') return { valid: true, value: mol[predictedProperty(id)], ...mol };
  let v: unknown;
  try {
    v = await fn!({ ...mol });
  } catch (e) {
    return { valid: false, smiles, canonical: mol.canonical, error: `the objective threw: ${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 500)}` };
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return { valid: false, smiles, canonical: mol.canonical, error: `the objective returned ${String(v).slice(0, 100)}, not a finite number` };
  return { valid: true, value: v, ...mol };
}

/**
 * The value an invalid molecule is recorded with: 0 for QED and for a predicted QED, TPSA or
 * weight (their floor), else the worst valid value so far.
 */
function invalidValue(id: ObjectiveId, trials: readonly FrozenTrial[]): number {
  if (id.kind === 'qed' || (id.kind === 'predicted' && predictedProperty(id) !== 'logp')) return 0;
  let worst = Infinity;
  for (const t of trials) if (t.state === 'COMPLETE' && t.userAttrs?.valid === true && typeof t.value === 'number') worst = Math.min(worst, t.value);
  if (worst < Infinity) return worst;
  return id.kind === 'file' ? INVALID_USER : INVALID_LOGP;
}

interface Loaded {
  chem: Chemistry;
  decode: (z: number[]) => string;
  /** For --objective predicted-NAME: the model's prediction of NAME at z. */
  predict?: (z: number[]) => number;
  latentDim: number;
  release: () => void;
}

/** The checkpoint's SMILES model and RDKit, refusing models of images or of other text. */
async function loadModel(o: Options, id: ObjectiveId): Promise<Loaded> {
  checkInputDir(o.checkpoint, `${CMD}: --checkpoint`);
  const { loadChemistry } = await loadMolecules();
  const { readCheckpointMetadata } = await import('@vaekit/core');
  const { loadCheckpointModel, decodeToText, generationLength } = await import('@vaekit/pipelines');
  const tf = await import('@tensorflow/tfjs-core');
  const meta = readCheckpointMetadata(o.checkpoint);
  const modelFile = path.join(o.checkpoint, 'model.json');
  if (meta && typeof meta === 'object' && meta.config && meta.vocab === undefined) {
    throw new UsageError(`${modelFile}: this checkpoint holds a model of vectors or images, not of SMILES strings: ${CMD} needs a text model trained with tokenizer: smiles`);
  }
  const { model, vocab } = await loadCheckpointModel(o.checkpoint);
  const release = () => tf.dispose(model.weights());
  if (!vocab || vocab.tokenizer.kind !== 'smiles') {
    release();
    throw new UsageError(`${modelFile}: this text model was trained with the ${vocab?.tokenizer.kind ?? 'unknown'} tokenizer, not smiles: ${CMD} needs a model of SMILES strings (data.tokenizer: smiles)`);
  }
  let predict: Loaded['predict'];
  if (id.kind === 'predicted') {
    const { propertyNames, predictProperties } = await import('@vaekit/core');
    const names = propertyNames(model);
    const property = predictedProperty(id);
    if (!names || !names.includes(property)) {
      release();
      throw new UsageError(
        names
          ? `${modelFile}: --objective ${o.objective}: this checkpoint's property predictor predicts ${names.join(', ')}, not ${property}`
          : `${modelFile}: --objective ${o.objective}: this checkpoint has no property predictor (train with model.property: { names: [${property}] }); use qed, logp or FILE.js`,
      );
    }
    predict = (z) => {
      const t = tf.tensor2d(z, [1, model.latentDim]);
      try {
        return predictProperties(model, t)[property][0];
      } finally {
        t.dispose();
      }
    };
  }
  const maxLength = generationLength(Number.isSafeInteger(meta.longestSequence) ? meta.longestSequence : 50);
  const d = model.latentDim;
  const decode = (z: number[]) => {
    const t = tf.tensor2d(z, [1, d]);
    try {
      return decodeToText(model, vocab, t, { method: 'greedy', maxLength })[0].replace(/\s+/g, '');
    } finally {
      t.dispose();
    }
  };
  return { chem: await loadChemistry(), decode, predict, latentDim: d, release };
}

/** The study's objective: suggest z, decode it, score the molecule, keep what was made as user attrs. */
function latentObjective(m: Loaded, id: ObjectiveId, fn: UserObjective | undefined, study: Study) {
  return async (trial: Trial): Promise<number> => {
    const z: number[] = [];
    for (let i = 0; i < m.latentDim; i++) z.push(await trial.suggestFloat(`z${i}`, -LATENT_BOUND, LATENT_BOUND));
    const s = await scoreMolecule(m.chem, m.decode(z), id, fn);
    await trial.setUserAttr('smiles', s.smiles);
    await trial.setUserAttr('valid', s.valid);
    if (s.canonical !== undefined) await trial.setUserAttr('canonical', s.canonical);
    if (!s.valid) {
      await trial.setUserAttr('error', s.error);
      return invalidValue(id, await study.refresh());
    }
    for (const k of PREDICTABLE_PROPERTIES) await trial.setUserAttr(k, s[k]);
    if (!m.predict) {
      await trial.setUserAttr('value', s.value);
      return s.value;
    }
    // A predicted property: the study maximises the prediction; the true value is kept beside it.
    const predicted = m.predict(z);
    await trial.setUserAttr('value', predicted);
    await trial.setUserAttr('actual', s.value);
    return predicted;
  };
}

/** Opens the storage and the study, refusing a study made by another command, objective or latent size. */
async function openOptimizeStudy(o: Options, id: ObjectiveId, latentDim: number): Promise<Study> {
  checkSqliteDriver(o.storage);
  const storage: VaekitStorage = await openStorage(o.storage, { defaultSqlitePath: 'studies.db' });
  try {
    const stored = await storage.getStudy(o.study);
    if (stored) {
      const where = `study ${o.study} in ${redactStorageUrl(o.storage)}`;
      const was = stored.attrs?.objective as ObjectiveId | undefined;
      if (stored.attrs?.command !== 'molecules optimize' || !was) {
        throw new ConfigError(`${where} was not made by ${CMD}: give another --study`);
      }
      if (was.kind !== id.kind || was.name !== id.name || was.sha256 !== id.sha256) {
        const shown = (x: ObjectiveId) => (x.kind === 'file' ? `${x.name}.js (sha256 ${x.sha256?.slice(0, 12)}…)` : x.name);
        throw new ConfigError(`${where} maximises ${shown(was)}, and --objective ${o.objective} is ${shown(id)}${was.name === id.name ? ' (the file changed)' : ''}: resume it with the same objective, or give another --study`);
      }
      if (stored.attrs.latentDim !== latentDim) {
        throw new ConfigError(`${where} searches ${stored.attrs.latentDim} latent dimensions, and this checkpoint has ${latentDim}: give another --study`);
      }
    }
  } catch (e) {
    await storage.close();
    throw e;
  }
  // Keyed streams: a trial's random draws depend on the seed and its number only, so worker
  // processes do not repeat each other, and a resumed study does not repeat its first trials.
  const sampler = createSampler(o.sampler === 'tpe' ? { name: 'tpe', seed: o.seed, stream: 'keyed' } : { name: 'random', seed: o.seed }, undefined, '--sampler');
  const attrs = { command: 'molecules optimize', metric: id.name, objective: id, latentDim, bound: LATENT_BOUND, checkpoint: path.resolve(o.checkpoint) };
  return createStudy({ name: o.study, direction: 'maximize', sampler, storage, attrs }).open();
}

export interface TopMolecule {
  smiles: string;
  value: number;
  qed: number;
  logp: number;
  novel: boolean | null;
  trial: number;
  /** For --objective predicted-NAME: the molecule's true NAME beside the predicted value. */
  actual?: number;
}

/** What the command prints last with --json and writes to OUT/top.json. */
export interface OptimizeSummary {
  objective: string;
  study: string;
  /** COMPLETE trials in the study (all runs of it). */
  trials: number;
  /** Of them, those that decoded to a valid molecule scored by the objective. */
  valid: number;
  top: TopMolecule[];
  /** The best molecule of --train for the objective (null without --train). */
  trainBest: { smiles: string; value: number } | null;
}

/** The best valid trials with distinct canonical SMILES, best first (ties: the earlier trial). */
export function topMolecules(trials: readonly FrozenTrial[], n: number, train?: Set<string>): TopMolecule[] {
  const best = new Map<string, FrozenTrial>();
  for (const t of trials) {
    const c = t.userAttrs?.canonical;
    if (t.state !== 'COMPLETE' || t.userAttrs?.valid !== true || typeof c !== 'string' || typeof t.value !== 'number') continue;
    const b = best.get(c);
    if (!b || t.value > b.value! || (t.value === b.value && t.number < b.number)) best.set(c, t);
  }
  return [...best.values()]
    .sort((a, b) => b.value! - a.value! || a.number - b.number)
    .slice(0, n)
    .map((t) => ({
      smiles: t.userAttrs.canonical as string,
      value: t.value!,
      qed: t.userAttrs.qed as number,
      logp: t.userAttrs.logp as number,
      novel: train ? !train.has(t.userAttrs.canonical as string) : null,
      trial: t.number,
      ...(typeof t.userAttrs.actual === 'number' ? { actual: t.userAttrs.actual } : {}),
    }));
}

/** The training molecules' canonical SMILES, and the best of them for the objective. */
async function readTrain(file: string, chem: Chemistry, id: ObjectiveId, fn?: UserObjective) {
  const { forEachSmiles } = await import('@vaekit/pipelines');
  const lines: string[] = [];
  forEachSmiles(file, (s) => void lines.push(s));
  const canonical = new Set<string>();
  let best: { smiles: string; value: number } | null = null;
  for (const s of lines) {
    const r = await scoreMolecule(chem, s, id, fn);
    if (r.canonical !== undefined) canonical.add(r.canonical);
    if (r.valid && (!best || r.value > best.value)) best = { smiles: r.canonical, value: r.value };
  }
  return { canonical, best, n: lines.length };
}

export async function optimize(argv: string[]): Promise<void> {
  const o = parse(argv);
  const { id, fn } = resolveObjective(o.objective);
  if (o.train !== undefined) checkInputFile(o.train, `${CMD}: --train`);
  if (o.out !== undefined) checkOutputPath(o.out, 'dir', `${CMD}: --out`);
  if (o.worker) {
    // The cores shared out among the worker processes, as vaekit search does.
    const { setDefaultThreads, threadsPerWorker } = await import('@vaekit/core');
    setDefaultThreads(threadsPerWorker(o.workers));
  }
  const m = await loadModel(o, id);
  try {
    if (o.worker) {
      const study = await openOptimizeStudy(o, id, m.latentDim);
      try {
        await study.optimize(latentObjective(m, id, fn, study), { nTrials: o.trials, workers: 1, onTrialEnd: reportTrial });
      } finally {
        await study.close();
      }
      return;
    }
    await run(o, id, fn, m);
  } finally {
    m.release();
  }
}

const num = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '-' : x.toFixed(d));

async function run(o: Options, id: ObjectiveId, fn: UserObjective | undefined, m: Loaded): Promise<void> {
  const t0 = Date.now();
  const train = o.train === undefined ? undefined : await readTrain(o.train, m.chem, id, fn);
  if (train) process.stderr.write(`scored the ${train.n} molecules of ${o.train} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  const study = await openOptimizeStudy(o, id, m.latentDim);
  let summary: OptimizeSummary;
  try {
    const finished = () => study.trials.filter((t) => t.state === 'COMPLETE').length;
    process.stderr.write(
      `vaekit: study ${o.study} (${o.sampler} sampler, maximize ${id.name} over ${m.latentDim} latent dimensions in [-${LATENT_BOUND}, ${LATENT_BOUND}]) in ${redactStorageUrl(o.storage)}: ` +
        `${finished()} of ${o.trials} trials finished, ${o.workers} worker${o.workers > 1 ? 's' : ''}\n`,
    );
    // The best valid value so far, earlier runs of the study included.
    let best = study.trials.reduce((b, t) => (t.state === 'COMPLETE' && t.userAttrs?.valid === true ? Math.max(b, t.value!) : b), -Infinity);
    const onEnd = async (t: FrozenTrial) => {
      if (t.state === 'COMPLETE' && t.userAttrs?.valid === true) best = Math.max(best, t.value!);
      const what = t.state !== 'COMPLETE' ? `${t.state} ${t.error ?? ''}` : `${num(t.value)}  ${t.userAttrs?.valid ? t.userAttrs.canonical : `invalid: ${t.userAttrs?.smiles || '(empty)'}`}`;
      process.stderr.write(`trial ${t.number}  ${what}${best > -Infinity ? `   best ${num(best)}` : ''}\n`);
    };
    const t1 = Date.now();
    const before = finished();
    if (o.workers <= 1) await study.optimize(latentObjective(m, id, fn, study), { nTrials: o.trials, workers: 1, onTrialEnd: onEnd });
    else {
      const args = ['molecules', 'optimize', '--worker', '--checkpoint', path.resolve(o.checkpoint), '--objective', isFileObjective(o.objective) ? path.resolve(o.objective) : o.objective];
      args.push('--trials', String(o.trials), '--sampler', o.sampler, '--storage', o.storage, '--study', o.study, '--workers', String(o.workers), '--seed', String(o.seed));
      await runWorkerProcesses(args, o.workers, onEnd, process.stderr);
    }
    const trials = await study.refresh();
    const done = trials.filter((t) => t.state === 'COMPLETE');
    const valid = done.filter((t) => t.userAttrs?.valid === true).length;
    process.stderr.write(`ran ${done.length - before} trials in ${((Date.now() - t1) / 1000).toFixed(1)} s; the study holds ${done.length}, ${valid} of them valid molecules\n`);
    summary = {
      objective: id.name,
      study: o.study,
      trials: done.length,
      valid,
      top: topMolecules(trials, o.top, train?.canonical),
      trainBest: train ? train.best : null,
    };
  } finally {
    await study.close();
  }
  if (o.out !== undefined) await writeOut(o.out, summary, m.chem);
  if (o.json) {
    process.stdout.write(JSON.stringify(summary) + '\n');
    return;
  }
  const lines = [`${summary.trials} trials, ${summary.valid} valid molecules; the best ${summary.top.length} distinct ones (maximize ${id.name}):`];
  // A predicted property: its true value beside the prediction.
  const actual = id.kind === 'predicted';
  lines.push(`${'rank'.padStart(4)}  ${'trial'.padStart(5)}  ${id.name.padStart(8)}  ${actual ? `${'actual'.padStart(8)}  ` : ''}${'QED'.padStart(5)}  ${'logP'.padStart(6)}  novel  SMILES`);
  summary.top.forEach((t, i) =>
    lines.push(
      `${String(i + 1).padStart(4)}  ${String(t.trial).padStart(5)}  ${num(t.value).padStart(8)}  ${actual ? `${num(t.actual).padStart(8)}  ` : ''}${num(t.qed).padStart(5)}  ${num(t.logp, 2).padStart(6)}  ${(t.novel === null ? '-' : t.novel ? 'yes' : 'no').padEnd(5)}  ${t.smiles}`,
    ),
  );
  if (train) lines.push(train.best ? `training set best (${o.train}, ${train.n} molecules): ${actual ? `${predictedProperty(id)} ` : ''}${num(train.best.value)}  ${train.best.smiles}` : `training set (${o.train}): no valid molecule to score`);
  if (o.out !== undefined) lines.push(`wrote ${path.join(o.out, 'top.smi')}, top.json and top.svg`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** OUT/top.smi (one SMILES a line, best first), top.json (the summary) and top.svg (their drawings). */
async function writeOut(out: string, summary: OptimizeSummary, chem: Chemistry): Promise<void> {
  const { moleculeGridSvgWith } = await loadMolecules();
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'top.smi'), summary.top.map((t) => t.smiles + '\n').join(''));
  fs.writeFileSync(path.join(out, 'top.json'), JSON.stringify(summary, null, 2) + '\n');
  const cells = summary.top.map((t, i) => ({ smiles: t.smiles, legend: `${i + 1}. ${summary.objective} ${t.value.toFixed(3)}` }));
  fs.writeFileSync(path.join(out, 'top.svg'), moleculeGridSvgWith(chem.rdkit, cells, { max: Math.min(1000, cells.length) }));
}
