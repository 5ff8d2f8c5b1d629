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

/** A new trial's system attributes: the caller's (JSON-normalised), and its claim key (which they cannot set). */
export function initialSystemAttrs(opts: CreateTrialOptions): Record<string, unknown> {
  const attrs = opts.systemAttrs ? (jsonValue(opts.systemAttrs) as Record<string, unknown>) : {};
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) throw new StorageError('createTrial: systemAttrs must be an object');
  delete attrs.claimKey;
  if (opts.claimKey !== undefined) attrs.claimKey = opts.claimKey;
  return attrs;
}

export function checkDirection(direction: Direction): void {
  if (direction !== 'minimize' && direction !== 'maximize') {
    throw configError(`study direction: expected minimize or maximize, found ${JSON.stringify(direction)}`);
  }
}

/** One direction, or one per objective, as a non-empty list of checked directions. */
export function checkDirections(direction: Direction | readonly Direction[]): Direction[] {
  const list = Array.isArray(direction) ? [...direction] : [direction as Direction];
  if (list.length === 0) throw configError('study directions: expected at least one direction (minimize or maximize), found none');
  list.forEach(checkDirection);
  return list;
}

export function sameDirections(a: readonly Direction[], b: readonly Direction[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** "minimize" for one direction, "[minimize, maximize]" for several. */
export function showDirections(d: readonly Direction[]): string {
  return d.length === 1 ? d[0] : `[${d.join(', ')}]`;
}

export function directionMismatch(name: string, stored: readonly Direction[], asked: readonly Direction[]): Error {
  const what = (d: readonly Direction[]) => (d.length === 1 ? `direction ${d[0]}` : `${d.length} directions ${showDirections(d)}`);
  return configError(
    `study "${name}" already exists with ${what(stored)}, not ${what(asked)} (use another study name, or the same ${stored.length === 1 ? 'direction' : 'directions'})`,
  );
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

/**
 * A final vector of values as stored: undefined when any is NaN (no values, like a NaN value),
 * the numbers otherwise.
 */
export function finalValues(values: readonly number[] | undefined): number[] | undefined {
  if (!values || values.length === 0 || values.some((v) => typeof v !== 'number' || Number.isNaN(v))) return undefined;
  return [...values];
}

/** A vector of values as JSON text (±Infinity as the strings "Infinity" / "-Infinity", JSON having no such numbers). */
export function encodeValues(values: readonly number[] | undefined): string | null {
  return values ? JSON.stringify(values.map((v) => (Number.isFinite(v) ? v : String(v)))) : null;
}

/** A stored vector of values (JSON text, or already parsed by the driver) back as numbers; undefined when absent or malformed. */
export function decodeValues(stored: unknown): number[] | undefined {
  const a = typeof stored === 'string' ? safeParse(stored) : stored;
  if (!Array.isArray(a) || a.length === 0) return undefined;
  const out = a.map((v) => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN));
  return out.some(Number.isNaN) ? undefined : out;
}

/** A stored list of directions (JSON text or parsed), falling back on the single `direction` column (databases before multi-objective studies). */
export function decodeDirections(stored: unknown, direction: Direction): Direction[] {
  const a = typeof stored === 'string' ? safeParse(stored) : stored;
  if (Array.isArray(a) && a.length > 0 && a.every((d) => d === 'minimize' || d === 'maximize')) return a as Direction[];
  return [direction];
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
  /** The stored vector of values (multi-objective), as JSON text or parsed. */
  values?: unknown;
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
  const values = decodeValues(t.values);
  if (values !== undefined) {
    out.values = values;
    out.value = values[0];
  }
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
