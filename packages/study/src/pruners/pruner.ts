/**
 * The pruner interface: after a trial reports an intermediate value, the study asks whether to stop
 * it early. Pruners are stateless with respect to storage: they read everything from the trials
 * (intermediate values), so asking never writes anything.
 */
import type { Direction, FrozenTrial } from '../types';

export interface PrunerContext {
  direction: Direction;
  /** All trials of the study, in any state (the current trial may be among them). */
  trials: FrozenTrial[];
  /** The trial being judged, with its intermediate values (including the one at `step`). */
  trial: FrozenTrial;
  /** The step just reported. */
  step: number;
}

export interface Pruner {
  readonly name: string;
  shouldPrune(ctx: PrunerContext): boolean;
}

/** A trial's intermediate values as [step, value] pairs sorted by step. */
export function intermediateSteps(trial: FrozenTrial): Array<[number, number]> {
  return Object.entries(trial.intermediate ?? {})
    .map(([s, v]): [number, number] => [Number(s), v])
    .sort((a, b) => a[0] - b[0]);
}

/** The value a trial reported at `step`, or undefined. */
export function valueAt(trial: FrozenTrial, step: number): number | undefined {
  const v = (trial.intermediate ?? {})[step];
  return typeof v === 'number' ? v : undefined;
}

export function checkInt(owner: string, name: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new TypeError(`${owner}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}
