/**
 * Quasi-Monte Carlo sampling: trial n takes point n of a (scrambled) Sobol sequence, mapped into
 * each distribution (unitCube.ts). The point depends only on the seed and the trial number, so
 * concurrent workers never take the same point and a resumed study continues the sequence.
 *
 * The parameters every COMPLETE trial shares with one same distribution are drawn jointly, one
 * Sobol dimension each in the order of their names. Any other parameter (all of them in the
 * study's first trials, before one has completed) is drawn from its own one-dimensional scrambled
 * sequence, keyed by its name: still stratified per parameter, but not jointly.
 */
import type { Distribution, FrozenTrial, ParamValue } from '../../types';
import type { Sampler, SamplerContext, SearchSpace } from '../sampler';
import { isSingle, sameDistribution, singleValue, validateDistribution } from '../distributions';
import { hash128, randomSeed } from '../rng';
import { MAX_SOBOL_DIMENSION } from './directionNumbers';
import { SobolSequence } from './sobol';
import { fromUnit } from './unitCube';

export interface QMCSamplerOptions {
  seed?: number;
  /** Scramble the sequence (linear matrix scramble and digital shift, as SciPy). Default true. */
  scramble?: boolean;
}

/**
 * The parameters present, with one same distribution, in every COMPLETE trial other than
 * `exclude` (single-valued ones left out); empty when no trial is COMPLETE.
 */
export function completeIntersectionSpace(trials: FrozenTrial[], exclude?: number): SearchSpace {
  let space: SearchSpace | undefined;
  for (const t of trials) {
    if (t.state !== 'COMPLETE' || t.number === exclude) continue;
    if (space === undefined) {
      space = {};
      for (const [n, d] of Object.entries(t.distributions ?? {})) if (n in (t.params ?? {})) space[n] = d;
      continue;
    }
    for (const [n, d] of Object.entries(space)) {
      const other = t.distributions?.[n];
      if (!other || !(n in (t.params ?? {})) || !sameDistribution(d, other)) delete space[n];
    }
  }
  const out: SearchSpace = {};
  for (const n of Object.keys(space ?? {}).sort()) if (!isSingle(space![n])) out[n] = space![n];
  return out;
}

export class QMCSampler implements Sampler {
  readonly name = 'qmc';
  readonly seed: number;
  readonly scramble: boolean;
  /** Sequences by their parameter names (a cache: they are pure functions of the seed and names). */
  private readonly sequences = new Map<string, SobolSequence>();

  constructor(o: QMCSamplerOptions = {}) {
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) {
      throw new TypeError(`QMCSampler: seed must be a finite number, got ${String(o.seed)}`);
    }
    if (o.scramble !== undefined && typeof o.scramble !== 'boolean') {
      throw new TypeError(`QMCSampler: scramble must be true or false, got ${String(o.scramble)}`);
    }
    this.seed = o.seed ?? randomSeed();
    this.scramble = o.scramble ?? true;
  }

  inferRelativeSearchSpace(ctx: SamplerContext): SearchSpace {
    const space = completeIntersectionSpace(ctx.trials, ctx.trialNumber);
    // Beyond the table's dimensions, the remaining parameters are drawn on their own.
    const names = Object.keys(space).slice(0, MAX_SOBOL_DIMENSION);
    return Object.fromEntries(names.map((n) => [n, space[n]]));
  }

  sampleRelative(ctx: SamplerContext, space: SearchSpace): Record<string, ParamValue> {
    return this.jointPoint(space, ctx.trialNumber);
  }

  /** Point `n` of the joint sequence of `space`'s parameters (sorted by name), mapped into their distributions. */
  jointPoint(space: SearchSpace, n: number): Record<string, ParamValue> {
    const names = Object.keys(space).sort();
    if (names.length === 0) return {};
    const key = JSON.stringify(names);
    let seq = this.sequences.get(key);
    if (!seq) {
      seq = new SobolSequence(names.length, { scramble: this.scramble, seed: this.seed, key: 'joint' });
      if (this.sequences.size > 64) this.sequences.clear();
      this.sequences.set(key, seq);
    }
    const u = seq.point(this.index(n));
    const out: Record<string, ParamValue> = {};
    names.forEach((name, j) => (out[name] = fromUnit(space[name], u[j])));
    return out;
  }

  sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
    validateDistribution(dist, name);
    if (isSingle(dist)) return singleValue(dist);
    return fromUnit(dist, this.independentUnit(name, ctx.trialNumber));
  }

  /** Trial n's coordinate of parameter `name` from its own one-dimensional sequence. */
  independentUnit(name: string, n: number): number {
    // Scrambled: dimension 0 with a scramble keyed by the name. Unscrambled: a dimension chosen by
    // the name's hash, so that two parameters do not get the same values.
    const seq = this.scramble
      ? new SobolSequence(1, { seed: this.seed, key: `independent:${name}` })
      : new SobolSequence(1, { scramble: false, dimensions: [hash128(name)[0] % MAX_SOBOL_DIMENSION] });
    return seq.point(this.index(n))[0];
  }

  /** Unscrambled, point 0 is the all-zeros corner (every parameter at its low end): it is skipped. */
  private index(trialNumber: number): number {
    return this.scramble ? trialNumber : trialNumber + 1;
  }
}
