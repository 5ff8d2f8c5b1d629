/**
 * Independent uniform sampling. Each (seed, trial number, parameter name) has its own hash-seeded
 * stream, so trial k gets the same parameters whatever the number of workers or the order trials run.
 */
import type { Distribution, ParamValue } from '../types';
import type { Sampler, SamplerContext } from './sampler';
import { isSingle, roundToStep, singleValue, stepCount, gridValue, stepOf, validateDistribution } from './distributions';
import { KeyedStream, randomSeed, type RandomStream } from './rng';

/** Draws one value of `dist` uniformly (log-uniformly for log distributions) from `rng`. */
export function sampleUniform(dist: Distribution, rng: RandomStream): ParamValue {
  if (dist.type === 'categorical') return dist.choices[rng.int(dist.choices.length)];
  if (isSingle(dist)) return singleValue(dist);
  if (dist.type === 'float') {
    if (dist.log) {
      const lo = Math.log(dist.low);
      const hi = Math.log(dist.high);
      return clampBelowHigh(Math.exp(lo + rng.uniform() * (hi - lo)), dist.low, dist.high);
    }
    if (dist.step !== undefined) return gridValue(dist.low, dist.step, rng.int(stepCount(dist.low, dist.high, dist.step) + 1));
    return clampBelowHigh(dist.low + rng.uniform() * (dist.high - dist.low), dist.low, dist.high);
  }
  // int
  if (dist.log) {
    // As Optuna: uniform in [log(low - 1/2), log(high + 1/2)], then rounded, so every integer gets
    // the log-width of its own rounding interval.
    const lo = Math.log(dist.low - 0.5);
    const hi = Math.log(dist.high + 0.5);
    const v = Math.round(Math.exp(lo + rng.uniform() * (hi - lo)));
    return Math.min(Math.max(v, dist.low), dist.high);
  }
  const step = stepOf(dist) as number;
  return roundToStep(dist.low + rng.int(stepCount(dist.low, dist.high, step) + 1) * step, dist.low, dist.high, step);
}

/** Continuous draws stay in [low, high) like Optuna's (high itself only when low === high). */
function clampBelowHigh(v: number, low: number, high: number): number {
  if (v < low) return low;
  if (v >= high) return high > low ? high - Math.max(Number.EPSILON * Math.abs(high), Number.MIN_VALUE) : high;
  return v;
}

export class RandomSampler implements Sampler {
  readonly name = 'random';
  readonly seed: number;

  constructor(seed?: number) {
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
      throw new TypeError(`RandomSampler: seed must be a finite number, got ${String(seed)}`);
    }
    this.seed = seed ?? randomSeed();
  }

  /** Every parameter is drawn on its own: random search has no relative draw. */
  sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
    validateDistribution(dist, name);
    return sampleUniform(dist, this.streamFor(ctx.trialNumber, name));
  }

  /** The stream of one (trial, parameter) pair. */
  streamFor(trialNumber: number, name: string): KeyedStream {
    return KeyedStream.fromKey('random', this.seed, trialNumber, name);
  }
}
