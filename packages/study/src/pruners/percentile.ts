/**
 * Percentile and median pruners, as Optuna's: at a pruning step, the trial's best intermediate
 * value so far is compared with the given percentile of the values COMPLETE trials reported at the
 * same step; worse than that → prune.
 */
import type { Pruner, PrunerContext } from './pruner';
import { checkInt, intermediateSteps } from './pruner';

export interface PercentilePrunerOptions {
  /** Pruning is off until this many trials are COMPLETE. Default 5. */
  nStartupTrials?: number;
  /** Pruning is off while the step is below this. Default 0. */
  nWarmupSteps?: number;
  /** Check every this many steps after the warm-up (a missed check happens at the next report). Default 1. */
  intervalSteps?: number;
  /** Do not prune unless at least this many COMPLETE trials reported at the step. Default 1. */
  nMinTrials?: number;
}

export const PERCENTILE_OPTION_NAMES = ['nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials'] as const;

/** Percentile with linear interpolation, NaNs ignored (numpy.nanpercentile); NaN if nothing left. */
export function nanPercentile(values: number[], percentile: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const rank = (percentile / 100) * (v.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return lo === hi ? v[lo] : v[lo] + (v[hi] - v[lo]) * (rank - lo);
}

export class PercentilePruner implements Pruner {
  readonly name: string = 'percentile';
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;

  /** @param percentile in [0, 100]: trials worse than this percentile of their peers are pruned (25 keeps the top 25%). */
  constructor(percentile: number, options: PercentilePrunerOptions = {}) {
    const owner = new.target === MedianPruner ? 'MedianPruner' : 'PercentilePruner';
    if (typeof percentile !== 'number' || !(percentile >= 0 && percentile <= 100)) {
      throw new TypeError(`${owner}: percentile must be between 0 and 100, got ${String(percentile)}`);
    }
    this.percentile = percentile;
    this.nStartupTrials = checkInt(owner, 'nStartupTrials', options.nStartupTrials, 5, 0);
    this.nWarmupSteps = checkInt(owner, 'nWarmupSteps', options.nWarmupSteps, 0, 0);
    this.intervalSteps = checkInt(owner, 'intervalSteps', options.intervalSteps, 1, 1);
    this.nMinTrials = checkInt(owner, 'nMinTrials', options.nMinTrials, 1, 1);
  }

  shouldPrune({ direction, trials, trial, step }: PrunerContext): boolean {
    const completed = trials.filter((t) => t.state === 'COMPLETE' && t.number !== trial.number);
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;
    const own = intermediateSteps(trial);
    if (own.length === 0 || !own.some(([s]) => s === step)) return false;
    if (step < this.nWarmupSteps) return false;
    if (!this.isFirstCheckInInterval(step, own.map(([s]) => s))) return false;

    const maximize = direction === 'maximize';
    const ownValues = own.map(([, v]) => v).filter((v) => !Number.isNaN(v));
    // Nothing but NaN reported: prune (as Optuna).
    if (ownValues.length === 0) return true;
    const best = maximize ? Math.max(...ownValues) : Math.min(...ownValues);

    const atStep = completed.map((t) => t.intermediate?.[step]).filter((v): v is number => typeof v === 'number');
    if (atStep.length < this.nMinTrials) return false;
    const p = nanPercentile(atStep, maximize ? 100 - this.percentile : this.percentile);
    if (Number.isNaN(p)) return false;
    return maximize ? best < p : best > p;
  }

  /**
   * True when no earlier report of the trial already fell in the current check interval
   * [warmup + k·interval, …): the check at a step skipped by the interval happens at the next report.
   */
  private isFirstCheckInInterval(step: number, steps: number[]): boolean {
    const w = this.nWarmupSteps;
    const nearestCheckStep = Math.floor((step - w) / this.intervalSteps) * this.intervalSteps + w;
    const previous = steps.filter((s) => s !== step).reduce((a, s) => (s > a ? s : a), -1);
    return previous < nearestCheckStep;
  }
}

/** Prunes a trial whose best intermediate value is worse than the median of COMPLETE trials at the same step. */
export class MedianPruner extends PercentilePruner {
  override readonly name: string = 'median';
  constructor(options: PercentilePrunerOptions = {}) {
    super(50, options);
  }
}
