import { ConfigError } from './errors';
import { createPruner, Pruner } from './pruners';
import { createSampler, GridSampler, Sampler } from './samplers';
import { openStorage } from './storages';
import { Trial, TrialPruned } from './trial';
import type { Direction, FrozenTrial, ParamValue, Storage } from './types';

export interface SamplerSpec {
  name: 'tpe' | 'random' | 'grid';
  seed?: number;
  [option: string]: unknown;
}

export interface PrunerSpec {
  name: string;
  [option: string]: unknown;
}

export interface StudyOptions {
  name?: string;
  direction: Direction;
  sampler?: SamplerSpec | Sampler;
  /** For the grid sampler: each parameter's values. */
  searchSpace?: Record<string, ParamValue[]>;
  pruner?: PrunerSpec | Pruner;
  /** A Storage, or a URL: `sqlite:PATH`, `postgres://…`, `memory:` (the default). */
  storage?: string | Storage;
  /** Free attributes kept with the study (the tuner stores its metric and config there). */
  attrs?: Record<string, unknown>;
}

export interface OptimizeOptions {
  /** The study ends when it holds this many finished (COMPLETE or PRUNED) trials, across all workers. */
  nTrials: number;
  /** Stop starting new trials after this long. */
  timeoutSeconds?: number;
  /** Trials run concurrently in this process (the objective must be async to overlap). */
  workers?: number;
  /** How often a running trial tells the storage it is alive. */
  heartbeatSeconds?: number;
  /** RUNNING trials silent for this long are marked FAIL before new ones start (dead workers). */
  staleSeconds?: number;
  /** Stop after this many failed trials in this call; failures do not count towards nTrials. */
  maxFailures?: number;
  /** Called when a trial ends, with its final state. */
  onTrialEnd?: (t: FrozenTrial, study: Study) => void | Promise<void>;
}

export type Objective = (trial: Trial) => number | Promise<number>;

let unnamed = 0;

/** A study: its storage, sampler and pruner, and the loop that runs trials. */
export class Study {
  readonly name: string;
  readonly direction: Direction;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  private storage?: Storage;
  private studyId = -1;
  private cache: FrozenTrial[] = [];

  constructor(private readonly o: StudyOptions) {
    this.name = o.name ?? `study-${process.pid}-${++unnamed}`;
    this.direction = o.direction;
    if (o.direction !== 'minimize' && o.direction !== 'maximize') {
      throw configError(`study.direction: expected minimize or maximize, found ${JSON.stringify(o.direction)}`);
    }
    this.sampler = isSampler(o.sampler) ? o.sampler : createSampler(o.sampler ?? { name: 'tpe' }, o.searchSpace);
    this.pruner = isPruner(o.pruner) ? o.pruner : createPruner(o.pruner ?? { name: 'none' });
  }

  /** Opens the storage and creates or loads the study. */
  async open(): Promise<this> {
    if (this.storage) return this;
    this.storage = typeof this.o.storage === 'object' ? this.o.storage : await openStorage(this.o.storage ?? 'memory:', { defaultSqlitePath: 'studies.db' });
    this.studyId = await this.storage.createStudy(this.name, this.direction, this.o.attrs);
    await this.refresh();
    return this;
  }

  async close(): Promise<void> {
    await this.storage?.close();
    this.storage = undefined;
  }

  /** Re-reads the trials from storage (other workers may have added some). */
  async refresh(): Promise<FrozenTrial[]> {
    this.cache = await this.storage!.getTrials(this.studyId);
    return this.cache;
  }

  get trials(): FrozenTrial[] {
    return this.cache;
  }

  get bestTrial(): FrozenTrial | undefined {
    const done = this.cache.filter((t) => t.state === 'COMPLETE' && t.value !== undefined && Number.isFinite(t.value));
    if (!done.length) return undefined;
    const sign = this.direction === 'minimize' ? 1 : -1;
    return done.reduce((a, b) => (sign * b.value! < sign * a.value! ? b : a));
  }

  get bestValue(): number | undefined {
    return this.bestTrial?.value;
  }

  get bestParams(): Record<string, ParamValue> | undefined {
    return this.bestTrial?.params;
  }

