/**
 * The rules every storage follows, written once: which trial is best (single-objective) or
 * Pareto-optimal (multi-objective), which trials count
 * towards `maxTrials`, which hold a claim key, when a RUNNING trial is stale and what its error
 * says. The memory storage applies them to trial objects; the SQL storages use the SQL
 * fragments below, built from the same constants.
 */
import type { Direction, FrontTrial, FrozenTrial, StudySummary, TrialState } from '../types';
import { paretoFront, trialValues } from '../multiobjective/pareto';
import { LIVE_STATES, TRIAL_STATES } from './common';

/**
 * The best trial: the COMPLETE one with the lowest (minimize) or highest (maximize) finite
 * value; among equal values, the one with the lowest number. Undefined when there is none.
 */
export function bestTrial<T extends FrozenTrial>(trials: readonly T[], direction: Direction): T | undefined {
  let best: T | undefined;
  for (const t of trials) if (isRankable(t) && (!best || compareTrials(t, best, direction) < 0)) best = t;
  return best;
}

/** The COMPLETE trials with a finite value, best first (the order `bestTrial` picks from). */
export function rankTrials<T extends FrozenTrial>(trials: readonly T[], direction: Direction): T[] {
  return trials.filter(isRankable).sort((a, b) => compareTrials(a, b, direction));
}

function isRankable(t: FrozenTrial): boolean {
  return t.state === 'COMPLETE' && typeof t.value === 'number' && Number.isFinite(t.value);
}

/** Negative when `a` is better than `b` (both with finite values). */
function compareTrials(a: FrozenTrial, b: FrozenTrial, direction: Direction): number {
  const d = direction === 'minimize' ? a.value! - b.value! : b.value! - a.value!;
  return d !== 0 ? d : a.number - b.number;
}

/**
 * The best trials of a study with these directions: the Pareto-optimal COMPLETE trials (by
 * number) when it has several objectives, the best trial (if any) when it has one.
 */
export function bestTrials<T extends FrozenTrial>(trials: readonly T[], directions: readonly Direction[]): T[] {
  if (directions.length > 1) return paretoFront(trials, directions);
  const best = bestTrial(trials, directions[0]);
  return best ? [best] : [];
}

/** The front as listings and summaries show it: number, values and parameters of each Pareto-optimal trial. */
export function frontOf(trials: readonly FrozenTrial[], directions: readonly Direction[]): FrontTrial[] {
  return paretoFront(trials, directions).map((t) => ({ number: t.number, values: [...trialValues(t)!], params: structuredClone(t.params) }));
}

/** Trials per state, every state present. */
export function countStates(rows: Iterable<{ state: TrialState; n: number }>): Record<TrialState, number> {
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
  for (const r of rows) counts[r.state] += r.n;
  return counts;
}

/** A study's summary from its trial counts and its COMPLETE trials. */
export function studySummary(
  study: { name: string; direction: Direction; directions?: Direction[] },
  counts: Iterable<{ state: TrialState; n: number }>,
  complete: readonly FrozenTrial[],
): StudySummary {
  const directions = study.directions ?? [study.direction];
  const summary: StudySummary = { name: study.name, direction: directions[0], directions: [...directions], counts: countStates(counts) };
  if (directions.length > 1) {
    summary.front = frontOf(complete, directions);
    return summary;
  }
  const best = bestTrial(complete, study.direction);
  if (best) summary.best = { number: best.number, value: best.value!, params: structuredClone(best.params) };
  return summary;
}

/** Whether a trial counts towards `maxTrials` (see LIVE_STATES). */
export function isLive(state: TrialState): boolean {
  return LIVE_STATES.includes(state);
}

/** Whether a trial keeps its claim key (every state but FAIL: a failed claim is free again). */
export function holdsClaim(state: TrialState): boolean {
  return state !== 'FAIL';
}

/** Whether createTrial must refuse: the study is full of live trials, or the claim key is held. */
export function refusesTrial(opts: { maxTrials?: number; claimKey?: string }, live: number, claimHeld: boolean): boolean {
  return (opts.maxTrials !== undefined && live >= opts.maxTrials) || (opts.claimKey !== undefined && claimHeld);
}

/** Why a stale trial failed. */
export function staleError(seconds: number): string {
  return `heartbeat lost (no sign of life for ${seconds} s)`;
}

/** A RUNNING trial is stale when its last sign of life (heartbeat, else start) is older than the cutoff. */
export function isStale(t: FrozenTrial, cutoffMs: number): boolean {
  const last = t.heartbeat ?? t.startedAt;
  return t.state === 'RUNNING' && last !== undefined && Date.parse(last) < cutoffMs;
}

/** A SQL list literal of constant strings: ('a', 'b'). */
export function sqlList(values: readonly string[]): string {
  return `(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;
}

/** SQL: the trial counts towards `maxTrials` (isLive). */
export const LIVE_SQL = `state IN ${sqlList(LIVE_STATES)}`;

/** SQL: the trial keeps its claim key (holdsClaim). */
export const CLAIM_HOLDING_SQL = "state <> 'FAIL'";

/** SQL: the trial is stale (isStale) when `cutoff` is the time `seconds` ago. */
export function staleSql(cutoff: string): string {
  return `state = 'RUNNING' AND COALESCE(heartbeat, started_at) < ${cutoff}`;
}
