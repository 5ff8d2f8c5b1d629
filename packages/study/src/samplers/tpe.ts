/**
 * Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011), with Optuna 3.1's choices:
 *
 * - Finished trials (COMPLETE, and PRUNED ranked after every COMPLETE one: deeper pruned trials
 *   first, then by their last intermediate value) are sorted by loss; the best gamma(n) form the
 *   "below" group, the rest "above". With the constant liar, RUNNING trials of other workers join
 *   "above" as if they had the worst loss, so parallel workers spread out. Each group keeps only
 *   the trials that have the parameter, in chronological order.
 * - l(x) and g(x) are Parzen estimators of the two groups (see parzen.ts): truncated normals with
 *   the neighbour-gap bandwidth, the "magic clip" floor, a prior component and recency weights.
 * - nEiCandidates draws from l(x); the one maximising log l(x) − log g(x) is suggested.
 * - With several directions (multi-objective TPE, see motpe.ts) only COMPLETE trials take part;
 *   "below" is chosen by non-domination rank and hypervolume, and weighted by hypervolume
 *   contribution.
 * - Until nStartupTrials trials have finished, parameters are drawn uniformly (as Optuna's
 *   RandomSampler does with the numpy stream, from the RandomSampler's stream with keyed streams).
 * - Univariate (the default), every parameter is drawn on its own by `sampleIndependent`. With
 *   `multivariate: true`, `inferRelativeSearchSpace` returns the parameters every finished trial
 *   shares with one same distribution and `sampleRelative` draws them jointly, once per trial, from
 *   multivariate Parzen estimators; the parameters outside that space are drawn on their own.
 *
 * Random numbers come from one numpy-compatible sequence per sampler (default: Optuna's draws, see
 * numpyStream.ts) or, with `stream: 'keyed'`, from a stream seeded by (seed, trial number,
 * parameter name), which makes a suggestion a pure function of the seed, the trial number and the
 * study's trials.
 *
 * Like Optuna 3.1, continuous kernels are scored by φ((x − μ)/σ)/Z without the 1/σ factor of a
 * normalised density (optuna/optuna#5109; Optuna 3.5 changed it). It is what Optuna 3.1 does and,
 * on bench/tpe, it does as well as or better than the normalised density (Branin median best over
 * 200 seeds: 0.430 vs 0.444; Optuna 3.1 itself: 0.428). `normalizedKernels: true` switches.
 */
import type { Direction, Distribution, FrozenTrial, ParamValue } from '../types';
import type { Sampler, SamplerContext, SearchSpace } from './sampler';
import { isSingle, sameDistribution, singleValue, toExternal, toInternal, validateDistribution } from './distributions';
import { defaultWeights, ParzenEstimator, type ParzenOptions } from './parzen';
import { RandomSampler } from './random';
import { NumpyRandomState, numpyArgsort, sampleUniformNumpy } from './numpyStream';
import { KeyedStream, randomSeed, type RandomStream } from './rng';
import { belowWeights, splitByDominance } from './motpe';

/** Optuna's default: the best 10% of finished trials, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Hyperopt's rule, for reference: ceil(sqrt(n)/4), at most 25. */
export function hyperoptGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

export interface TPESamplerOptions {
  seed?: number;
  /** Random sampling until this many trials are COMPLETE or PRUNED. Default 10. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per suggestion. Default 24. */
  nEiCandidates?: number;
  /** Size of the "below" group for n finished trials. Default min(ceil(0.1 n), 25). */
  gamma?: (n: number) => number;
  /** Weights of n observations, oldest first. Default: flat for the 25 most recent, ramp for older. */
  weights?: (n: number) => number[];
  /** Weight of the prior component. Default 1. */
  priorWeight?: number;
  considerPrior?: boolean;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  /** Sample the parameters every finished trial shares jointly (multivariate TPE). Default false. */
  multivariate?: boolean;
  /** Count other workers' RUNNING trials as the worst observations. Default true. */
  constantLiar?: boolean;
  /** Score continuous kernels with the normalised density (Optuna >= 3.5) instead of Optuna 3.1's. Default false. */
  normalizedKernels?: boolean;
  /**
   * Where random numbers come from.
   * - `numpy` (default): one sequential numpy RandomState per sampler, drawn from exactly as Optuna
   *   3.1's TPESampler and RandomSampler draw, so a study run in one process suggests Optuna's trials
   *   for the same seed (bench/tpe: 120 of 120 problem-seed pairs end on Optuna's best value). Like
   *   Optuna's, the sequence belongs to the process: separate processes with one seed repeat each
   *   other's start-up trials, and a resumed study starts the sequence again.
   * - `keyed`: a stream per (seed, trial number, parameter), so trial k's random draws are the same
   *   whatever the number of worker processes or machines, and after a resume. `vaekit search`
   *   chooses it for worker processes and PostgreSQL-shared studies unless the config says otherwise.
   */
  stream?: 'keyed' | 'numpy';
}

