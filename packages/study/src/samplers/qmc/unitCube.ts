/**
 * Each distribution as the unit interval: `fromUnit(u)` maps u in [0, 1) to a value of the
 * distribution (the QMC sampler's and the GP's start-up draws, the GP's suggestions), `toUnit(v)`
 * maps a value back to the centre of the cell it came from (the GP's inputs).
 *
 * - float: linear, or in log space with `log`;
 * - a float with a step, and ints: K + 1 grid values get equal cells [k/(K+1), (k+1)/(K+1)), each
 *   value sits at its cell's centre;
 * - log ints (as Optuna): log-uniform in [log(low - 1/2), log(high + 1/2)], then rounded, so each
 *   integer gets the log-width of its own rounding interval;
 * - categoricals: K choices get equal cells (the GP keeps their index instead, see gp/space.ts).
 *
 * So points that round to the same value have the same toUnit(fromUnit(u)).
 */
import type { Distribution, ParamValue } from '../../types';
import { choiceIndex, gridValue, stepCount, stepOf } from '../distributions';

/** Number of values of a discrete distribution (stepped float, int that is not log, categorical), or undefined for continuous ones. */
export function cellCount(dist: Distribution): number | undefined {
  if (dist.type === 'categorical') return dist.choices.length;
  if (dist.log) return undefined;
  const step = stepOf(dist);
  return step === undefined ? undefined : stepCount(dist.low, dist.high, step) + 1;
}

function logIntBounds(dist: Distribution & { type: 'int' }): [number, number] {
  return [Math.log(dist.low - 0.5), Math.log(dist.high + 0.5)];
}

/** The value of `dist` that u in [0, 1] stands for (u outside is clamped). */
export function fromUnit(dist: Distribution, u: number): ParamValue {
  const t = Math.min(Math.max(Number.isFinite(u) ? u : 0, 0), 1);
  const cells = cellCount(dist);
  if (cells !== undefined) {
    const k = Math.min(Math.floor(t * cells), cells - 1);
    if (dist.type === 'categorical') return dist.choices[k];
    return gridValue(dist.low, stepOf(dist) as number, k);
  }
  if (dist.type === 'categorical') throw new Error('unreachable');
  if (dist.type === 'int') {
    const [a, b] = logIntBounds(dist);
    return Math.min(Math.max(Math.round(Math.exp(a + t * (b - a))), dist.low), dist.high);
  }
  if (dist.low === dist.high) return dist.low;
  const v = dist.log ? Math.exp(Math.log(dist.low) + t * (Math.log(dist.high) - Math.log(dist.low))) : dist.low + t * (dist.high - dist.low);
  return Math.min(Math.max(v, dist.low), dist.high);
}

/** Where value v of `dist` sits in [0, 1] (a discrete value: its cell's centre); undefined for a value `dist` cannot hold. */
export function toUnit(dist: Distribution, v: ParamValue | undefined): number | undefined {
  if (dist.type === 'categorical') {
    const i = choiceIndex(dist, v);
    return i < 0 ? undefined : (i + 0.5) / dist.choices.length;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < dist.low || v > dist.high) return undefined;
  const cells = cellCount(dist);
  if (cells !== undefined) {
    const step = stepOf(dist) as number;
    const k = Math.min(Math.max(Math.round((v - dist.low) / step), 0), cells - 1);
    return (k + 0.5) / cells;
  }
  if (dist.type === 'int') {
    const [a, b] = logIntBounds(dist);
    return (Math.log(v) - a) / (b - a);
  }
  if (dist.low === dist.high) return 0.5;
  if (dist.log) return (Math.log(v) - Math.log(dist.low)) / (Math.log(dist.high) - Math.log(dist.low));
  return (v - dist.low) / (dist.high - dist.low);
}

/** u moved to the unit position of the value it stands for (identity for continuous floats). */
export function snapUnit(dist: Distribution, u: number): number {
  if (dist.type === 'float' && dist.step === undefined) return Math.min(Math.max(u, 0), 1);
  return toUnit(dist, fromUnit(dist, u)) as number;
}
