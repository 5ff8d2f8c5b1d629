/**
 * The base of the three storages, after Optuna's BaseStorage: the public methods check their
 * arguments and apply the rules (rules.ts) once; a storage implements only the protected
 * methods below, i.e. how it reads and writes (its transport) and how it keeps concurrent
 * workers apart (its locking).
 */
import type { Direction, Distribution, FrozenTrial, ParamValue, StoredStudy, StudySummary, TrialState } from '../types';
import {
  checkDirections,
  checkFinalState,
  checkStaleSeconds,
  checkStep,
  checkSystemAttrKey,
  type CreateTrialOptions,
  directionMismatch,
  finalValue,
  finalValues,
  jsonValue,
  sameDirections,
  type VaekitStorage,
} from './common';
import { staleError, studySummary } from './rules';

/** What `listStudies` is derived from: each study with its trial counts per state and its COMPLETE trials. */
export interface StudyRows {
  name: string;
  direction: Direction;
  directions: Direction[];
  counts: Array<{ state: TrialState; n: number }>;
  complete: FrozenTrial[];
}

export type FinalState = 'COMPLETE' | 'PRUNED' | 'FAIL';

export abstract class BaseStorage implements VaekitStorage {
  async createStudy(name: string, direction: Direction | readonly Direction[], attrs: Record<string, unknown> = {}): Promise<number> {
    const directions = checkDirections(direction);
    const s = await this.findOrCreateStudy(name, directions, jsonValue(attrs ?? {}) as Record<string, unknown>);
    if (!sameDirections(s.directions, directions)) throw directionMismatch(name, s.directions, directions);
    return s.id;
  }

  async listStudies(): Promise<StudySummary[]> {
    return (await this.studyRows()).map((s) => studySummary(s, s.counts, s.complete));
  }

  async reportIntermediate(studyId: number, trialNumber: number, step: number, value: number): Promise<void> {
    checkStep(step);
    await this.putIntermediate(studyId, trialNumber, step, value);
  }

  /** EXTRA (not in the Storage interface): see StorageExtras. */
  async setSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    checkSystemAttrKey(key);
    await this.putSystemAttr(studyId, trialNumber, key, jsonValue(value));
  }

  /**
   * A NaN value is no value; a PRUNED trial without one keeps its last reported value (if finite
   * or ±Infinity). A vector (multi-objective) is kept whole, its first element as `value`; with a
   * NaN in it the trial keeps no value.
   */
  async finishTrial(studyId: number, trialNumber: number, state: FinalState, value?: number | readonly number[], error?: string): Promise<boolean> {
    checkFinalState(state);
    if (Array.isArray(value)) {
      const values = finalValues(value);
      return this.finish(studyId, trialNumber, state, values?.[0], false, error, values);
    }
    const v = finalValue(value as number | undefined);
    return this.finish(studyId, trialNumber, state, v, state === 'PRUNED' && v === undefined, error);
  }

  async failStaleTrials(studyId: number, seconds: number): Promise<number[]> {
    checkStaleSeconds(seconds);
    return (await this.failStale(studyId, seconds, staleError(seconds))).sort((a, b) => a - b);
  }

  async getTrials(studyId: number, states?: TrialState[]): Promise<FrozenTrial[]> {
    if (states && states.length === 0) return [];
    return this.trials(studyId, states);
  }

  /** The study of that name as it is stored, created with these arguments if missing (atomically). */
  protected abstract findOrCreateStudy(name: string, directions: Direction[], attrs: Record<string, unknown>): Promise<{ id: number; directions: Direction[] }>;
  /** All studies, ordered by id, read in one consistent snapshot. */
  protected abstract studyRows(): Promise<StudyRows[]>;
  /** Stores a RUNNING trial's intermediate value (the last report of a step wins); TrialNotRunningError otherwise. */
  protected abstract putIntermediate(studyId: number, trialNumber: number, step: number, value: number): Promise<void>;
  /** Stores a JSON-normalised system attribute. */
  protected abstract putSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void>;
  /**
   * Moves a RUNNING trial to `state` with `value` (undefined: none), or, with `useLastReported`,
   * with its last step's intermediate value (none if that is NaN); `values`, a multi-objective
   * trial's vector (`value` is its first element). False if it is not RUNNING.
   */
  protected abstract finish(
    studyId: number,
    trialNumber: number,
    state: FinalState,
    value: number | undefined,
    useLastReported: boolean,
    error: string | undefined,
    values?: number[],
  ): Promise<boolean>;
  /** Fails the stale trials (rules.isStale / staleSql) with `error`; returns their numbers. */
  protected abstract failStale(studyId: number, seconds: number, error: string): Promise<number[]>;
  /** The study's trials ordered by number, only those in `states` (non-empty) if given. */
  protected abstract trials(studyId: number, states?: TrialState[]): Promise<FrozenTrial[]>;

  abstract getStudy(name: string): Promise<StoredStudy | undefined>;
  abstract createTrial(studyId: number, opts?: CreateTrialOptions): Promise<FrozenTrial | undefined>;
  abstract setParam(studyId: number, trialNumber: number, name: string, value: ParamValue, dist: Distribution): Promise<void>;
  abstract setUserAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void>;
  abstract heartbeat(studyId: number, trialNumber: number): Promise<void>;
  abstract getTrial(studyId: number, trialNumber: number): Promise<FrozenTrial | undefined>;
  abstract deleteStudy(name: string): Promise<boolean>;
  abstract close(): Promise<void>;
}
