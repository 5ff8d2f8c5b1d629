/**
 * A storage in PostgreSQL (`postgres://user:pass@host:port/db`), for workers on several machines.
 *
 * createTrial locks the study's row (`SELECT … FOR UPDATE`) for its transaction, so the count,
 * the claim check, the next number and the insert of one worker happen before another's start:
 * numbers are unique and `maxTrials` / `claimKey` hold across processes and machines. A unique
 * index on (study, number) and a partial unique index on (study, claim key) of non-FAIL trials
 * back both rules up. Other changes are single conditional UPDATEs (`… AND state = 'RUNNING'`),
 * atomic by themselves. All times (start, finish, heartbeat, staleness) come from the database
 * server's clock, so the machines' clocks need not agree.
 *
 * The tables are described in schema.ts.
 */
import * as fs from 'fs';
import type * as PG from 'pg';
import type { Direction, Distribution, FrozenTrial, ParamValue, StoredStudy, TrialState } from '../types';
import { BaseStorage, type FinalState, type StudyRows } from './base';
import { type CreateTrialOptions, initialSystemAttrs, decodeDirections, encodeValues, frozenTrial, jsonText, loadDriver, StorageError, TrialNotRunningError } from './common';
import { CLAIM_HOLDING_SQL, LIVE_SQL, refusesTrial, staleSql } from './rules';
import { decodeIntermediate, encodeIntermediate, migrationsFrom, schemaDdl, SCHEMA_VERSION, secondsAgo } from './schema';
import { redactSecrets, redactStorageUrl } from './redact';

/** Serialises schema creation between processes opening a fresh database at once. */
const SCHEMA_LOCK = 727_330_115;

const SCHEMA = schemaDdl('postgres');

/**
 * One trial with its params, intermediate values and user attrs, in one statement (one snapshot).
 * Columns added after the first schema are read through to_jsonb(row), which yields NULL where the
 * column is missing: a read-only connection to an older database reads it as it is.
 */
const TRIAL_SELECT = `
SELECT t.id, t.study_id, t.number, t.state, t.value, to_jsonb(t) -> 'objective_values' AS objective_values, t.system_attrs, t.started_at, t.finished_at, t.heartbeat, t.error,
  ARRAY(SELECT p.name FROM vaekit_trial_params p WHERE p.trial_id = t.id ORDER BY p.name) AS param_names,
  ARRAY(SELECT p.value FROM vaekit_trial_params p WHERE p.trial_id = t.id ORDER BY p.name) AS param_values,
  ARRAY(SELECT p.distribution FROM vaekit_trial_params p WHERE p.trial_id = t.id ORDER BY p.name) AS param_dists,
  ARRAY(SELECT i.step FROM vaekit_trial_intermediate i WHERE i.trial_id = t.id ORDER BY i.step) AS steps,
  ARRAY(SELECT i.value FROM vaekit_trial_intermediate i WHERE i.trial_id = t.id ORDER BY i.step) AS step_values,
  COALESCE((SELECT jsonb_object_agg(a.key, a.value) FROM vaekit_trial_user_attrs a WHERE a.trial_id = t.id), '{}'::jsonb) AS user_attrs
FROM vaekit_trials t`;

/** A study's directions (NULL in a database older than schema version 3: see TRIAL_SELECT). */
const DIRECTIONS = "to_jsonb(s) -> 'directions' AS directions";

interface StudyRow {
  id: number;
  direction: Direction;
  directions: unknown;
}

interface TrialRow {
  id: number;
  number: number;
  state: TrialState;
  value: number | null;
  objective_values: unknown;
  system_attrs: Record<string, unknown>;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat: Date | null;
  error: string | null;
  param_names: string[];
  param_values: ParamValue[];
  param_dists: Array<Distribution | null>;
  steps: number[];
  step_values: Array<number | null>;
  user_attrs: Record<string, unknown>;
}

export interface PostgresStorageOptions {
  /** Connections in this process's pool (default 4: each worker process runs few queries at once). */
  poolSize?: number;
  /** Reads only: no DDL, and every transaction is read-only (see OpenStorageOptions). */
  readOnly?: boolean;
}

/** PostgreSQL error codes worth retrying the whole transaction for. */
const RETRYABLE = new Set(['40001', '40P01']);