  /** Runs trials until the study holds nTrials finished ones, the grid is exhausted, or time runs out. */
  async optimize(objective: Objective, o: OptimizeOptions): Promise<void> {
    await this.open();
    const storage = this.storage!;
    const deadline = o.timeoutSeconds ? Date.now() + o.timeoutSeconds * 1000 : Infinity;
    const maxFailures = o.maxFailures ?? Math.max(10, o.nTrials);
    let failures = 0;
    let stop = false;
    const heartbeat = o.heartbeatSeconds ?? 10;
    const stale = o.staleSeconds ?? Math.max(60, 6 * heartbeat);
    const worker = async () => {
      while (!stop && Date.now() < deadline && failures < maxFailures) {
        await storage.failStaleTrials(this.studyId, stale);
        const claimed = await this.claim(o.nTrials);
        if (claimed === 'done') break;
        if (claimed === 'wait') {
          // Trials of other workers are running: they may yet fail (or go stale) and leave work.
          await sleep(Math.min(500, heartbeat * 100));
          continue;
        }
        const state = await this.runTrial(claimed, objective, heartbeat);
        if (state === 'FAIL') failures++;
        const final = await storage.getTrial(this.studyId, claimed.number);
        if (final) await o.onTrialEnd?.(final, this);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, o.workers ?? 1) }, worker));
    } finally {
      stop = true;
      await this.refresh();
    }
  }

  /**
   * Claims the next trial: a new number, and for a grid the first point no live trial holds.
   * 'wait' when the study is full only because of trials still running elsewhere.
   */
  private async claim(nTrials: number): Promise<FrozenTrial | 'wait' | 'done'> {
    const storage = this.storage!;
    const grid = this.sampler instanceof GridSampler ? this.sampler : undefined;
    for (;;) {
      const trials = await storage.getTrials(this.studyId);
      const finished = trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED').length;
      const running = trials.some((t) => t.state === 'RUNNING');
      if (finished >= nTrials) return 'done';
      if (!grid) {
        const t = await storage.createTrial(this.studyId, { maxTrials: nTrials });
        if (t) return t;
        return running ? 'wait' : 'done';
      }
      const held = new Set(trials.filter((t) => t.state !== 'FAIL').map((t) => t.systemAttrs.claimKey));
      let point = -1;
      for (let i = 0; i < grid.size && point < 0; i++) if (!held.has(String(i))) point = i;
      if (point < 0) return running ? 'wait' : 'done';
      const t = await storage.createTrial(this.studyId, {
        maxTrials: nTrials,
        claimKey: String(point),
        params: grid.pointAt(point),
        distributions: grid.distributions(),
      });
      if (t) {
        t.systemAttrs.gridPoint = point;
        return t;
      }
      // Refused: the study is full of live trials (wait for them), or another worker took this point first (look again).
      const live = (await storage.getTrials(this.studyId)).filter((x) => x.state !== 'FAIL').length;
      if (live >= nTrials) return 'wait';
    }
  }

  private async runTrial(frozen: FrozenTrial, objective: Objective, heartbeatSeconds: number): Promise<'COMPLETE' | 'PRUNED' | 'FAIL'> {
    const storage = this.storage!;
    const trial = new Trial(storage, this.studyId, frozen, this.sampler, this.pruner, this.direction);
    const beat = setInterval(() => void storage.heartbeat(this.studyId, frozen.number).catch(() => undefined), heartbeatSeconds * 1000);
    beat.unref?.();
    try {
      const value = await objective(trial);
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        await storage.finishTrial(this.studyId, frozen.number, 'FAIL', undefined, `the objective returned ${value}, not a finite number`);
        return 'FAIL';
      }
      await storage.finishTrial(this.studyId, frozen.number, 'COMPLETE', value);
      return 'COMPLETE';
    } catch (e) {
      if (e instanceof TrialPruned) {
        await storage.finishTrial(this.studyId, frozen.number, 'PRUNED', trial.lastReported());
        return 'PRUNED';
      }
      await storage.finishTrial(this.studyId, frozen.number, 'FAIL', undefined, (e as Error)?.message ?? String(e));
      return 'FAIL';
    } finally {
      clearInterval(beat);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isSampler(x: unknown): x is Sampler {
  return !!x && typeof (x as Sampler).sample === 'function';
}

function isPruner(x: unknown): x is Pruner {
  return !!x && typeof (x as Pruner).shouldPrune === 'function';
}

function configError(message: string): ConfigError {
  return new ConfigError(message, 'study.direction');
}

/** Creates a study (opened on first use); `await study.optimize(objective, { nTrials })` runs it. */
export function createStudy(o: StudyOptions): Study {
  return new Study(o);
}

/** Opens an existing or new study now. */
export async function loadStudy(o: StudyOptions): Promise<Study> {
  return new Study(o).open();
}
