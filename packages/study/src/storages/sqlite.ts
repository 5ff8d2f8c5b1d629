/**
 * A storage in one SQLite file (`sqlite:PATH`), shared safely by the processes of one machine.
 *
 * better-sqlite3 is synchronous: each method runs its statements to the end before returning
 * its promise, so calls from one process never interleave. Across processes, WAL mode lets
 * readers work while one writer writes; every write runs in a `BEGIN IMMEDIATE` transaction
 * (the write lock is taken before anything is read), and a busy timeout makes a process wait
 * for the lock instead of failing. So createTrial's count / claim check / next number / insert
 * happen as one step: numbers are unique and `maxTrials` / `claimKey` hold across processes.
 * A partial unique index on (study, claim key) of non-FAIL trials backs the claim rule up.
 *
 * The tables are described in schema.ts, e.g.
 * `SELECT number, value, json_extract(p.value, '$') FROM vaekit_trials t JOIN vaekit_trial_params p ON p.trial_id = t.id WHERE p.name = 'lr'`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Direction, Distribution, FrozenTrial, ParamValue, StoredStudy, TrialState } from '../types';
import { BaseStorage, type FinalState, type StudyRows } from './base';
import { type CreateTrialOptions, initialSystemAttrs, decodeDirections, encodeValues, frozenTrial, jsonText, loadDriver, StorageError, TrialNotRunningError } from './common';
import { CLAIM_HOLDING_SQL, LIVE_SQL, refusesTrial, staleSql } from './rules';
import { decodeIntermediate, encodeIntermediate, migrationsFrom, NOW, schemaDdl, SCHEMA_VERSION, secondsAgo } from './schema';

const SCHEMA = schemaDdl('sqlite');

interface TrialRow {
  id: number;
  number: number;
  state: TrialState;
  value: number | null;
  objective_values: string | null;
  system_attrs: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat: string | null;
  error: string | null;
}

interface StudyRow {
  id: number;
  direction: Direction;
  directions: string | null;
}

type SqliteDb = BetterSqlite3.Database;

export interface SqliteStorageOptions {
  /** How long a process waits for another's write lock, in ms (default 10 000). */
  busyTimeoutMs?: number;
  /**
   * Opens an existing file for reading only (`vaekit studies`, `trials`, `report`, `dashboard`):
   * nothing is ever written to the file or its folder (no schema, no migration, no WAL side
   * files), so a database copied from someone else, in a folder the user cannot write, can be
   * read. Every write method throws.
   */
  readOnly?: boolean;
}

/** SQLite's messages for a file that is not a readable SQLite database. */
const CORRUPT = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CANTOPEN', 'SQLITE_IOERR_SHORT_READ']);

