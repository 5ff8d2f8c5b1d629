/**
 * Helpers shared by the samplers: validation of distributions, membership, snapping to a step grid,
 * and the numeric ("internal") representation the estimators work with.
 */
import { ConfigError } from '../errors';
import type { Distribution, ParamValue } from '../types';

export type FloatDistribution = Extract<Distribution, { type: 'float' }>;
export type IntDistribution = Extract<Distribution, { type: 'int' }>;
export type CategoricalDistribution = Extract<Distribution, { type: 'categorical' }>;
export type NumericDistribution = FloatDistribution | IntDistribution;

/** Thrown for a malformed distribution; the message names the parameter when one is known. */
export class DistributionError extends ConfigError {}

/** Relative tolerance used when deciding whether a float lies on a step grid. */
const GRID_TOLERANCE = 1e-8;

function fail(name: string | undefined, message: string): never {
  throw new DistributionError(name === undefined ? message : `parameter "${name}": ${message}`);
}

/**
 * Checks a distribution and throws a DistributionError explaining what is wrong:
 * low <= high, finite bounds, log needs low > 0 (ints: low >= 1), step > 0 (ints: a positive
 * integer), step and log are exclusive (an int may say step: 1 with log), choices non-empty,
 * of primitive types and without duplicates.
 */
export function validateDistribution(dist: Distribution, name?: string): void;
/** Same, parameter name first. */
export function validateDistribution(name: string, dist: Distribution): void;
export function validateDistribution(a: Distribution | string, b?: string | Distribution): void {
  const [dist, name] = typeof a === 'string' ? [b as Distribution, a] : [a, b as string | undefined];
  if (dist === null || typeof dist !== 'object') fail(name, `distribution must be an object, got ${String(dist)}`);
  switch (dist.type) {
    case 'float': {
      const { low, high, log, step } = dist;
      if (typeof low !== 'number' || !Number.isFinite(low)) fail(name, `float low must be a finite number, got ${String(low)}`);
      if (typeof high !== 'number' || !Number.isFinite(high)) fail(name, `float high must be a finite number, got ${String(high)}`);
      if (low > high) fail(name, `low (${low}) must be <= high (${high})`);
      if (log !== undefined && typeof log !== 'boolean') fail(name, `log must be a boolean, got ${String(log)}`);
      if (step !== undefined) {
        if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) fail(name, `step must be a positive number, got ${String(step)}`);
        if (log) fail(name, 'step and log cannot be used together on a float');
      }
      if (log && low <= 0) fail(name, `a log-scaled float needs low > 0, got low=${low}`);
      return;
    }
    case 'int': {
      const { low, high, log, step } = dist;
      if (!Number.isSafeInteger(low)) fail(name, `int low must be an integer, got ${String(low)}`);
      if (!Number.isSafeInteger(high)) fail(name, `int high must be an integer, got ${String(high)}`);
      if (low > high) fail(name, `low (${low}) must be <= high (${high})`);
      if (log !== undefined && typeof log !== 'boolean') fail(name, `log must be a boolean, got ${String(log)}`);
      if (step !== undefined) {
        if (!Number.isSafeInteger(step) || step <= 0) fail(name, `int step must be a positive integer, got ${String(step)}`);
        if (log && step !== 1) fail(name, 'step and log cannot be used together on an int (only step: 1 is allowed with log)');
      }
      if (log && low < 1) fail(name, `a log-scaled int needs low >= 1, got low=${low}`);
      return;
    }
    case 'categorical': {
      const { choices } = dist;
      if (!Array.isArray(choices) || choices.length === 0) fail(name, 'categorical choices must be a non-empty array');
      const seen = new Set<unknown>();
      for (const c of choices) {
        const t = typeof c;
        if (!(c === null || t === 'string' || t === 'number' || t === 'boolean')) {
          fail(name, `categorical choices must be strings, numbers, booleans or null, got ${JSON.stringify(c)}`);
        }
        if (seen.has(c)) fail(name, `categorical choices contain ${JSON.stringify(c)} twice`);
        seen.add(c);
      }
      return;
    }
    default:
      fail(name, `unknown distribution type ${JSON.stringify((dist as { type?: unknown }).type)} (expected float, int or categorical)`);
  }
}

