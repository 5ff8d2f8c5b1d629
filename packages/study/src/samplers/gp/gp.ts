/**
 * Gaussian-process Bayesian optimisation (after Optuna's GPSampler and BoTorch's defaults).
 *
 * - Relative: the parameters every COMPLETE trial shares with one same distribution are drawn
 *   jointly; any other parameter is drawn on its own from a one-dimensional scrambled Sobol
 *   sequence (a stratified random draw).
 * - Until `nStartupTrials` trials are COMPLETE, the joint draw is trial n's point of the scrambled
 *   Sobol sequence (the qmc sampler's).
 * - Then: inputs in [0, 1] (space.ts), the objective's COMPLETE values standardised (and negated
 *   when minimising, so the GP always maximises), a Matérn 5/2 ARD kernel fitted by maximum a
 *   posteriori (fit.ts), and the point maximising log EI (acquisition.ts, optimizeAcqf.ts).
 * - As Optuna's GPSampler, only COMPLETE trials are observations: PRUNED and FAILED ones are left
 *   out. RUNNING trials of other workers that hold every parameter are added at the posterior
 *   mean of their point ("kriging believer"): that leaves the mean unchanged but removes the
 *   uncertainty there, so concurrent workers do not suggest the same point. Earlier RUNNING trials
 *   that have not drawn yet (their workers are asking at this moment) get the suggestion they will
 *   compute, which is then pending in the same way.
 * - Everything random (the candidates' scramble) is keyed by the seed and the trial number: a
 *   suggestion is a pure function of the seed, the trial number and the study's trials.
 */
import type { Distribution, ParamValue } from '../../types';
import type { Sampler, SamplerContext, SearchSpace } from '../sampler';
import { isSingle, singleValue, validateDistribution } from '../distributions';
import { randomSeed } from '../rng';
import { completeIntersectionSpace, QMCSampler } from '../qmc/qmc';
import { fitKernelParams, MIN_NOISE } from './fit';
import type { KernelParams } from './kernel';
import { GaussianProcess } from './model';
import { maximizeLogEI } from './optimizeAcqf';
import { EncodedSpace } from './space';

export interface GPSamplerOptions {
  seed?: number;
  /** Trials drawn from the scrambled Sobol sequence until this many are COMPLETE. Default 10. */
  nStartupTrials?: number;
  /** Quasi-random candidates scored per suggestion before the best are refined. Default 2048. */
  nCandidates?: number;
  /** Candidates refined by gradient ascent and local search. Default 10. */
  nRefine?: number;
  /** The objective has no noise: the noise variance is held at its minimum (1e-6) instead of fitted. Default false. */
  deterministicObjective?: boolean;
}

/** Running trials without parameters whose suggestions are worked out and counted as pending (the latest ones). */
const MAX_SIMULATED = 4;

export class GPSampler implements Sampler {
  readonly name = 'gp';
  readonly singleObjective = true;
  readonly seed: number;
  readonly nStartupTrials: number;
  readonly nCandidates: number;
  readonly nRefine: number;
  readonly deterministicObjective: boolean;
  private readonly qmc: QMCSampler;