/** The first 16 bytes of every SQLite 3 database. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export class SqliteStorage extends BaseStorage {
  readonly file: string;
  readonly readOnly: boolean;
  private db?: SqliteDb;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** Read-only: the file's state when the open connection was made (a snapshot is re-read when it changes). */
  private seen?: string;
  private snapshot = false;

  /** Opens (creating if needed, with its parent directories) the database file and its schema; see `readOnly`. */
  constructor(file: string, o: SqliteStorageOptions = {}) {
    super();
    const memory = file === ':memory:' || file === '';
    this.file = memory ? file : path.resolve(file);
    this.readOnly = !!o.readOnly && !memory;
    if (this.readOnly) {
      this.db = this.openReadOnly();
      return;
    }
    if (!memory) checkDatabaseFile(this.file, false);
    if (!memory) {
      checkFolderFor(this.file);
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
    }
    const Database = loadDriver<typeof BetterSqlite3>('better-sqlite3', 'sqlite:');
    const busy = o.busyTimeoutMs ?? 10_000;
    let db: SqliteDb;
    try {
      db = new Database(this.file, { timeout: busy });
    } catch (e) {
      throw sqliteError(this.file, e);
    }
    try {
      db.pragma(`busy_timeout = ${Math.floor(busy)}`);
      // Switching to WAL needs a moment alone with the file; another process opening it at the
      // same time may make that fail with SQLITE_BUSY without waiting, so retry briefly.
      retryBusy(() => db.pragma('journal_mode = WAL'), busy);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      retryBusy(() => db.transaction(() => createSchema(db, this.file)).immediate(), busy);
    } catch (e) {
      db.close();
      throw sqliteError(this.file, e);
    }
    this.db = db;
  }

  /**
   * A read-only connection. A database in WAL mode whose writer is gone (no -wal file) would make
   * even a read-only connection create its -wal and -shm files, so it is read from a snapshot of
   * the file in memory instead, taken again when the file changes; while a writer is live (its
   * -wal file exists) the connection reads through the writer's side files, creating none.
   */
  private openReadOnly(): SqliteDb {
    const header = checkDatabaseFile(this.file, true);
    const Database = loadDriver<typeof BetterSqlite3>('better-sqlite3', 'sqlite:');
    const wal = header[18] === 2 || header[19] === 2;
    const live = wal && fs.existsSync(`${this.file}-wal`) && fs.existsSync(`${this.file}-shm`);
    this.seen = fileState(this.file);
    let db: SqliteDb | undefined;
    try {
      if (live) {
        db = new Database(this.file, { readonly: true, fileMustExist: true, timeout: 10_000 });
        this.snapshot = false;
        if (!hasCurrentSchema(db)) {
          db.close();
          db = undefined;
        }
      } else if (!wal) {
        db = new Database(this.file, { readonly: true, fileMustExist: true, timeout: 10_000 });
        this.snapshot = false;
        if (!hasCurrentSchema(db)) {
          db.close();
          db = undefined;
        }
      }
      if (!db) {
        // In memory: the schema of an older (or empty) database is brought up to date there, never on disk.
        const bytes = fs.readFileSync(this.file);
        if (bytes.length >= 20 && wal) bytes[18] = bytes[19] = 1; // an in-memory copy cannot be in WAL mode
        db = new Database(bytes);
        this.snapshot = true;
        db.transaction(() => createSchema(db!, this.file)).immediate();
      }
      db.prepare('SELECT COUNT(*) FROM vaekit_studies').get(); // reads the pages: a truncated file fails here
      return db;
    } catch (e) {
      db?.close();
      throw sqliteError(this.file, e);
    }
  }

  protected async findOrCreateStudy(name: string, directions: Direction[], attrs: Record<string, unknown>): Promise<{ id: number; directions: Direction[] }> {
    const row = this.write(
      () =>
        (this.q('SELECT id, direction, directions FROM vaekit_studies WHERE name = ?').get(name) as StudyRow | undefined) ??
        // created_at explicitly: a database made by schema version 1 has no default for it.
        (this.q(`INSERT INTO vaekit_studies (name, direction, directions, attrs, created_at) VALUES (?, ?, ?, ?, ${NOW.sqlite}) RETURNING id, direction, directions`).get(
          name,
          directions[0],
          JSON.stringify(directions),
          jsonText(attrs),
        ) as StudyRow),
    );
    return { id: row.id, directions: decodeDirections(row.directions, row.direction) };
  }

  async getStudy(name: string): Promise<StoredStudy | undefined> {
    const row = this.read(() => this.q('SELECT id, name, direction, directions, attrs FROM vaekit_studies WHERE name = ?').get(name)) as
      | (StudyRow & { name: string; attrs: string })
      | undefined;
    return row && { id: row.id, name: row.name, direction: row.direction, directions: decodeDirections(row.directions, row.direction), attrs: JSON.parse(row.attrs) };
  }

  protected async studyRows(): Promise<StudyRows[]> {
    return this.read(() => {
      const studies = this.q('SELECT id, name, direction, directions FROM vaekit_studies ORDER BY id').all() as Array<StudyRow & { name: string }>;
      const counts = this.q('SELECT study_id, state, COUNT(*) AS n FROM vaekit_trials GROUP BY study_id, state').all() as Array<{ study_id: number; state: TrialState; n: number }>;
      return studies.map((s) => ({
        name: s.name,
        direction: s.direction,
        directions: decodeDirections(s.directions, s.direction),
        counts: counts.filter((r) => r.study_id === s.id),
        complete: this.readTrials(s.id, ['COMPLETE']),
      }));
    });
  }

  async createTrial(studyId: number, opts: CreateTrialOptions = {}): Promise<FrozenTrial | undefined> {
    return this.write(() => {
      if (!this.q('SELECT 1 FROM vaekit_studies WHERE id = ?').get(studyId)) throw new StorageError(`no study with id ${studyId}`);
      const { live } = this.q(`SELECT COUNT(*) AS live FROM vaekit_trials WHERE study_id = ? AND ${LIVE_SQL}`).get(studyId) as { live: number };
      const claimHeld = opts.claimKey !== undefined && !!this.q(`SELECT 1 FROM vaekit_trials WHERE study_id = ? AND claim_key = ? AND ${CLAIM_HOLDING_SQL}`).get(studyId, opts.claimKey);
      if (refusesTrial(opts, live, claimHeld)) return undefined;
      const systemAttrs = initialSystemAttrs(opts);
      const { id: trialId, number: next, started_at: started } = this.q(
        `INSERT INTO vaekit_trials (study_id, number, state, claim_key, system_attrs, started_at)
         VALUES (?, (SELECT COALESCE(MAX(number) + 1, 0) FROM vaekit_trials WHERE study_id = ?), 'RUNNING', ?, ?, ${NOW.sqlite})
         RETURNING id, number, started_at`,
      ).get(studyId, studyId, opts.claimKey ?? null, jsonText(systemAttrs)) as { id: number; number: number; started_at: string };
      for (const [name, value] of Object.entries(opts.params ?? {})) {
        const dist = opts.distributions?.[name];
        this.q('INSERT INTO vaekit_trial_params (trial_id, name, value, distribution) VALUES (?, ?, ?, ?)').run(trialId, name, jsonText(value), dist ? jsonText(dist) : null);
      }
      return frozenTrial({
        number: next,
        state: 'RUNNING',
        params: { ...(opts.params ?? {}) },
        distributions: JSON.parse(JSON.stringify(pick(opts.distributions ?? {}, Object.keys(opts.params ?? {})))),
        systemAttrs,
        startedAt: started,
      });
    });
  }

  async setParam(studyId: number, trialNumber: number, name: string, value: ParamValue, dist: Distribution): Promise<void> {
    this.write(() => {
      const id = this.runningId(studyId, trialNumber);
      this.q(
        'INSERT INTO vaekit_trial_params (trial_id, name, value, distribution) VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, name) DO UPDATE SET value = excluded.value, distribution = excluded.distribution',
      ).run(id, name, jsonText(value), jsonText(dist));
    });
  }

  protected async putIntermediate(studyId: number, trialNumber: number, step: number, value: number): Promise<void> {
    this.write(() => {
      const id = this.runningId(studyId, trialNumber);
      this.q('INSERT INTO vaekit_trial_intermediate (trial_id, step, value) VALUES (?, ?, ?) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value').run(
        id,
        step,
        encodeIntermediate(value),
      );
    });
  }

  async setUserAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    this.write(() => {
      const { id } = this.trialRef(studyId, trialNumber);
      this.q('INSERT INTO vaekit_trial_user_attrs (trial_id, key, value) VALUES (?, ?, ?) ON CONFLICT (trial_id, key) DO UPDATE SET value = excluded.value').run(
        id,
        key,
        jsonText(value),
      );
    });
  }

  protected async putSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    this.write(() => {
      const { id } = this.trialRef(studyId, trialNumber);
      const row = this.q('SELECT system_attrs FROM vaekit_trials WHERE id = ?').get(id) as { system_attrs: string };
      const attrs = JSON.parse(row.system_attrs) as Record<string, unknown>;
      attrs[key] = value;
      this.q('UPDATE vaekit_trials SET system_attrs = ? WHERE id = ?').run(JSON.stringify(attrs), id);
    });
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
    return this.write(() => {
      const t = this.trialRef(studyId, trialNumber);
      if (t.state !== 'RUNNING') return false;
      const v = useLastReported
        ? ((this.q('SELECT value FROM vaekit_trial_intermediate WHERE trial_id = ? ORDER BY step DESC LIMIT 1').get(t.id) as { value: number | null } | undefined)?.value ?? null)
        : (value ?? null);
      const r = this.q(`UPDATE vaekit_trials SET state = ?, value = ?, objective_values = ?, error = ?, finished_at = ${NOW.sqlite} WHERE id = ? AND state = 'RUNNING'`).run(
        state,
        v,
        encodeValues(values),
        error ?? null,
        t.id,
      );
      return r.changes === 1;
    });
  }

  async heartbeat(studyId: number, trialNumber: number): Promise<void> {
    this.write(() => {
      this.q(`UPDATE vaekit_trials SET heartbeat = ${NOW.sqlite} WHERE study_id = ? AND number = ? AND state = 'RUNNING'`).run(studyId, trialNumber);
    });
  }

  protected async failStale(studyId: number, seconds: number, error: string): Promise<number[]> {
    return this.write(() => {
      const rows = this.q(
        `UPDATE vaekit_trials SET state = 'FAIL', error = ?, finished_at = ${NOW.sqlite} WHERE study_id = ? AND ${staleSql(secondsAgo('sqlite', '?'))} RETURNING number`,
      ).all(error, studyId, seconds) as Array<{ number: number }>;
      return rows.map((r) => r.number);
    });
  }

  protected async trials(studyId: number, states?: TrialState[]): Promise<FrozenTrial[]> {
    return this.read(() => this.readTrials(studyId, states));
  }

  /** The study's trials (only those in `states` if given), inside a read or write transaction. */
  private readTrials(studyId: number, states?: TrialState[]): FrozenTrial[] {
    const filter = states ? ` AND state IN (${states.map(() => '?').join(', ')})` : '';
    const rows = this.q(`SELECT * FROM vaekit_trials WHERE study_id = ?${filter} ORDER BY number`).all(studyId, ...(states ?? [])) as TrialRow[];
    if (rows.length === 0) return [];
    const byId = new Map<number, FrozenTrial>();
    const out = rows.map((r) => {
      const t = this.toTrial(r);
      byId.set(r.id, t);
      return t;
    });
    // In the order they were suggested (rowid order), which samplers such as NSGA-II follow.
    const params = this.q('SELECT p.trial_id, p.name, p.value, p.distribution FROM vaekit_trial_params p JOIN vaekit_trials t ON t.id = p.trial_id WHERE t.study_id = ? ORDER BY p.rowid').all(
      studyId,
    ) as Array<{ trial_id: number; name: string; value: string; distribution: string | null }>;
    for (const p of params) {
      const t = byId.get(p.trial_id);
      if (!t) continue;
      t.params[p.name] = JSON.parse(p.value);
      if (p.distribution !== null) t.distributions[p.name] = JSON.parse(p.distribution);
    }
    const inter = this.q(
      'SELECT i.trial_id, i.step, i.value FROM vaekit_trial_intermediate i JOIN vaekit_trials t ON t.id = i.trial_id WHERE t.study_id = ? ORDER BY i.trial_id, i.step',
    ).all(studyId) as Array<{ trial_id: number; step: number; value: number | null }>;
    for (const i of inter) {
      const t = byId.get(i.trial_id);
      if (t) t.intermediate[i.step] = decodeIntermediate(i.value);
    }
    const attrs = this.q('SELECT a.trial_id, a.key, a.value FROM vaekit_trial_user_attrs a JOIN vaekit_trials t ON t.id = a.trial_id WHERE t.study_id = ?').all(studyId) as Array<{
      trial_id: number;
      key: string;
      value: string;
    }>;
    for (const a of attrs) {
      const t = byId.get(a.trial_id);
      if (t) t.userAttrs[a.key] = JSON.parse(a.value);
    }
    return out;
  }

  async getTrial(studyId: number, trialNumber: number): Promise<FrozenTrial | undefined> {
    return this.read(() => {
      const row = this.q('SELECT * FROM vaekit_trials WHERE study_id = ? AND number = ?').get(studyId, trialNumber) as TrialRow | undefined;
      if (!row) return undefined;
      const t = this.toTrial(row);
      const { params, distributions } = this.paramsOf(row.id);
      t.params = params;
      t.distributions = distributions;
      for (const i of this.q('SELECT step, value FROM vaekit_trial_intermediate WHERE trial_id = ? ORDER BY step').all(row.id) as Array<{ step: number; value: number | null }>) {
        t.intermediate[i.step] = decodeIntermediate(i.value);
      }
      for (const a of this.q('SELECT key, value FROM vaekit_trial_user_attrs WHERE trial_id = ?').all(row.id) as Array<{ key: string; value: string }>) {
        t.userAttrs[a.key] = JSON.parse(a.value);
      }
      return t;
    });
  }

  /** EXTRA (not in the Storage interface): see StorageExtras. */
  async deleteStudy(name: string): Promise<boolean> {
    return this.write(() => this.q('DELETE FROM vaekit_studies WHERE name = ?').run(name).changes > 0);
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
  }

  private conn(): SqliteDb {
    if (!this.db) throw new StorageError(`sqlite:${this.file}: storage is closed`);
    return this.db;
  }

  /** Read-only, before a read: a snapshot is taken again when the file changed. */
  private refresh(): void {
    if (!this.db || !this.readOnly || !this.changed()) return;
    this.statements.clear();
    this.db.close();
    this.db = undefined;
    this.db = this.openReadOnly();
  }

  /** Read-only: whether the file (or its -wal file) changed since the connection was made, when that connection cannot see it. */
  private changed(): boolean {
    if (!this.snapshot) return false;
    return fileState(this.file) !== this.seen;
  }

  private q(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.conn().prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs fn in a BEGIN IMMEDIATE transaction: the write lock first, so no two processes interleave. */
  private write<T>(fn: () => T): T {
    if (this.readOnly) throw new StorageError(`sqlite:${this.file}: opened read-only, it cannot be changed`);
    try {
      return this.conn().transaction(fn).immediate();
    } catch (e) {
      throw corruptError(this.file, e);
    }
  }

  /** Runs fn in a read transaction: one consistent snapshot for several SELECTs. */
  private read<T>(fn: () => T): T {
    try {
      this.refresh();
      return this.conn().transaction(fn).deferred();
    } catch (e) {
      throw corruptError(this.file, e);
    }
  }

  private trialRef(studyId: number, trialNumber: number): { id: number; state: TrialState } {
    const t = this.q('SELECT id, state FROM vaekit_trials WHERE study_id = ? AND number = ?').get(studyId, trialNumber) as { id: number; state: TrialState } | undefined;
    if (!t) throw new StorageError(`study ${studyId} has no trial ${trialNumber}`);
    return t;
  }

  private runningId(studyId: number, trialNumber: number): number {
    const t = this.trialRef(studyId, trialNumber);
    if (t.state !== 'RUNNING') throw new TrialNotRunningError(studyId, trialNumber, t.state);
    return t.id;
  }

  private paramsOf(trialId: number): { params: Record<string, ParamValue>; distributions: Record<string, Distribution> } {
    const params: Record<string, ParamValue> = {};
    const distributions: Record<string, Distribution> = {};
    for (const p of this.q('SELECT name, value, distribution FROM vaekit_trial_params WHERE trial_id = ? ORDER BY rowid').all(trialId) as Array<{
      name: string;
      value: string;
      distribution: string | null;
    }>) {
      params[p.name] = JSON.parse(p.value);
      if (p.distribution !== null) distributions[p.name] = JSON.parse(p.distribution);
    }
    return { params, distributions };
  }

  private toTrial(r: TrialRow): FrozenTrial {
    return frozenTrial({
      number: r.number,
      state: r.state,
      value: r.value,
      values: r.objective_values,
      systemAttrs: JSON.parse(r.system_attrs),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      heartbeat: r.heartbeat,
      error: r.error,
    });
  }
}

