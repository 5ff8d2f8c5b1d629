/**
 * Grid search. The grid is the cartesian product of the listed values, enumerated in a fixed order
 * (parameter names sorted, the last name varying fastest), optionally permuted by a seed. Which
 * point a trial evaluates is decided by the storage: a worker claims a point index transactionally
 * (`createTrial({ claimKey })`) and passes it in as `ctx.gridPoint`; the sampler only maps
 * index → values.
 */
import type { Distribution, ParamValue } from '../types';
import type { Sampler, SamplerContext } from './sampler';
import { contains, validateDistribution } from './distributions';
import { Rng } from './rng';

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

  sample(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
    validateDistribution(dist, name);
    const i = this.paramNames.indexOf(name);
    if (i < 0) {
      throw new Error(`GridSampler: parameter "${name}" is not in the grid (grid parameters: ${this.paramNames.join(', ')})`);
    }
    if (ctx.gridPoint === undefined) {
      throw new Error(`GridSampler: trial ${ctx.trialNumber} has no grid point assigned (ctx.gridPoint); claim one through the storage first`);
    }
    const value = this.pointAt(ctx.gridPoint)[name];
    if (!contains(dist, value)) {
      throw new Error(`GridSampler: grid value ${JSON.stringify(value)} of parameter "${name}" is outside its distribution ${JSON.stringify(dist)}`);
    }
    return value;
  }

  private permuted(index: number): number {
    if (!this.permutation) {
      if (this.size > 2 ** 28) throw new Error(`GridSampler: a grid of ${this.size} points is too large to shuffle; drop the seed`);
      const perm = new Uint32Array(this.size);
      for (let i = 0; i < this.size; i++) perm[i] = i;
      const rng = Rng.fromKey('grid', this.seed as number);
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