export class PostgresStorage extends BaseStorage {
  private pool?: PG.Pool;
  private schema?: Promise<void>;
  /** The URL without its password, for messages. */
  readonly where: string;

  readonly readOnly: boolean;
  /** The URL as given (with its password): only for connecting and for redacting messages. */
  private readonly url: string;
  /** Read-only: the database holds no vaekit tables (so no studies). */
  private empty = false;

  constructor(url: string, o: PostgresStorageOptions = {}) {
    super();
    this.where = redact(url);
    this.url = url;
    this.readOnly = !!o.readOnly;
    checkSslFiles(url, this.where);
    const pg = loadDriver<typeof PG>('pg', 'postgres:');
    this.pool = new pg.Pool({
      connectionString: url,
      max: o.poolSize ?? 4,
      application_name: 'vaekit',
      ...(this.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Connects and creates the schema if missing; every method does this on first use anyway. */
  async open(): Promise<this> {
    await this.ready();
    return this;
  }

  protected async findOrCreateStudy(name: string, directions: Direction[], attrs: Record<string, unknown>): Promise<{ id: number; directions: Direction[] }> {
    await this.ready();
    for (;;) {
      const ins = await this.pool!.query<StudyRow>(
        'INSERT INTO vaekit_studies (name, direction, directions, attrs) VALUES ($1, $2, $3::jsonb, $4::jsonb) ON CONFLICT (name) DO NOTHING RETURNING id, direction, directions',
        [name, directions[0], JSON.stringify(directions), jsonText(attrs)],
      );
      const found = ins.rows[0] ?? (await this.pool!.query<StudyRow>(`SELECT id, direction, ${DIRECTIONS} FROM vaekit_studies s WHERE name = $1`, [name])).rows[0];
      if (found) return { id: found.id, directions: decodeDirections(found.directions, found.direction) }; // else deleted in between: try again
    }
  }

  async getStudy(name: string): Promise<StoredStudy | undefined> {
    await this.ready();
    if (this.empty) return undefined;
    const r = await this.pool!.query<StudyRow & { name: string; attrs: Record<string, unknown> }>(
      `SELECT id, name, direction, ${DIRECTIONS}, attrs FROM vaekit_studies s WHERE name = $1`,
      [name],
    );
    const row = r.rows[0];
    return row && { id: row.id, name: row.name, direction: row.direction, directions: decodeDirections(row.directions, row.direction), attrs: row.attrs };
  }

  protected async studyRows(): Promise<StudyRows[]> {
    await this.ready();
    if (this.empty) return [];
    return this.tx(async (c) => {
      const studies = (await c.query<StudyRow & { name: string }>(`SELECT id, name, direction, ${DIRECTIONS} FROM vaekit_studies s ORDER BY id`)).rows;
      const counts = (await c.query<{ study_id: number; state: TrialState; n: string }>('SELECT study_id, state, COUNT(*) AS n FROM vaekit_trials GROUP BY study_id, state')).rows;
      const complete = (await c.query<TrialRow & { study_id: number }>(`${TRIAL_SELECT} WHERE t.state = 'COMPLETE' ORDER BY t.study_id, t.number`)).rows;
      return studies.map((s) => ({
        name: s.name,
        direction: s.direction,
        directions: decodeDirections(s.directions, s.direction),
        counts: counts.filter((r) => r.study_id === s.id).map((r) => ({ state: r.state, n: Number(r.n) })),
        complete: complete.filter((r) => r.study_id === s.id).map(toTrial),
      }));
    }, 'REPEATABLE READ READ ONLY');
  }

  async createTrial(studyId: number, opts: CreateTrialOptions = {}): Promise<FrozenTrial | undefined> {
    await this.ready();
    try {
      return await this.tx(async (c) => {
        const study = await c.query('SELECT id FROM vaekit_studies WHERE id = $1 FOR UPDATE', [studyId]);
        if (!study.rows.length) throw new StorageError(`no study with id ${studyId}`);
        const live = Number((await c.query<{ n: string }>(`SELECT COUNT(*) AS n FROM vaekit_trials WHERE study_id = $1 AND ${LIVE_SQL}`, [studyId])).rows[0].n);
        const claimHeld =
          opts.claimKey !== undefined &&
          (await c.query(`SELECT 1 FROM vaekit_trials WHERE study_id = $1 AND claim_key = $2 AND ${CLAIM_HOLDING_SQL} LIMIT 1`, [studyId, opts.claimKey])).rows.length > 0;
        if (refusesTrial(opts, live, claimHeld)) return undefined;
        const systemAttrs = initialSystemAttrs(opts);
        const ins = await c.query<{ id: number; number: number; started_at: Date }>(
          `INSERT INTO vaekit_trials (study_id, number, state, claim_key, system_attrs, started_at)
           VALUES ($1, (SELECT COALESCE(MAX(number) + 1, 0) FROM vaekit_trials WHERE study_id = $1), 'RUNNING', $2, $3::jsonb, now())
           RETURNING id, number, started_at`,
          [studyId, opts.claimKey ?? null, jsonText(systemAttrs)],
        );
        const { id, number, started_at } = ins.rows[0];
        const params: Record<string, ParamValue> = {};
        const distributions: Record<string, Distribution> = {};
        for (const [name, value] of Object.entries(opts.params ?? {})) {
          const dist = opts.distributions?.[name];
          await c.query('INSERT INTO vaekit_trial_params (trial_id, name, value, distribution) VALUES ($1, $2, $3::jsonb, $4::jsonb)', [
            id,
            name,
            jsonText(value),
            dist ? jsonText(dist) : null,
          ]);
          params[name] = value;
          if (dist) distributions[name] = JSON.parse(jsonText(dist));
        }
        return frozenTrial({ number, state: 'RUNNING', params, distributions, systemAttrs, startedAt: started_at.toISOString() });
      });
    } catch (e) {
      // The claim index caught a claim the study lock should have prevented (e.g. a foreign writer): a refusal all the same.
      if ((e as { code?: string; constraint?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'vaekit_trials_claim') return undefined;
      throw e;
    }
  }

  async setParam(studyId: number, trialNumber: number, name: string, value: ParamValue, dist: Distribution): Promise<void> {
    await this.ready();
    await this.tx(async (c) => {
      const id = await this.runningId(c, studyId, trialNumber);
      await c.query(
        `INSERT INTO vaekit_trial_params (trial_id, name, value, distribution) VALUES ($1, $2, $3::jsonb, $4::jsonb)
         ON CONFLICT (trial_id, name) DO UPDATE SET value = excluded.value, distribution = excluded.distribution`,
        [id, name, jsonText(value), jsonText(dist)],
      );
    });
  }

  protected async putIntermediate(studyId: number, trialNumber: number, step: number, value: number): Promise<void> {
    await this.ready();
    await this.tx(async (c) => {
      const id = await this.runningId(c, studyId, trialNumber);
      await c.query(
        'INSERT INTO vaekit_trial_intermediate (trial_id, step, value) VALUES ($1, $2, $3) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value',
        [id, step, encodeIntermediate(value)],
      );
    });
  }

  async setUserAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    await this.ready();
    const r = await this.pool!.query(
      `INSERT INTO vaekit_trial_user_attrs (trial_id, key, value)
       SELECT id, $3, $4::jsonb FROM vaekit_trials WHERE study_id = $1 AND number = $2
       ON CONFLICT (trial_id, key) DO UPDATE SET value = excluded.value`,
      [studyId, trialNumber, key, jsonText(value)],
    );
    if (r.rowCount === 0) throw new StorageError(`study ${studyId} has no trial ${trialNumber}`);
  }

  protected async putSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    await this.ready();
    const r = await this.pool!.query('UPDATE vaekit_trials SET system_attrs = system_attrs || jsonb_build_object($3::text, $4::jsonb) WHERE study_id = $1 AND number = $2', [
      studyId,
      trialNumber,
      key,
      jsonText(value),
    ]);
    if (r.rowCount === 0) throw new StorageError(`study ${studyId} has no trial ${trialNumber}`);
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
    await this.ready();
    const r = await this.pool!.query<{ number: number }>(
      `UPDATE vaekit_trials t SET state = $3, error = $5, finished_at = now(), objective_values = $7::jsonb,
         value = CASE WHEN $6::boolean
                      THEN (SELECT i.value FROM vaekit_trial_intermediate i WHERE i.trial_id = t.id ORDER BY i.step DESC LIMIT 1)
                      ELSE $4::float8 END
       WHERE t.study_id = $1 AND t.number = $2 AND t.state = 'RUNNING'
       RETURNING t.number`,
      [studyId, trialNumber, state, value ?? null, error ?? null, useLastReported, encodeValues(values)],
    );
    if (r.rows.length) return true;
    const exists = await this.pool!.query('SELECT 1 FROM vaekit_trials WHERE study_id = $1 AND number = $2', [studyId, trialNumber]);
    if (!exists.rows.length) throw new StorageError(`study ${studyId} has no trial ${trialNumber}`);
    return false;
  }

  async heartbeat(studyId: number, trialNumber: number): Promise<void> {
    await this.ready();
    await this.pool!.query("UPDATE vaekit_trials SET heartbeat = now() WHERE study_id = $1 AND number = $2 AND state = 'RUNNING'", [studyId, trialNumber]);
  }

  protected async failStale(studyId: number, seconds: number, error: string): Promise<number[]> {
    await this.ready();
    const r = await this.pool!.query<{ number: number }>(
      `UPDATE vaekit_trials SET state = 'FAIL', error = $3, finished_at = now() WHERE study_id = $1 AND ${staleSql(secondsAgo('postgres', '$2'))} RETURNING number`,
      [studyId, seconds, error],
    );
    return r.rows.map((x) => x.number);
  }

  protected async trials(studyId: number, states?: TrialState[]): Promise<FrozenTrial[]> {
    await this.ready();
    const r = states
      ? await this.pool!.query<TrialRow>(`${TRIAL_SELECT} WHERE t.study_id = $1 AND t.state = ANY($2::text[]) ORDER BY t.number`, [studyId, states])
      : await this.pool!.query<TrialRow>(`${TRIAL_SELECT} WHERE t.study_id = $1 ORDER BY t.number`, [studyId]);
    return r.rows.map(toTrial);
  }

  async getTrial(studyId: number, trialNumber: number): Promise<FrozenTrial | undefined> {
    await this.ready();
    const r = await this.pool!.query<TrialRow>(`${TRIAL_SELECT} WHERE t.study_id = $1 AND t.number = $2`, [studyId, trialNumber]);
    return r.rows.length ? toTrial(r.rows[0]) : undefined;
  }

  /** EXTRA (not in the Storage interface): see StorageExtras. */
  async deleteStudy(name: string): Promise<boolean> {
    await this.ready();
    const r = await this.pool!.query('DELETE FROM vaekit_studies WHERE name = $1', [name]);
    return (r.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.end();
  }

  private ready(): Promise<void> {
    if (!this.pool) return Promise.reject(new StorageError(`${this.where}: storage is closed`));
    if (!this.schema) {
      this.schema = (this.readOnly ? this.checkSchema() : this.createSchema()).catch((e: Error) => {
        this.schema = undefined; // let a later call try again
        if (e instanceof StorageError) throw new StorageError(redactSecrets(e.message, this.url), { exitCode: e.exitCode });
        // The driver's message may repeat connection parameters: never their secrets.
        throw new StorageError(`${this.where}: cannot open the study database: ${redactSecrets(e?.message ?? String(e), this.url)}`);
      });
    }
    return this.schema;
  }

  /** Read-only: checks the schema version without creating anything; a database without vaekit's tables holds no studies. */
  private async checkSchema(): Promise<void> {
    const c = await this.pool!.connect();
    try {
      const meta = await c.query<{ t: string | null }>("SELECT to_regclass('vaekit_meta')::text AS t");
      this.empty = meta.rows[0].t === null;
      if (this.empty) return;
      const row = (await c.query<{ value: string }>("SELECT value FROM vaekit_meta WHERE key = 'schema_version'")).rows[0];
      const todo = migrationsFrom(Number(row?.value ?? SCHEMA_VERSION), 'postgres');
      if ('newer' in todo) throw new StorageError(`${this.where}: ${todo.newer}`, { exitCode: 2 });
    } finally {
      c.release();
    }
  }

  private async createSchema(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await c.query(SCHEMA);
      await c.query("INSERT INTO vaekit_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING", [String(SCHEMA_VERSION)]);
      const stored = Number((await c.query<{ value: string }>("SELECT value FROM vaekit_meta WHERE key = 'schema_version'")).rows[0].value);
      const todo = migrationsFrom(stored, 'postgres');
      if ('newer' in todo) throw new StorageError(todo.newer);
      if (stored < SCHEMA_VERSION) {
        for (const sql of todo) await c.query(sql);
        await c.query("UPDATE vaekit_meta SET value = $1 WHERE key = 'schema_version'", [String(SCHEMA_VERSION)]);
      }
    });
  }

  /** Runs fn in a transaction on one pooled connection; retries on serialization failures and deadlocks. */
  private async tx<T>(fn: (c: PG.PoolClient) => Promise<T>, mode = 'READ COMMITTED'): Promise<T> {
    if (!this.pool) throw new StorageError(`${this.where}: storage is closed`);
    for (let attempt = 1; ; attempt++) {
      const c = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await c.query(`BEGIN ISOLATION LEVEL ${mode}${this.readOnly && !mode.endsWith('READ ONLY') ? ' READ ONLY' : ''}`);
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        try {
          await c.query('ROLLBACK');
        } catch (rollback) {
          broken = rollback as Error; // the connection is unusable: drop it from the pool
        }
        const code = (e as { code?: string }).code;
        if (!(code && RETRYABLE.has(code) && attempt < 5)) throw e;
        await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
      } finally {
        c.release(broken);
      }
    }
  }

  private async runningId(c: PG.PoolClient, studyId: number, trialNumber: number): Promise<number> {
    // FOR SHARE: a concurrent finishTrial / failStaleTrials waits until this change is in.
    const r = await c.query<{ id: number; state: TrialState }>('SELECT id, state FROM vaekit_trials WHERE study_id = $1 AND number = $2 FOR SHARE', [studyId, trialNumber]);
    const t = r.rows[0];
    if (!t) throw new StorageError(`study ${studyId} has no trial ${trialNumber}`);
    if (t.state !== 'RUNNING') throw new TrialNotRunningError(studyId, trialNumber, t.state);
    return t.id;
  }
}

function toTrial(r: TrialRow): FrozenTrial {
  const params: Record<string, ParamValue> = {};
  const distributions: Record<string, Distribution> = {};
  r.param_names.forEach((name, i) => {
    params[name] = r.param_values[i];
    const d = r.param_dists[i];
    if (d) distributions[name] = d;
  });
  const intermediate: Record<number, number> = {};
  r.steps.forEach((step, i) => (intermediate[step] = decodeIntermediate(r.step_values[i])));
  return frozenTrial({
    number: r.number,
    state: r.state,
    value: r.value,
    values: r.objective_values,
    params,
    distributions,
    intermediate,
    userAttrs: r.user_attrs,
    systemAttrs: r.system_attrs,
    startedAt: r.started_at?.toISOString(),
    finishedAt: r.finished_at?.toISOString(),
    heartbeat: r.heartbeat?.toISOString(),
    error: r.error,
  });
}

/** postgres://user:secret@host/db → postgres://user:***@host/db (and secret query parameters). */
export function redact(url: string): string {
  return redactStorageUrl(url);
}

/** The URL parameters naming files the driver reads (certificates and keys). */
const SSL_FILE_PARAMS = ['sslcert', 'sslkey', 'sslrootcert', 'sslcrl'];

/** Largest certificate or key file read (they are a few kB). */
const SSL_FILE_MAX_BYTES = 1 << 20;

/**
 * The certificate and key files a URL names must be regular files of at most 1 MiB: the driver
 * reads them whole, so a FIFO, a device or a huge file would hang it or fill the memory.
 */
function checkSslFiles(url: string, where: string): void {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return; // the driver reports an unparsable URL (without echoing it)
  }
  for (const key of SSL_FILE_PARAMS) {
    const file = params.get(key);
    if (file === null) continue;
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (e) {
      throw new StorageError(`${where}: ${key}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { exitCode: 2 });
    }
    if (!st.isFile()) throw new StorageError(`${where}: ${key}: ${file} is not a regular file (expected a PEM certificate or key)`, { exitCode: 2 });
    if (st.size > SSL_FILE_MAX_BYTES) throw new StorageError(`${where}: ${key}: ${file} is ${st.size} bytes, more than a certificate or key holds (at most ${SSL_FILE_MAX_BYTES})`, { exitCode: 2 });
  }
}
