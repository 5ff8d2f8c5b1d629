/**
 * A search space as the GP's input space. Numeric parameters become their position in [0, 1]
 * (log-scaled where `log: true`; see qmc/unitCube.ts): integers and stepped floats sit at the centre
 * of their value's cell, and any point is snapped there before the kernel sees it, so points that
 * round to the same value are one point. A categorical parameter's input is its choice's index,
 * compared by equality (a Hamming distance in the kernel).
 */
import type { Distribution, ParamValue } from '../../types';
import type { SearchSpace } from '../sampler';
import { choiceIndex } from '../distributions';
import { cellCount, fromUnit, snapUnit, toUnit } from '../qmc/unitCube';

export type InputKind = 'continuous' | 'discrete' | 'categorical';

export class EncodedSpace {
  readonly names: string[];
  readonly dists: Distribution[];
  readonly kinds: InputKind[];
  readonly categorical: boolean[];

  constructor(space: SearchSpace) {
    this.names = Object.keys(space).sort();
    this.dists = this.names.map((n) => space[n]);
    this.kinds = this.dists.map((d) => (d.type === 'categorical' ? 'categorical' : d.type === 'float' && d.step === undefined ? 'continuous' : 'discrete'));
    this.categorical = this.kinds.map((k) => k === 'categorical');
  }

  get dimension(): number {
    return this.names.length;
  }

  /** A trial's parameters as an input, or undefined when one is missing or outside its distribution. */
  encode(params: Record<string, ParamValue>): Float64Array | undefined {
    const x = new Float64Array(this.names.length);
    for (let d = 0; d < this.names.length; d++) {
      const name = this.names[d];
      if (!Object.prototype.hasOwnProperty.call(params, name)) return undefined;
      const dist = this.dists[d];
      if (dist.type === 'categorical') {
        const i = choiceIndex(dist, params[name]);
        if (i < 0) return undefined;
        x[d] = i;
      } else {
        const u = toUnit(dist, params[name]);
        if (u === undefined) return undefined;
        x[d] = u;
      }
    }
    return x;
  }

  /** The parameters an input stands for. */
  decode(x: ArrayLike<number>): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    this.names.forEach((name, d) => {
      const dist = this.dists[d];
      out[name] = dist.type === 'categorical' ? dist.choices[this.choice(d, x[d])] : fromUnit(dist, x[d]);
    });
    return out;
  }

  /** A point of the unit cube (a quasi-random candidate) as an input: discrete values snapped, choices picked. */
  fromUnitPoint(u: ArrayLike<number>): Float64Array {
    const x = new Float64Array(this.names.length);
    for (let d = 0; d < x.length; d++) {
      const dist = this.dists[d];
      x[d] = dist.type === 'categorical' ? Math.min(Math.floor(u[d] * dist.choices.length), dist.choices.length - 1) : snapUnit(dist, u[d]);
    }
    return x;
  }

  /** Snaps an input in place (discrete values to their cells' centres, choices to valid indices). */
  snap(x: Float64Array): Float64Array {
    for (let d = 0; d < x.length; d++) {
      if (this.kinds[d] === 'categorical') x[d] = this.choice(d, x[d]);
      else x[d] = snapUnit(this.dists[d], x[d]);
    }
    return x;
  }

  /**
   * The neighbours of input d's value: the cells next to it for an ordered discrete input (an
   * integer one step up or down), every other choice for a categorical one.
   */
  neighbours(d: number, value: number): number[] {
    const dist = this.dists[d];
    if (dist.type === 'categorical') return dist.choices.map((_, i) => i).filter((i) => i !== value);
    const cells = cellCount(dist);
    if (cells !== undefined) {
      const k = Math.round(value * cells - 0.5);
      return [k - 1, k + 1].filter((j) => j >= 0 && j < cells).map((j) => (j + 0.5) / cells);
    }
    // A log-scaled int: the next integers.
    const v = fromUnit(dist, value) as number;
    return [v - 1, v + 1].filter((j) => j >= dist.low && j <= dist.high).map((j) => toUnit(dist, j) as number);
  }

  private choice(d: number, v: number): number {
    const dist = this.dists[d] as Extract<Distribution, { type: 'categorical' }>;
    return Math.min(Math.max(Math.round(v), 0), dist.choices.length - 1);
  }
}
