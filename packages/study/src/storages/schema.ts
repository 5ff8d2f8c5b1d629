/**
 * The tables of the SQLite and PostgreSQL storages, described once. Both dialects' DDL is
 * generated from `TABLES`; what differs between them (identity columns, JSON and time types,
 * the current time) is in `TYPES` and `NOW` below and nowhere else.
 *
 * Tables (prefixed vaekit_ so they can share a database with other software, e.g. Optuna):
 *   vaekit_meta(key, value)                            schema_version
 *   vaekit_studies(id, name UNIQUE, direction, directions JSON, attrs JSON, created_at)
 *   vaekit_trials(id, study_id, number, state, value, objective_values JSON, claim_key,
 *                 system_attrs JSON, started_at, finished_at, heartbeat, error)
 *                                                                   UNIQUE(study_id, number)
 *   vaekit_trial_params(trial_id, name, value JSON, distribution JSON)
 *   vaekit_trial_intermediate(trial_id, step, value)
 *   vaekit_trial_user_attrs(trial_id, key, value JSON)
 *
 * Directions: `directions` is the JSON list of a study's directions, one per objective;
 * `direction` is its first (NULL `directions`, in a database older than version 3, means
 * [direction]). A multi-objective trial keeps its vector in `objective_values` (a JSON list,
 * ±Infinity as the strings "Infinity" / "-Infinity") and its first element in `value`; a
 * single-objective trial's `objective_values` is NULL.
 *
 * Numbers: a trial's value is NULL when it has none (a failed trial, or a NaN result). An
 * intermediate value is kept whatever it is: ±Infinity as such, NaN as NULL (SQLite cannot
 * store NaN), so a reported value is never lost and reads back the same from both databases.
 * JSON columns are TEXT holding JSON in SQLite, JSONB in PostgreSQL; times are ISO-8601 UTC
 * text in SQLite, TIMESTAMPTZ in PostgreSQL.
 */
import { CLAIM_HOLDING_SQL, sqlList } from './rules';
import { TRIAL_STATES } from './common';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The schema version this code writes. 1: the first schema (PostgreSQL refused NULL
 * intermediate values); 2: NULL intermediate values (NaN) in both databases; 3: multi-objective
 * studies (a study's `directions`, a trial's `objective_values`).
 */
export const SCHEMA_VERSION = 3;

type ColumnType = 'id' | 'int' | 'float' | 'text' | 'json' | 'time';

export interface Column {
  name: string;
  type: ColumnType;
  notNull?: boolean;
  unique?: boolean;
  default?: 'emptyObject' | 'now';
  /** Allowed values (a CHECK constraint). */
  oneOf?: readonly string[];
  /** Foreign key to this table's id, deleted with it. */
  references?: string;
}

export interface Index {
  name: string;
  columns: string[];
  unique?: boolean;
  /** A partial index's condition (the same SQL in both dialects). */
  where?: string;
}

export interface Table {
  name: string;
  columns: Column[];
  primaryKey?: string[];
  unique?: string[][];
  indexes?: Index[];
}

export const TABLES: readonly Table[] = [
  {
    name: 'vaekit_meta',
    columns: [
      { name: 'key', type: 'text' },
      { name: 'value', type: 'text', notNull: true },
    ],
    primaryKey: ['key'],
  },
  {
    name: 'vaekit_studies',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'name', type: 'text', notNull: true, unique: true },
      { name: 'direction', type: 'text', notNull: true, oneOf: ['minimize', 'maximize'] },
      { name: 'directions', type: 'json' },
      { name: 'attrs', type: 'json', notNull: true, default: 'emptyObject' },
      { name: 'created_at', type: 'time', notNull: true, default: 'now' },
    ],
  },
  {
    name: 'vaekit_trials',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'study_id', type: 'int', notNull: true, references: 'vaekit_studies' },
      { name: 'number', type: 'int', notNull: true },
      { name: 'state', type: 'text', notNull: true, oneOf: TRIAL_STATES },
      { name: 'value', type: 'float' },
      { name: 'objective_values', type: 'json' },
      { name: 'claim_key', type: 'text' },
      { name: 'system_attrs', type: 'json', notNull: true, default: 'emptyObject' },
      { name: 'started_at', type: 'time' },
      { name: 'finished_at', type: 'time' },
      { name: 'heartbeat', type: 'time' },
      { name: 'error', type: 'text' },
    ],
    unique: [['study_id', 'number']],
    indexes: [
      { name: 'vaekit_trials_state', columns: ['study_id', 'state'] },
      // Backs up the claim rule: one live trial per (study, claim key).
      { name: 'vaekit_trials_claim', columns: ['study_id', 'claim_key'], unique: true, where: `claim_key IS NOT NULL AND ${CLAIM_HOLDING_SQL}` },
    ],
  },
  {
    name: 'vaekit_trial_params',
    columns: [
      { name: 'trial_id', type: 'int', notNull: true, references: 'vaekit_trials' },
      { name: 'name', type: 'text', notNull: true },
      { name: 'value', type: 'json', notNull: true },
      { name: 'distribution', type: 'json' },
    ],
    primaryKey: ['trial_id', 'name'],
  },
  {
    name: 'vaekit_trial_intermediate',
    columns: [
      { name: 'trial_id', type: 'int', notNull: true, references: 'vaekit_trials' },
      { name: 'step', type: 'int', notNull: true },
      { name: 'value', type: 'float' }, // NULL = NaN, see encodeIntermediate
    ],
    primaryKey: ['trial_id', 'step'],
  },
  {
    name: 'vaekit_trial_user_attrs',
    columns: [
      { name: 'trial_id', type: 'int', notNull: true, references: 'vaekit_trials' },
      { name: 'key', type: 'text', notNull: true },
      { name: 'value', type: 'json', notNull: true },
    ],
    primaryKey: ['trial_id', 'key'],
  },
];