/** The option names TPESampler understands (used by the factory to reject typos). */
export const TPE_OPTION_NAMES: ReadonlyArray<keyof TPESamplerOptions> = [
  'seed',
  'nStartupTrials',
  'nEiCandidates',
  'gamma',
  'weights',
  'priorWeight',
  'considerPrior',
  'considerMagicClip',
  'considerEndpoints',
  'multivariate',
  'constantLiar',
  'normalizedKernels',
  'stream',
];

/** A trial's rank key: lexicographic (stage, loss), smaller is better. */
type Score = readonly [number, number];

interface Observation {
  trial: FrozenTrial;
  score: Score;
  running: boolean;
  /** Multi-objective studies: the values as losses to minimise. */
  losses?: number[];
}

/** The two groups, and the below group's kernel weights when they are not the recency weights. */
interface Split {
  below: FrozenTrial[];
  above: FrozenTrial[];
  belowWeights?: number[];
}

export class TPESampler implements Sampler {
  readonly name = 'tpe';
  readonly seed: number;
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly multivariate: boolean;
  readonly constantLiar: boolean;
  private readonly gamma: (n: number) => number;
  private readonly parzen: ParzenOptions;
  private readonly random: RandomSampler;
  readonly stream: 'keyed' | 'numpy';
  /** With stream 'numpy': the TPE draws and the start-up (random) draws, as Optuna's two RandomStates. */
  private readonly numpy?: { tpe: NumpyRandomState; startup: NumpyRandomState };

