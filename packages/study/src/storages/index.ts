/**
 * Study storages and the URL that picks one:
 *   memory:                         this process only, nothing persisted
 *   sqlite:PATH                     a file, PATH relative to the working directory (sqlite:runs/studies.db)
 *   sqlite:///abs/path              a file by absolute path (also sqlite:/abs/path)
 *   postgres://user:pass@host/db    PostgreSQL, for workers on several machines (also postgresql://)
 * No URL (undefined or empty): SQLite at `defaults.defaultSqlitePath`.
 */
import * as path from 'path';
import { configError } from './common';
import type { VaekitStorage } from './common';
import { InMemoryStorage } from './memory';
import { PostgresStorage } from './postgres';
import { redactStorageUrl } from './redact';
import { SqliteStorage } from './sqlite';

export { InMemoryStorage } from './memory';
export { SqliteStorage } from './sqlite';
export type { SqliteStorageOptions } from './sqlite';
export { PostgresStorage } from './postgres';
export type { PostgresStorageOptions } from './postgres';
export { StorageError, TrialNotRunningError } from './common';
export type { StorageExtras, VaekitStorage } from './common';
export { BaseStorage } from './base';
export type { StudyRows } from './base';
export { bestTrial, rankTrials, staleError } from './rules';
export { REDACTED, redactSecrets, redactStorageUrl, redactUrlsIn, secretsOf } from './redact';
export { SCHEMA_VERSION, schemaDdl, TABLES } from './schema';
export type { Dialect } from './schema';

export const STORAGE_URL_FORMS = 'memory:, sqlite:PATH (relative to the working directory), sqlite:///absolute/path, postgres://user:password@host:port/database (or postgresql://)';

/** Where a storage URL points, without opening anything. */
export type StorageTarget = { kind: 'memory' } | { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Parses a storage URL; throws a ConfigError naming the URL and the accepted forms. */
export function parseStorageUrl(url: string | undefined, defaults: { defaultSqlitePath: string }, cwd = process.cwd()): StorageTarget {
  const u = url?.trim() ?? '';
  if (u === '') return { kind: 'sqlite', path: path.resolve(cwd, defaults.defaultSqlitePath) };
  if (u === 'memory:' || u === 'memory://') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(u)) return { kind: 'postgres', url: u };
  if (/^sqlite:/i.test(u)) {
    let rest = u.slice('sqlite:'.length);
    if (rest.startsWith('//')) rest = rest.slice(2); // sqlite:///abs → /abs, sqlite://rel → rel
    if (rest === '') throw configError(`storage URL "${redactStorageUrl(url)}" names no file (accepted: ${STORAGE_URL_FORMS})`);
    return { kind: 'sqlite', path: rest === ':memory:' ? rest : path.resolve(cwd, rest) };
  }
  throw configError(`storage URL "${redactStorageUrl(url ?? '')}" is not one vaekit knows (accepted: ${STORAGE_URL_FORMS})`);
}

/** How `openStorage` opens a storage. */
export interface OpenStorageOptions {
  /**
   * For commands that only read (`vaekit studies`, `trials`, `report`, `dashboard`): the storage
   * must exist, and nothing is written to it (a SQLite file is neither created nor migrated and no
   * side file is made; a PostgreSQL database gets no DDL and runs read-only transactions).
   */
  readOnly?: boolean;
}

/** Opens the storage a URL names (see parseStorageUrl); a PostgreSQL one is connected and, unless read-only, its schema created. */
export async function openStorage(url: string | undefined, defaults: { defaultSqlitePath: string }, o: OpenStorageOptions = {}): Promise<VaekitStorage> {
  const target = parseStorageUrl(url, defaults);
  switch (target.kind) {
    case 'memory':
      return new InMemoryStorage();
    case 'sqlite':
      return new SqliteStorage(target.path, { readOnly: o.readOnly });
    case 'postgres': {
      const s = new PostgresStorage(target.url, { readOnly: o.readOnly });
      try {
        return await s.open();
      } catch (e) {
        await s.close().catch(() => undefined);
        throw e;
      }
    }
  }
}