/** The step of a numeric distribution, or undefined for a continuous float (ints default to 1). */
export function stepOf(dist: NumericDistribution): number | undefined {
  if (dist.type === 'int') return dist.step ?? 1;
  return dist.step;
}

/** Number of step intervals between low and high: the grid is low + k·step for k = 0..K. */
export function stepCount(low: number, high: number, step: number): number {
  const r = (high - low) / step;
  const k = Math.round(r);
  // (0.3 - 0) / 0.1 = 2.9999999999999996: treat values this close to an integer as that integer.
  return Math.abs(r - k) <= GRID_TOLERANCE * Math.max(1, Math.abs(r)) ? k : Math.floor(r);
}

/** The largest value a distribution can produce: high, or the last grid point below it (Optuna). */
export function effectiveHigh(dist: NumericDistribution): number {
  const step = stepOf(dist);
  if (step === undefined || dist.log) return dist.high;
  return gridValue(dist.low, step, stepCount(dist.low, dist.high, step));
}

/** low + k·step, cleaned of floating-point noise (0.1 * 3 → 0.3, not 0.30000000000000004). */
export function gridValue(low: number, step: number, k: number): number {
  const raw = low + k * step;
  const clean = Number(raw.toPrecision(14));
  return Math.abs(clean - raw) <= step * 1e-6 ? clean : raw;
}

/** Snaps a value to the nearest point of the step grid low + k·step, within [low, high]. */
export function roundToStep(value: number, low: number, high: number, step: number): number {
  const kMax = stepCount(low, high, step);
  const k = Math.min(Math.max(Math.round((value - low) / step), 0), kMax);
  return gridValue(low, step, k);
}

/** True when the distribution can produce a single value only. */
export function isSingle(dist: Distribution): boolean {
  if (dist.type === 'categorical') return dist.choices.length === 1;
  const step = stepOf(dist);
  if (step === undefined || dist.log) return dist.low === dist.high;
  return stepCount(dist.low, dist.high, step) === 0;
}

/** The value of a single-valued distribution (see isSingle). */
export function singleValue(dist: Distribution): ParamValue {
  return dist.type === 'categorical' ? dist.choices[0] : dist.low;
}

/** Whether `value` is a value `dist` could have produced (on the step grid for stepped ones). */
export function contains(dist: Distribution, value: unknown): boolean {
  if (dist.type === 'categorical') return dist.choices.some((c) => sameChoice(c, value));
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (dist.type === 'int' && !Number.isInteger(value)) return false;
  if (value < dist.low || value > dist.high) return false;
  const step = stepOf(dist);
  if (step === undefined || dist.log) return true;
  const k = (value - dist.low) / step;
  return Math.abs(k - Math.round(k)) <= GRID_TOLERANCE * Math.max(1, Math.abs(k)) && Math.round(k) <= stepCount(dist.low, dist.high, step);
}

function sameChoice(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Index of a categorical value among the choices, or -1. */
export function choiceIndex(dist: CategoricalDistribution, value: unknown): number {
  return dist.choices.findIndex((c) => sameChoice(c, value));
}

/**
 * The numeric representation used by the estimators: the value itself for numbers, the index of
 * the choice for categoricals. Undefined when the value does not belong to the distribution.
 */
export function toInternal(dist: Distribution, value: ParamValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (dist.type === 'categorical') {
    const i = choiceIndex(dist, value);
    return i < 0 ? undefined : i;
  }
  return contains(dist, value) ? (value as number) : undefined;
}

/** Inverse of toInternal. */
export function toExternal(dist: Distribution, internal: number): ParamValue {
  if (dist.type === 'categorical') return dist.choices[internal];
  return internal;
}

/** Structural equality of two distributions (missing log/step read as their defaults). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'categorical') {
    const bc = (b as CategoricalDistribution).choices;
    return a.choices.length === bc.length && a.choices.every((c, i) => sameChoice(c, bc[i]));
  }
  const bn = b as NumericDistribution;
  return a.low === bn.low && a.high === bn.high && Boolean(a.log) === Boolean(bn.log) && stepOf(a) === stepOf(bn);
}