  constructor(o: GPSamplerOptions = {}) {
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) {
      throw new TypeError(`GPSampler: seed must be a finite number, got ${String(o.seed)}`);
    }
    this.seed = o.seed ?? randomSeed();
    this.nStartupTrials = intOption('nStartupTrials', o.nStartupTrials, 10, 0);
    this.nCandidates = intOption('nCandidates', o.nCandidates, 2048, 1);
    this.nRefine = intOption('nRefine', o.nRefine, 10, 0);
    if (o.deterministicObjective !== undefined && typeof o.deterministicObjective !== 'boolean') {
      throw new TypeError(`GPSampler: deterministicObjective must be true or false, got ${String(o.deterministicObjective)}`);
    }
    this.deterministicObjective = o.deterministicObjective ?? false;
    this.qmc = new QMCSampler({ seed: this.seed });
  }

  inferRelativeSearchSpace(ctx: SamplerContext): SearchSpace {
    const directions = (ctx as { directions?: unknown[] }).directions;
    if (Array.isArray(directions) && directions.length > 1) {
      throw new Error('the gp sampler optimises one objective; this study has several directions');
    }
    return completeIntersectionSpace(ctx.trials, ctx.trialNumber);
  }

  sampleRelative(ctx: SamplerContext, space: SearchSpace): Record<string, ParamValue> {
    if (Object.keys(space).length === 0) return {};
    const enc = new EncodedSpace(space);
    const observed: Array<{ x: Float64Array; loss: number }> = [];
    const pending: Float64Array[] = [];
    const undrawn: number[] = [];
    const sign = ctx.direction === 'maximize' ? -1 : 1;
    for (const t of ctx.trials) {
      if (t.number === ctx.trialNumber) continue;
      if (t.state === 'COMPLETE' && typeof t.value === 'number' && Number.isFinite(t.value)) {
        const x = enc.encode(t.params ?? {});
        if (x) observed.push({ x, loss: sign * t.value });
      } else if (t.state === 'RUNNING') {
        const x = enc.encode(t.params ?? {});
        if (x) pending.push(x);
        else if (t.number < ctx.trialNumber && !enc.names.some((n) => n in (t.params ?? {}))) undrawn.push(t.number);
      }
    }
    if (observed.length < Math.max(this.nStartupTrials, 1)) return this.qmc.jointPoint(space, ctx.trialNumber);
    // Earlier trials that are running but have drawn nothing yet are being sampled right now, by other
    // workers, from (very likely) these same trials. A suggestion is a pure function of them, so
    // compute theirs and count them as pending: two workers asking at once do not pick one point.
    // Oldest first, each seeing the ones before it as pending, as its own worker does.
    for (const m of undrawn.sort((a, b) => a - b).slice(-MAX_SIMULATED)) pending.push(this.suggest(enc, observed, pending.slice(), m));
    const x = this.suggest(enc, observed, pending, ctx.trialNumber);
    return enc.decode(x);
  }

  /** The input maximising log EI given the observations (losses, lower is better) and the pending inputs. */
  suggest(enc: EncodedSpace, observed: Array<{ x: Float64Array; loss: number }>, pending: Float64Array[], trialNumber: number): Float64Array {
    const X = observed.map((o) => o.x);
    const f = standardizedNegated(observed.map((o) => o.loss));
    const params = this.fit(X, f, enc.categorical);
    let gp = new GaussianProcess(X, f, params, enc.categorical);
    if (pending.length > 0) {
      const believed = pending.map((x) => gp.predict(x).mean);
      gp = new GaussianProcess([...X, ...pending], Float64Array.from([...f, ...believed]), params, enc.categorical);
    }
    let best = -Infinity;
    let bestIndex = 0;
    f.forEach((v, i) => {
      if (v > best) {
        best = v;
        bestIndex = i;
      }
    });
    // A point already tried (a range's end, a discrete value) is not suggested again: with a fitted
    // noise level the GP may find its EI highest there, but the trial would tell little.
    const exclude = new Set([...X, ...pending].map((x) => JSON.stringify(enc.decode(x))));
    return maximizeLogEI(gp, best, enc, {
      nCandidates: this.nCandidates,
      nRefine: this.nRefine,
      seed: this.seed,
      key: `gp-candidates:${trialNumber}`,
      starts: [X[bestIndex]],
      exclude,
    }).x;
  }

  private fit(X: Float64Array[], f: Float64Array, categorical: boolean[]): KernelParams {
    const p = fitKernelParams(X, f, categorical, { fixedNoise: this.deterministicObjective ? MIN_NOISE : undefined });
    return p;
  }

  sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
    validateDistribution(dist, name);
    if (isSingle(dist)) return singleValue(dist);
    return this.qmc.sampleIndependent(ctx, name, dist);
  }
}

/** −(v − mean)/std: the GP maximises, and sees values of unit scale (std 1 when all are equal). */
function standardizedNegated(values: number[]): Float64Array {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const std = variance > 0 ? Math.sqrt(variance) : 1;
  return Float64Array.from(values, (v) => -(v - mean) / std);
}

function intOption(name: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new TypeError(`GPSampler: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}
