import { StorageError } from '@vaekit/study';

const ALLOW = 'its install script builds a native module, so a project of your own must allow it: "allowScripts": { "better-sqlite3": true } in package.json';
const OTHERS = 'or pass --storage postgres://… (or memory: with --workers 1)';

/**
 * For a sqlite: storage, checks before anything is written that better-sqlite3 is installed and
 * its native module loads (npm skips the build when the package's install script is not allowed),
 * and says what to run when it does not.
 */
export function checkSqliteDriver(storage: string): void {
  if (!storage.startsWith('sqlite:')) return;
  let Database: new (file: string) => { close(): void };
  try {
    Database = require('better-sqlite3') as typeof Database;
  } catch (e) {
    const first = String((e as Error)?.message ?? e).split('\n')[0];
    throw new StorageError(`sqlite: storage needs the npm package better-sqlite3, which is not installed (${first}): install it with \`npm install better-sqlite3\` (${ALLOW}), ${OTHERS}`, { exitCode: 2, cause: e });
  }
  try {
    new Database(':memory:').close();
  } catch (e) {
    const first = String((e as Error)?.message ?? e).split('\n')[0];
    throw new StorageError(`sqlite: storage needs better-sqlite3's native module, which is not built or does not load (${first}): build it with \`npm rebuild better-sqlite3\` (${ALLOW}), ${OTHERS}`, { exitCode: 2, cause: e });
  }
}
