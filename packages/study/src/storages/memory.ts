/**
 * A storage in this process's memory (`memory:`), for studies that need no persistence.
 * Every method does its work synchronously before its first await, so concurrent async calls
 * (several workers in one process) see each change whole: numbers and claims never collide.
 * Values are copied in and out (attributes JSON-normalised, as a database would), so callers
 * never share objects with the store.
 */
import type { Direction, Distribution, FrozenTrial, ParamValue, StoredStudy, TrialState } from '../types';
import { BaseStorage, type FinalState, type StudyRows } from './base';
import { type CreateTrialOptions, initialSystemAttrs, finalValue, jsonValue, StorageError, TrialNotRunningError } from './common';
import { holdsClaim, isLive, isStale, refusesTrial } from './rules';

interface MemStudy {
  id: number;
  name: string;
  directions: Direction[];
  attrs: Record<string, unknown>;
  trials: FrozenTrial[];
}

export class InMemoryStorage extends BaseStorage {
  private readonly studies = new Map<number, MemStudy>();
  private nextId = 1;
  private closed = false;

  protected async findOrCreateStudy(name: string, directions: Direction[], attrs: Record<string, unknown>): Promise<{ id: number; directions: Direction[] }> {
    this.open();
    const found = this.byName(name);
    if (found) return { id: found.id, directions: [...found.directions] };
    const id = this.nextId++;
    this.studies.set(id, { id, name, directions: [...directions], attrs, trials: [] });
    return { id, directions };
  }

  async getStudy(name: string): Promise<StoredStudy | undefined> {
    this.open();
    const s = this.byName(name);
    return s && { id: s.id, name: s.name, direction: s.directions[0], directions: [...s.directions], attrs: structuredClone(s.attrs) };
  }

  protected async studyRows(): Promise<StudyRows[]> {
    this.open();
    return [...this.studies.values()].map((s) => ({
      name: s.name,
      direction: s.directions[0],
      directions: [...s.directions],
      counts: s.trials.map((t) => ({ state: t.state, n: 1 })),
      complete: s.trials.filter((t) => t.state === 'COMPLETE'),
    }));
  }

  async createTrial(studyId: number, opts: CreateTrialOptions = {}): Promise<FrozenTrial | undefined> {
    this.open();
    const s = this.study(studyId);
    const live = s.trials.filter((t) => isLive(t.state)).length;
    const claimHeld = s.trials.some((t) => holdsClaim(t.state) && t.systemAttrs.claimKey === opts.claimKey);
    if (refusesTrial(opts, live, claimHeld)) return undefined;
    const now = new Date().toISOString();
    const t: FrozenTrial = {
      number: s.trials.length,
      state: 'RUNNING',
      params: { ...(opts.params ?? {}) },
      distributions: structuredClone(Object.fromEntries(Object.keys(opts.params ?? {}).filter((k) => opts.distributions?.[k]).map((k) => [k, opts.distributions![k]]))),
      intermediate: {},
      userAttrs: {},
      systemAttrs: initialSystemAttrs(opts),
      startedAt: now,
    };
    s.trials.push(t);
    return structuredClone(t);
  }

  async setParam(studyId: number, trialNumber: number, name: string, value: ParamValue, dist: Distribution): Promise<void> {
    this.open();
    const t = this.running(studyId, trialNumber);
    t.params[name] = value;
    t.distributions[name] = structuredClone(dist);
  }

  protected async putIntermediate(studyId: number, trialNumber: number, step: number, value: number): Promise<void> {
    this.open();
    this.running(studyId, trialNumber).intermediate[step] = value;
  }

  async setUserAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    this.open();
    this.trial(studyId, trialNumber).userAttrs[key] = jsonValue(value);
  }

  protected async putSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    this.open();
    this.trial(studyId, trialNumber).systemAttrs[key] = value;
  }

  protected async finish(
    studyId: number,
    trialNumber: number,
    state: FinalState,
    value: number | undefined,
    useLastReported: boolean,
    error: string | undefined,
    values?: number[],
  ): Promise<boolean> {
    this.open();
    const t = this.trial(studyId, trialNumber);
    if (t.state !== 'RUNNING') return false;
    const v = useLastReported ? lastReported(t) : value;
    t.state = state;
    if (v !== undefined) t.value = v;
    if (values !== undefined) t.values = [...values];
    if (error !== undefined) t.error = error;
    t.finishedAt = new Date().toISOString();
    return true;
  }

  async heartbeat(studyId: number, trialNumber: number): Promise<void> {
    this.open();
    const t = this.studies.get(studyId)?.trials[trialNumber];
    if (t && t.state === 'RUNNING') t.heartbeat = new Date().toISOString();
  }

  protected async failStale(studyId: number, seconds: number, error: string): Promise<number[]> {
    this.open();
    const s = this.studies.get(studyId);
    if (!s) return [];
    const cutoff = Date.now() - seconds * 1000;
    const failed: number[] = [];
    const now = new Date().toISOString();
    for (const t of s.trials) {
      if (isStale(t, cutoff)) {
        t.state = 'FAIL';
        t.error = error;
        t.finishedAt = now;
        failed.push(t.number);
      }
    }
    return failed;
  }

  protected async trials(studyId: number, states?: TrialState[]): Promise<FrozenTrial[]> {
    this.open();
    const trials = this.studies.get(studyId)?.trials ?? [];
    return structuredClone(states ? trials.filter((t) => states.includes(t.state)) : trials);
  }

  async getTrial(studyId: number, trialNumber: number): Promise<FrozenTrial | undefined> {
    this.open();
    const t = this.studies.get(studyId)?.trials[trialNumber];
    return t && structuredClone(t);
  }

  /** EXTRA (not in the Storage interface): see StorageExtras. */
  async deleteStudy(name: string): Promise<boolean> {
    this.open();
    const s = this.byName(name);
    return s ? this.studies.delete(s.id) : false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.studies.clear();
  }

  private open(): void {
    if (this.closed) throw new StorageError('memory: storage is closed');
  }

  private byName(name: string): MemStudy | undefined {
    for (const s of this.studies.values()) if (s.name === name) return s;
    return undefined;
  }

  private study(studyId: number): MemStudy {
    const s = this.studies.get(studyId);
    if (!s) throw new StorageError(`no study with id ${studyId}`);
    return s;
  }

  private trial(studyId: number, trialNumber: number): FrozenTrial {
    const t = this.study(studyId).trials[trialNumber];
    if (!t) throw new StorageError(`study ${studyId} has no trial ${trialNumber}`);
    return t;
  }

  private running(studyId: number, trialNumber: number): FrozenTrial {
    const t = this.trial(studyId, trialNumber);
    if (t.state !== 'RUNNING') throw new TrialNotRunningError(studyId, trialNumber, t.state);
    return t;
  }
}

function lastReported(t: FrozenTrial): number | undefined {
  const steps = Object.keys(t.intermediate).map(Number);
  return steps.length ? finalValue(t.intermediate[Math.max(...steps)]) : undefined;
}