  constructor(options: TPESamplerOptions = {}) {
    const o = options;
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) {
      throw new TypeError(`TPESampler: seed must be a finite number, got ${String(o.seed)}`);
    }
    this.seed = o.seed ?? randomSeed();
    this.nStartupTrials = intOption('nStartupTrials', o.nStartupTrials, 10, 0);
    this.nEiCandidates = intOption('nEiCandidates', o.nEiCandidates, 24, 1);
    this.gamma = fnOption('gamma', o.gamma, defaultGamma);
    const priorWeight = o.priorWeight ?? 1;
    if (typeof priorWeight !== 'number' || !Number.isFinite(priorWeight) || priorWeight <= 0) {
      throw new TypeError(`TPESampler: priorWeight must be a positive number, got ${String(priorWeight)}`);
    }
    this.multivariate = boolOption('multivariate', o.multivariate, false);
    this.constantLiar = boolOption('constantLiar', o.constantLiar, true);
    this.parzen = {
      considerPrior: boolOption('considerPrior', o.considerPrior, true),
      priorWeight,
      considerMagicClip: boolOption('considerMagicClip', o.considerMagicClip, true),
      considerEndpoints: boolOption('considerEndpoints', o.considerEndpoints, false),
      weights: fnOption('weights', o.weights, defaultWeights),
      multivariate: false,
      normalizedKernels: boolOption('normalizedKernels', o.normalizedKernels, false),
    };
    this.random = new RandomSampler(this.seed);
    if (o.stream !== undefined && o.stream !== 'keyed' && o.stream !== 'numpy') {
      throw new TypeError(`TPESampler: stream must be 'keyed' or 'numpy', got ${String(o.stream)}`);
    }
    this.stream = o.stream ?? 'numpy';
    if (this.stream === 'numpy') {
      this.numpy = { tpe: new NumpyRandomState(this.seed), startup: new NumpyRandomState(this.seed) };
      this.parzen.argsort = (values) => numpyArgsort(values, (a, b) => a < b);
      this.parzen.numpy = true;
    }
  }

  /**
   * Multivariate TPE: the parameters every finished trial has with one same distribution (single
   * values left out). Univariate: none.
   */
  inferRelativeSearchSpace(ctx: SamplerContext): SearchSpace {
    if (!this.multivariate) return {};
    return intersectionSpace(
      this.observations(ctx)
        .filter((h) => !h.running)
        .map((h) => h.trial),
    );
  }

  /** Multivariate TPE: one joint draw of `space`, once start-up is over (until then: nothing, every parameter is drawn at random). */
  sampleRelative(ctx: SamplerContext, space: SearchSpace): Record<string, ParamValue> {
    const names = Object.keys(space).sort();
    if (names.length === 0) return {};
    const history = this.observations(ctx);
    const nFinished = history.filter((h) => !h.running).length;
    if (nFinished < this.nStartupTrials) return {};
    const split = this.split(history, nFinished);
    const dists = names.map((n) => space[n]);
    const rng = this.numpy?.tpe ?? KeyedStream.fromKey('tpe-relative', this.seed, ctx.trialNumber);
    const values = this.propose(dists, split, names, rng, { ...this.parzen, multivariate: true });
    const out: Record<string, ParamValue> = {};
    names.forEach((n, i) => (out[n] = values[i]));
    return out;
  }

  /** One parameter on its own: at random during start-up, then by l(x)/g(x) over the trials that have it. */
  sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
    validateDistribution(dist, name);
    if (isSingle(dist)) return singleValue(dist);
    const history = this.observations(ctx);
    const nFinished = history.filter((h) => !h.running).length;
    if (nFinished < this.nStartupTrials) {
      return this.numpy ? sampleUniformNumpy(dist, this.numpy.startup) : this.random.sampleIndependent(ctx, name, dist);
    }
    const split = this.split(history, nFinished);
    const rng = this.numpy?.tpe ?? KeyedStream.fromKey('tpe', this.seed, ctx.trialNumber, name);
    return this.propose([dist], split, [name], rng, this.parzen)[0];
  }

  /** Below and above: by rank key (one objective), or by dominance and hypervolume (several). */
  private split(history: Observation[], nFinished: number): Split {
    const nBelow = this.nBelow(nFinished);
    if (!history.some((h) => h.losses)) {
      const [below, above] = splitObservations(history, nBelow);
      return { below, above };
    }
    const losses = history.map((h) => h.losses as number[]);
    const { below, above } = splitByDominance(losses, nBelow);
    return {
      below: below.map((i) => history[i].trial),
      above: above.map((i) => history[i].trial),
      belowWeights: belowWeights(below.map((i) => losses[i])),
    };
  }

  /** Finished trials (and, with the constant liar, other RUNNING trials), oldest first, with their rank keys. */
  private observations(ctx: SamplerContext): Observation[] {
    const directions = ctx.directions ?? [ctx.direction];
    const out: Observation[] = [];
    const trials = [...ctx.trials].sort((a, b) => a.number - b.number);
    if (directions.length > 1) {
      // Multi-objective: COMPLETE trials with a value per direction only (as Optuna 3.1).
      const signs = directions.map(directionSign);
      for (const trial of trials) {
        if (trial.number === ctx.trialNumber || trial.state !== 'COMPLETE') continue;
        const values = trial.values;
        if (!values || values.length !== signs.length || values.some((v) => typeof v !== 'number' || Number.isNaN(v))) continue;
        out.push({ trial, score: [-Infinity, 0], running: false, losses: values.map((v, k) => signs[k] * v) });
      }
      return out;
    }
    const sign = directionSign(directions[0]);
    for (const trial of trials) {
      if (trial.number === ctx.trialNumber) continue;
      const score = scoreOf(trial, sign, this.constantLiar);
      if (score) out.push({ trial, score, running: trial.state === 'RUNNING' });
    }
    return out;
  }

  private nBelow(nFinished: number): number {
    const g = this.gamma(nFinished);
    if (typeof g !== 'number' || !Number.isFinite(g) || g < 0) {
      throw new Error(`TPESampler: gamma(${nFinished}) must return a non-negative number, got ${String(g)}`);
    }
    return Math.floor(g);
  }

  /** Fits l and g on the groups, draws candidates from l and returns the best by log l − log g. */
  private propose(dists: Distribution[], split: Split, names: string[], rng: RandomStream, parzen: ParzenOptions): ParamValue[] {
    const below = internalValues(split.below, names, dists);
    const weights = split.belowWeights && below.kept.map((i) => split.belowWeights![i]);
    const l = new ParzenEstimator(dists, below.values, parzen, weights);
    const g = new ParzenEstimator(dists, internalValues(split.above, names, dists).values, parzen);
    const candidates = l.sample(rng, this.nEiCandidates);
    const logL = l.logPdf(candidates);
    const logG = g.logPdf(candidates);
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < logL.length; i++) {
      const s = logL[i] - logG[i];
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return dists.map((d, p) => toExternal(d, candidates[p][best]));
  }

}

