/**
 * Grid search. The grid is the cartesian product of the listed values, enumerated in a fixed order
 * (parameter names sorted, the last name varying fastest), optionally permuted by a seed. The
 * sampler claims a point for each new trial in `beforeTrial`: the first point no live trial holds,
 * through the storage's transactional `createTrial({ claimKey: String(index), params })`, so two
 * workers never evaluate the same point, and a point whose trial failed is claimed again. The
 * trial is created with the point's values fixed; when every point is held the grid is exhausted.
 */
import type { Distribution, FrozenTrial, ParamValue } from '../types';
import type { BeforeTrialContext, Sampler, SamplerContext, TrialClaim } from './sampler';
import { contains, validateDistribution } from './distributions';
import { KeyedStream } from './rng';

export type GridSearchSpace = Record<string, ParamValue[]>;

export class GridSampler implements Sampler {
  readonly name = 'grid';
  /** Parameter names in enumeration order (sorted). */
  readonly paramNames: readonly string[];
  /** Number of points in the grid. */
  readonly size: number;
  readonly seed?: number;
  private readonly values: ParamValue[][];
  private permutation?: Uint32Array;

  constructor(searchSpace: GridSearchSpace, seed?: number) {
    if (searchSpace === null || typeof searchSpace !== 'object' || Array.isArray(searchSpace)) {
      throw new TypeError('GridSampler: the search space must be an object mapping parameter names to arrays of values');
    }
    const names = Object.keys(searchSpace).sort();
    if (names.length === 0) throw new Error('GridSampler: the search space has no parameters');
    let size = 1;
    for (const name of names) {
      const vals = searchSpace[name];
      if (!Array.isArray(vals) || vals.length === 0) {
        throw new Error(`GridSampler: parameter "${name}" needs a non-empty array of values`);
      }
      if (new Set(vals).size !== vals.length) throw new Error(`GridSampler: parameter "${name}" lists a value twice`);
      for (const v of vals) {
        const t = typeof v;
        if (!(v === null || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(v)))) {
          throw new Error(`GridSampler: parameter "${name}" has an invalid value ${JSON.stringify(v)} (strings, finite numbers, booleans or null)`);
        }
      }
      size *= vals.length;
    }
    if (!Number.isSafeInteger(size)) throw new Error(`GridSampler: the grid has too many points (${size})`);
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
      throw new TypeError(`GridSampler: seed must be a finite number, got ${String(seed)}`);
    }
    this.paramNames = names;
    this.values = names.map((n) => [...searchSpace[n]]);
    this.size = size;
    this.seed = seed;
  }

  /** The parameters of grid point `index` (0 <= index < size). */
  pointAt(index: number): Record<string, ParamValue> {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`GridSampler: point index ${index} is out of range [0, ${this.size})`);
    }
    let rest = this.seed === undefined ? index : this.permuted(index);
    const point: Record<string, ParamValue> = {};
    for (let i = this.paramNames.length - 1; i >= 0; i--) {
      const vals = this.values[i];
      point[this.paramNames[i]] = vals[rest % vals.length];
      rest = Math.floor(rest / vals.length);
    }
    // Keys in enumeration order.
    const ordered: Record<string, ParamValue> = {};
    for (const n of this.paramNames) ordered[n] = point[n];
    return ordered;
  }

  /**
   * A distribution per grid parameter (categorical over its grid values), for recording trials
   * created with their parameters fixed in advance.
   */
  distributions(): Record<string, Distribution> {
    const out: Record<string, Distribution> = {};
    this.paramNames.forEach((n, i) => (out[n] = { type: 'categorical', choices: [...this.values[i]] }));
    return out;
  }

  /** Claims the first point that no trial still running or finished holds, and creates the trial with its values. */
  async beforeTrial(ctx: BeforeTrialContext): Promise<TrialClaim> {
    const held = new Set(ctx.trials.filter((t) => t.state !== 'FAIL').map((t) => t.systemAttrs.claimKey));
    for (let i = 0; i < this.size; i++) {
      if (!held.has(String(i))) {
        return ctx.createTrial({ claimKey: String(i), params: this.pointAt(i), distributions: this.distributions() });
      }
    }
    return 'exhausted';
  }

  /**
   * A trial's grid parameters are fixed when `beforeTrial` creates it, so this only answers a
   * direct call: the value of `name` at the point the trial claimed, or an explanation.
   */
  sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
    validateDistribution(dist, name);
    const i = this.paramNames.indexOf(name);
    if (i < 0) {
      throw new Error(`GridSampler: parameter "${name}" is not in the grid (grid parameters: ${this.paramNames.join(', ')})`);
    }
    const point = this.pointOf(ctx.trials.find((t) => t.number === ctx.trialNumber));
    if (point === undefined) {
      throw new Error(`GridSampler: trial ${ctx.trialNumber} has no grid point assigned; the grid sampler's beforeTrial claims one when it creates the trial`);
    }
    const value = this.pointAt(point)[name];
    if (!contains(dist, value)) {
      throw new Error(`GridSampler: grid value ${JSON.stringify(value)} of parameter "${name}" is outside its distribution ${JSON.stringify(dist)}`);
    }
    return value;
  }

  /** The index of the grid point a trial claimed (its claim key), if it claimed one. */
  pointOf(trial: FrozenTrial | undefined): number | undefined {
    const key = trial?.systemAttrs.claimKey;
    if (typeof key !== 'string' || !/^\d+$/.test(key)) return undefined;
    const index = Number(key);
    return index < this.size ? index : undefined;
  }

  private permuted(index: number): number {
    if (!this.permutation) {
      if (this.size > 2 ** 28) throw new Error(`GridSampler: a grid of ${this.size} points is too large to shuffle; drop the seed`);
      const perm = new Uint32Array(this.size);
      for (let i = 0; i < this.size; i++) perm[i] = i;
      const rng = KeyedStream.fromKey('grid', this.seed as number);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      this.permutation = perm;
    }
    return this.permutation[index];
  }
}
