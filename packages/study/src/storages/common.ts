/**
 * What the three storages share: the trial states, errors, argument checks, value conversions
 * and the extra methods every vaekit storage has beyond the `Storage` interface. The rules
 * derived from trials (best trial, counting, stale trials) are in rules.ts.
 */
import { ConfigError, StorageError } from '../errors';
import type { Direction, FrozenTrial, ParamValue, Storage, TrialState } from '../types';

export { StorageError };

export const TRIAL_STATES: readonly TrialState[] = ['RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'];

/** The states that count towards `maxTrials` (everything but FAIL, and WAITING which nothing creates yet). */
export const LIVE_STATES: readonly TrialState[] = ['COMPLETE', 'PRUNED', 'RUNNING'];


/**
 * `setParam` / `reportIntermediate` on a trial that is no longer RUNNING (finished, or marked
 * FAIL by another worker because its heartbeat went stale). The worker should stop that trial.
 */
export class TrialNotRunningError extends StorageError {
  constructor(
    readonly studyId: number,
    readonly trialNumber: number,
    readonly state: TrialState,
  ) {
    super(`trial ${trialNumber} of study ${studyId} is ${state}, not RUNNING: it can no longer be changed`);
  }
}

export function configError(message: string): ConfigError {
  return new ConfigError(message);
}

/**
 * EXTRA methods (not in `Storage` of ../types.ts) that all three storages implement:
 * - `deleteStudy`: removes a study and its trials (for a CLI `study delete`, and test cleanup).
 * - `setSystemAttr`: persists a system attribute (e.g. a grid point index) after creation;
 *   `claimKey` cannot be changed this way (createTrial owns it).
 */
export interface StorageExtras {
  deleteStudy(name: string): Promise<boolean>;
  setSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void>;
}

export type VaekitStorage = Storage & StorageExtras;

export type CreateTrialOptions = NonNullable<Parameters<Storage['createTrial']>[1]>;

export function checkDirection(direction: Direction): void {
  if (direction !== 'minimize' && direction !== 'maximize') {
    throw configError(`study direction: expected minimize or maximize, found ${JSON.stringify(direction)}`);
  }
}

export function directionMismatch(name: string, stored: Direction, asked: Direction): Error {
  return configError(`study "${name}" already exists with direction ${stored}, not ${asked} (use another study name, or the same direction)`);
}

export function checkStep(step: number): void {
  if (!Number.isInteger(step)) throw new StorageError(`intermediate step must be an integer, found ${step}`);
}

export function checkFinalState(state: string): void {
  if (state !== 'COMPLETE' && state !== 'PRUNED' && state !== 'FAIL') {
    throw new StorageError(`finishTrial: state must be COMPLETE, PRUNED or FAIL, found ${JSON.stringify(state)}`);
  }
}

export function checkSystemAttrKey(key: string): void {
  if (key === 'claimKey') throw new StorageError('setSystemAttr: claimKey is set by createTrial and cannot be changed');
}

export function checkStaleSeconds(seconds: number): void {
  if (!(typeof seconds === 'number' && seconds >= 0 && Number.isFinite(seconds))) {
    throw new StorageError(`failStaleTrials: seconds must be a finite number >= 0, found ${seconds}`);
  }
}

/** A final value as stored: NaN means "no value" in every storage (SQLite cannot keep NaN). */
export function finalValue(value: number | undefined): number | undefined {
  return value === undefined || value === null || Number.isNaN(value) ? undefined : value;
}

/** JSON-normalises an attribute value the way a database round trip would (undefined → null). */
export function jsonValue(value: unknown): unknown {
  const s = JSON.stringify(value);
  return s === undefined ? null : JSON.parse(s);
}

/** JSON text of an attribute value (undefined → "null"). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** Builds a FrozenTrial, leaving out the optional fields that are unset. */
export function frozenTrial(t: {
  number: number;
  state: TrialState;
  value?: number | null;
  params?: Record<string, ParamValue>;
  distributions?: FrozenTrial['distributions'];
  intermediate?: Record<number, number>;
  userAttrs?: Record<string, unknown>;
  systemAttrs?: Record<string, unknown>;
  startedAt?: string | null;
  finishedAt?: string | null;
  heartbeat?: string | null;
  error?: string | null;
}): FrozenTrial {
  const out: FrozenTrial = {
    number: t.number,
    state: t.state,
    params: t.params ?? {},
    distributions: t.distributions ?? {},
    intermediate: t.intermediate ?? {},
    userAttrs: t.userAttrs ?? {},
    systemAttrs: t.systemAttrs ?? {},
  };
  const value = finalValue(t.value ?? undefined);
  if (value !== undefined) out.value = value;
  if (t.startedAt) out.startedAt = t.startedAt;
  if (t.finishedAt) out.finishedAt = t.finishedAt;
  if (t.heartbeat) out.heartbeat = t.heartbeat;
  if (t.error !== undefined && t.error !== null) out.error = t.error;
  return out;
}

/**
 * Loads an optional driver package (better-sqlite3, pg: optional peer dependencies of
 * @vaekit/study, needed only by the storage that uses them). When it is missing or cannot load,
 * a StorageError with exit code 2 names the package and how to install it.
 */
export function loadDriver<T>(pkg: string, scheme: string, load: (id: string) => unknown = require): T {
  try {
    return load(pkg) as T;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const missing = err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${pkg}'`);
    const message = missing
      ? `${scheme} storage needs the npm package ${pkg}, which is not installed: install it with \`npm install ${pkg}\` (an optional peer dependency of @vaekit/study)`
      : `${scheme} storage needs the npm package ${pkg}, which failed to load (${err.message ?? String(e)}): reinstall it with \`npm install ${pkg}\` (or \`npm rebuild ${pkg}\` after a Node.js upgrade)`;
    throw new StorageError(message, { exitCode: 2, cause: e });
  }
}