function directionSign(direction: Direction): 1 | -1 {
  if (direction === 'minimize') return 1;
  if (direction === 'maximize') return -1;
  throw new Error(`TPESampler: unknown direction ${JSON.stringify(direction)}`);
}

/** Intermediate values as [step, value] pairs. */
function intermediateEntries(trial: FrozenTrial): Array<[number, number]> {
  return Object.entries(trial.intermediate ?? {}).map(([s, v]) => [Number(s), v]);
}

/**
 * Rank key of a trial (lexicographic, smaller is better), or undefined when it does not take part:
 * COMPLETE → (−∞, loss); PRUNED → (−last step, loss at that step), so deeper pruned trials rank
 * better, and (1, 0) when it reported nothing; RUNNING (constant liar) → (∞, ∞). loss = sign·value.
 */
function scoreOf(trial: FrozenTrial, sign: number, constantLiar: boolean): Score | undefined {
  switch (trial.state) {
    case 'COMPLETE':
      if (typeof trial.value !== 'number' || Number.isNaN(trial.value)) return undefined;
      return [-Infinity, sign * trial.value];
    case 'PRUNED': {
      const entries = intermediateEntries(trial);
      if (entries.length === 0) return [1, 0];
      const [step, value] = entries.reduce((a, b) => (b[0] > a[0] ? b : a));
      return [-step, Number.isNaN(value) ? Infinity : sign * value];
    }
    case 'RUNNING':
      return constantLiar ? [Infinity, Infinity] : undefined;
    default:
      return undefined;
  }
}

function compareScores(a: Score, b: Score): number {
  for (let i = 0; i < 2; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/** The nBelow best observations and the rest, each in chronological order; ties go to the earlier trial (a stable sort, as Optuna's). */
function splitObservations(history: Observation[], nBelow: number): [FrozenTrial[], FrozenTrial[]] {
  const ranked = history.map((_, i) => i).sort((a, b) => compareScores(history[a].score, history[b].score) || a - b);
  const isBelow = new Array<boolean>(history.length).fill(false);
  ranked.slice(0, nBelow).forEach((i) => (isBelow[i] = true));
  const below: FrozenTrial[] = [];
  const above: FrozenTrial[] = [];
  history.forEach((h, i) => (isBelow[i] ? below : above).push(h.trial));
  return [below, above];
}

/** values[p][i] for the trials that have every parameter with a value its distribution contains, and those trials' positions. */
function internalValues(trials: FrozenTrial[], names: string[], dists: Distribution[]): { values: number[][]; kept: number[] } {
  const values: number[][] = names.map(() => []);
  const kept: number[] = [];
  trials.forEach((t, i) => {
    const row = names.map((n, p) => toInternal(dists[p], t.params?.[n]));
    if (row.some((v) => v === undefined)) return;
    row.forEach((v, p) => values[p].push(v as number));
    kept.push(i);
  });
  return { values, kept };
}

/** Parameters present in every trial with one same distribution, excluding single-valued ones. */
function intersectionSpace(trials: FrozenTrial[]): Record<string, Distribution> {
  if (trials.length === 0) return {};
  let space: Record<string, Distribution> = { ...(trials[0].distributions ?? {}) };
  for (const t of trials.slice(1)) {
    const next: Record<string, Distribution> = {};
    for (const [n, d] of Object.entries(space)) {
      const other = t.distributions?.[n];
      if (other && n in (t.params ?? {}) && sameDistribution(d, other)) next[n] = d;
    }
    space = next;
  }
  for (const [n, d] of Object.entries(space)) if (isSingle(d) || !(n in (trials[0].params ?? {}))) delete space[n];
  return space;
}

function intOption(name: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new TypeError(`TPESampler: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

function boolOption(name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new TypeError(`TPESampler: ${name} must be true or false, got ${String(v)}`);
  return v;
}

function fnOption<F>(name: string, v: unknown, dflt: F): F {
  if (v === undefined) return dflt;
  if (typeof v !== 'function') throw new TypeError(`TPESampler: ${name} must be a function, got ${typeof v}`);
  return v as F;
}
