/**
 * Asynchronous Successive Halving (ASHA, Li et al. 2020) as Optuna's SuccessiveHalvingPruner.
 *
 * Rung r sits at step minResource · reductionFactor^(minEarlyStoppingRate + r). When a trial's
 * report reaches a rung, its value there is compared with the values every other trial had at that
 * rung; it continues only if it is in the top 1/reductionFactor of them (the very best while fewer
 * than reductionFactor trials reached the rung).
 *
 * Optuna records each trial's rung values as system attributes (`completed_rung_<r>`). Here they
 * are derived from the intermediate values alone — a trial's value at rung r is the value of its
 * first report at or after the rung's step — so asking never writes to the storage. Trials that do
 * carry `completed_rung_<r>` attributes (e.g. imported from Optuna) are read from those instead.
 */
import type { Direction, FrozenTrial } from '../types';
import type { Pruner, PrunerContext } from './pruner';
import { checkInt, intermediateSteps, valueAt } from './pruner';

export interface SuccessiveHalvingPrunerOptions {
  /** Step of the first rung, or 'auto' (Optuna's: max last step of COMPLETE trials / 100, at least 1). Default 1. */
  minResource?: number | 'auto';
  /** Only the top 1/reductionFactor of a rung is promoted. Default 3. */
  reductionFactor?: number;
  /** Offsets the rungs: the first rung is at minResource · reductionFactor^minEarlyStoppingRate. Default 0. */
  minEarlyStoppingRate?: number;
  /** Prune unless more than this many trials (counting this one) reached the rung. Default 0. */
  bootstrapCount?: number;
}

export const SUCCESSIVE_HALVING_OPTION_NAMES = ['minResource', 'reductionFactor', 'minEarlyStoppingRate', 'bootstrapCount'] as const;

const RUNG_KEY_PREFIX = 'completed_rung_';

/** Optuna's system-attribute name for rung r. */
export function rungKey(rung: number): string {
  return `${RUNG_KEY_PREFIX}${rung}`;
}

export class SuccessiveHalvingPruner implements Pruner {
  readonly name: string = 'successiveHalving';
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
  private minResource: number | undefined;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    const owner = 'SuccessiveHalvingPruner';
    const mr = options.minResource ?? 1;
    if (mr !== 'auto' && !(typeof mr === 'number' && Number.isInteger(mr) && mr >= 1)) {
      throw new TypeError(`${owner}: minResource must be an integer >= 1 or 'auto', got ${String(mr)}`);
    }
    this.minResource = mr === 'auto' ? undefined : mr;
    this.reductionFactor = checkInt(owner, 'reductionFactor', options.reductionFactor, 3, 2);
    this.minEarlyStoppingRate = checkInt(owner, 'minEarlyStoppingRate', options.minEarlyStoppingRate, 0, 0);
    this.bootstrapCount = checkInt(owner, 'bootstrapCount', options.bootstrapCount, 0, 0);
    if (mr === 'auto' && this.bootstrapCount > 0) {
      throw new TypeError(`${owner}: bootstrapCount > 0 needs an explicit minResource (not 'auto')`);
    }
  }

  /** Step of rung r (undefined while minResource is 'auto' and not yet known). */
  rungStep(rung: number): number | undefined {
    if (this.minResource === undefined) return undefined;
    return this.minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
  }

  shouldPrune({ direction, trials, trial, step }: PrunerContext): boolean {
    const value = valueAt(trial, step);
    if (value === undefined) return false;
    if (this.minResource === undefined) {
      this.minResource = estimateMinResource(trials);
      if (this.minResource === undefined) return false;
    }
    const others = trials.filter((t) => t.number !== trial.number);
    // Rungs already passed at earlier reports were judged then; start at the first one after them.
    let rung = this.firstRungAfter(previousStep(trial, step));
    for (;;) {
      if (step < (this.rungStep(rung) as number)) return false;
      if (Number.isNaN(value)) return true;
      const competing = [value];
      for (const t of others) {
        const v = this.rungValue(t, rung);
        if (v !== undefined && !Number.isNaN(v)) competing.push(v);
      }
      if (competing.length <= this.bootstrapCount) return true;
      if (!isPromotable(value, competing, this.reductionFactor, direction)) return true;
      rung++;
    }
  }

  /**
   * The rung values of a trial, keyed as Optuna's system attributes (`completed_rung_<r>`): what
   * Optuna would have stored. Informational; shouldPrune does not need them stored.
   */
  rungsOf(trial: FrozenTrial): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.minResource === undefined) return out;
    for (let r = 0; ; r++) {
      const v = this.rungValue(trial, r);
      if (v === undefined) return out;
      out[rungKey(r)] = v;
    }
  }

  private firstRungAfter(prev: number): number {
    let r = 0;
    while ((this.rungStep(r) as number) <= prev) r++;
    return r;
  }

  /** Value trial t holds at rung r, or undefined if it never reached the rung. */
  private rungValue(t: FrozenTrial, rung: number): number | undefined {
    const attrs = t.systemAttrs ?? {};
    if (Object.keys(attrs).some((k) => k.startsWith(RUNG_KEY_PREFIX))) {
      const v = attrs[rungKey(rung)];
      return typeof v === 'number' ? v : undefined;
    }
    const rs = this.rungStep(rung) as number;
    const steps = intermediateSteps(t);
    const j = steps.findIndex(([s]) => s >= rs);
    if (j < 0) return undefined;
    if (t.state === 'PRUNED' && j === steps.length - 1 && rung > 0) {
      // Its last report crossed several rungs at once and it was pruned there: it was stopped at
      // the first of them, and holds no value at the later ones.
      const before = j > 0 ? steps[j - 1][0] : -Infinity;
      if ((this.rungStep(rung - 1) as number) > before) return undefined;
    }
    return steps[j][1];
  }
}

function previousStep(trial: FrozenTrial, step: number): number {
  let prev = -Infinity;
  for (const [s] of intermediateSteps(trial)) if (s < step && s > prev) prev = s;
  return prev;
}

function estimateMinResource(trials: FrozenTrial[]): number | undefined {
  let last = -1;
  for (const t of trials) {
    if (t.state !== 'COMPLETE') continue;
    const steps = intermediateSteps(t);
    if (steps.length > 0) last = Math.max(last, steps[steps.length - 1][0]);
  }
  if (last < 0) return undefined;
  return Math.max(Math.floor(last / 100), 1);
}

/** In the top 1/reductionFactor of the competing values (which include the trial's own). */
function isPromotable(value: number, competing: number[], reductionFactor: number, direction: Direction): boolean {
  let idx = Math.floor(competing.length / reductionFactor) - 1;
  // Fewer than reductionFactor competitors: promote only the best so far.
  if (idx < 0) idx = 0;
  const sorted = [...competing].sort((a, b) => a - b);
  return direction === 'maximize' ? value >= sorted[sorted.length - 1 - idx] : value <= sorted[idx];
}