/** Each column type in each dialect. */
const TYPES: Record<ColumnType, Record<Dialect, string>> = {
  id: { sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT', postgres: 'INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY' },
  int: { sqlite: 'INTEGER', postgres: 'INTEGER' },
  float: { sqlite: 'REAL', postgres: 'DOUBLE PRECISION' },
  text: { sqlite: 'TEXT', postgres: 'TEXT' },
  json: { sqlite: 'TEXT', postgres: 'JSONB' },
  time: { sqlite: 'TEXT', postgres: 'TIMESTAMPTZ' },
};

/** The current time as a column value: ISO-8601 UTC text (as Date.toISOString writes it) in SQLite. */
export const NOW: Record<Dialect, string> = {
  sqlite: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
  postgres: 'now()',
};

/** The time some seconds ago (the SQL parameter `param`), comparable with time columns. */
export function secondsAgo(d: Dialect, param: string): string {
  return d === 'sqlite' ? `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%.3f seconds', ${param}))` : `now() - make_interval(secs => ${param}::float8)`;
}

function columnDdl(c: Column, d: Dialect): string {
  const parts = [c.name.padEnd(12), TYPES[c.type][d]];
  if (c.notNull) parts.push('NOT NULL');
  if (c.unique) parts.push('UNIQUE');
  if (c.default === 'emptyObject') parts.push("DEFAULT '{}'");
  if (c.default === 'now') parts.push(`DEFAULT (${NOW[d]})`);
  if (c.oneOf) parts.push(`CHECK (${c.name} IN ${sqlList(c.oneOf)})`);
  if (c.references) parts.push(`REFERENCES ${c.references}(id) ON DELETE CASCADE`);
  return parts.join(' ');
}

/** The CREATE TABLE / CREATE INDEX statements of one table (IF NOT EXISTS: harmless on an existing database). */
export function tableDdl(t: Table, d: Dialect): string {
  const lines = t.columns.map((c) => columnDdl(c, d));
  if (t.primaryKey) lines.push(`PRIMARY KEY (${t.primaryKey.join(', ')})`);
  for (const u of t.unique ?? []) lines.push(`UNIQUE (${u.join(', ')})`);
  const out = [`CREATE TABLE IF NOT EXISTS ${t.name} (\n  ${lines.join(',\n  ')}\n);`];
  for (const i of t.indexes ?? []) {
    out.push(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${i.name} ON ${t.name} (${i.columns.join(', ')})${i.where ? ` WHERE ${i.where}` : ''};`);
  }
  return out.join('\n');
}

/** The whole schema's DDL in one dialect. */
export function schemaDdl(d: Dialect): string {
  return TABLES.map((t) => tableDdl(t, d)).join('\n');
}

/**
 * What brings a database of an older schema version to the next one, per dialect
 * (`MIGRATIONS[v]` goes from version v to v + 1). Run in the transaction that opens the schema.
 */
export const MIGRATIONS: Record<number, Record<Dialect, string[]>> = {
  1: {
    sqlite: [], // the intermediate value was nullable already
    postgres: ['ALTER TABLE vaekit_trial_intermediate ALTER COLUMN value DROP NOT NULL'],
  },
  2: {
    sqlite: [
      'ALTER TABLE vaekit_studies ADD COLUMN directions TEXT',
      'UPDATE vaekit_studies SET directions = json_array(direction) WHERE directions IS NULL',
      'ALTER TABLE vaekit_trials ADD COLUMN objective_values TEXT',
    ],
    postgres: [
      'ALTER TABLE vaekit_studies ADD COLUMN IF NOT EXISTS directions JSONB',
      'UPDATE vaekit_studies SET directions = jsonb_build_array(direction) WHERE directions IS NULL',
      'ALTER TABLE vaekit_trials ADD COLUMN IF NOT EXISTS objective_values JSONB',
    ],
  },
};

/**
 * The statements that open a schema: none when the database is at SCHEMA_VERSION, the
 * migrations when it is older; a StorageError message when it is newer than this code.
 * `stored` is the version found in vaekit_meta (undefined: a fresh database, created at SCHEMA_VERSION).
 */
export function migrationsFrom(stored: number, d: Dialect): string[] | { newer: string } {
  if (stored > SCHEMA_VERSION) return { newer: `schema version ${stored} is newer than this vaekit understands (${SCHEMA_VERSION}); upgrade vaekit` };
  const out: string[] = [];
  for (let v = stored; v < SCHEMA_VERSION; v++) out.push(...(MIGRATIONS[v]?.[d] ?? []));
  return out;
}

/** An intermediate value as stored: NaN becomes NULL (±Infinity stay). */
export function encodeIntermediate(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** An intermediate value as read: NULL is NaN. */
export function decodeIntermediate(value: number | null): number {
  return value ?? NaN;
}