function pick<T>(o: Record<string, T>, keys: string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of keys) if (k in o) out[k] = o[k];
  return out;
}

function retryBusy<T>(fn: () => T, budgetMs: number): T {
  const until = Date.now() + budgetMs;
  for (;;) {
    try {
      return fn();
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > until) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 30);
    }
  }
}

/** Creates the tables if missing and migrates an older schema, inside the caller's transaction. */
function createSchema(db: SqliteDb, file: string): void {
  db.exec(SCHEMA);
  db.prepare('INSERT OR IGNORE INTO vaekit_meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  const row = db.prepare("SELECT value FROM vaekit_meta WHERE key = 'schema_version'").get() as { value: string };
  const todo = migrationsFrom(Number(row.value), 'sqlite');
  if ('newer' in todo) throw new StorageError(`${file}: ${todo.newer}`, { exitCode: 2 });
  if (Number(row.value) < SCHEMA_VERSION) {
    for (const sql of todo) db.exec(sql);
    db.prepare("UPDATE vaekit_meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION));
  }
}

/** Whether a database holds this version's schema (so it can be read as it is). */
function hasCurrentSchema(db: SqliteDb): boolean {
  const meta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vaekit_meta'").get();
  if (!meta) return false;
  const row = db.prepare("SELECT value FROM vaekit_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  if (row && Number(row.value) > SCHEMA_VERSION) throw new StorageError(`schema version ${row.value} is newer than this vaekit understands (${SCHEMA_VERSION}); upgrade vaekit`, { exitCode: 2 });
  return !!row && Number(row.value) === SCHEMA_VERSION;
}

/** Size, modification time and inode of a file and of its -wal file: what changes when it is written. */
function fileState(file: string): string {
  const one = (f: string): string => {
    try {
      const st = fs.statSync(f);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return `${one(file)}|${one(`${file}-wal`)}`;
}

/**
 * Checks that `file`, when it exists, is a regular file that starts like a SQLite database (an
 * empty file is accepted for writing: SQLite makes it one); `mustExist` for read-only use.
 * Returns the file's first 100 bytes (its header), empty when there is none.
 */
/** The kernel's virtual file systems: never a place for a study database (and Node's recursive mkdir spins forever in /proc). */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

/**
 * Before the database file's folders are created: the nearest existing ancestor must be a folder
 * outside /proc, /sys and /dev (after resolving links).
 */
function checkFolderFor(file: string): void {
  let dir = path.dirname(file);
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dir);
    } catch {
      st = undefined;
    }
    if (st) {
      if (!st.isDirectory()) throw new StorageError(`sqlite:${file}: ${dir} is not a folder, so the study database cannot be created there`, { exitCode: 2 });
      const real = fs.realpathSync(dir);
      if (SYSTEM_DIRS.some((d) => real === d || real.startsWith(d + path.sep))) {
        throw new StorageError(`sqlite:${file}: is under ${real}, a system folder, not a place for a study database`, { exitCode: 2 });
      }
      return;
    }
    const up = path.dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

function checkDatabaseFile(file: string, mustExist: boolean): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    if (!mustExist && (e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw new StorageError(`sqlite:${file}: cannot open the study database: ${(e as Error).message}`, { exitCode: 2 });
  }
  if (st.isDirectory()) throw new StorageError(`sqlite:${file}: is a folder, not a study database file`, { exitCode: 2 });
  if (!st.isFile()) throw new StorageError(`sqlite:${file}: is not a regular file (a study database is a SQLite file)`, { exitCode: 2 });
  if (st.size === 0) {
    if (mustExist) throw new StorageError(`sqlite:${file}: is empty, not a SQLite study database`, { exitCode: 2 });
    return Buffer.alloc(0);
  }
  const header = Buffer.alloc(100);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const n = fs.readSync(fd, header, 0, 100, 0);
    if (n < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) {
      throw new StorageError(`sqlite:${file}: is not a SQLite database (its first bytes are not a SQLite header): expected a study database written by vaekit search`, { exitCode: 2 });
    }
  } catch (e) {
    if (e instanceof StorageError) throw e;
    throw new StorageError(`sqlite:${file}: cannot read the study database: ${(e as Error).message}`, { exitCode: 2 });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return header;
}

/** An error of SQLite while opening a file, as a StorageError naming it (exit code 2 when the file is at fault). */
function sqliteError(file: string, e: unknown): Error {
  if (e instanceof StorageError) return e;
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error)?.message ?? String(e);
  if (CORRUPT.has(code)) return new StorageError(`sqlite:${file}: is not a readable SQLite study database (SQLite: ${message})`, { exitCode: 2, cause: e });
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code === 'SQLITE_AUTH') {
    return new StorageError(`sqlite:${file}: cannot write the study database (SQLite: ${message}); vaekit search needs write access to the file and its folder`, { exitCode: 2, cause: e });
  }
  if (code.startsWith('SQLITE_')) return new StorageError(`sqlite:${file}: ${message}`, { cause: e });
  return e as Error;
}

/** A corrupt page met while reading or writing: a StorageError naming the file (exit code 2). */
function corruptError(file: string, e: unknown): unknown {
  const code = (e as { code?: string }).code ?? '';
  if (CORRUPT.has(code)) return new StorageError(`sqlite:${file}: is not a readable SQLite study database (SQLite: ${(e as Error).message})`, { exitCode: 2, cause: e });
  return e;
}
