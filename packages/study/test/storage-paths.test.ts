/** Where a new SQLite study database may be created: never in /proc, /sys or /dev, never under a file. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openStorage, StorageError } from '../src';

const defaults = { defaultSqlitePath: 'unused.db' };

async function refused(url: string): Promise<StorageError> {
  const started = Date.now();
  const err = await openStorage(url, defaults).then(
    (s) => s.close().then(() => undefined),
    (e: unknown) => e,
  );
  expect(Date.now() - started).toBeLessThan(5000);
  expect(err).toBeInstanceOf(StorageError);
  expect((err as StorageError).exitCode).toBe(2);
  return err as StorageError;
}

it('refuses a database under /proc, /sys or /dev (Node would spin creating folders in /proc), quickly and as a user error', async () => {
  expect((await refused('sqlite:/proc/vaekit-nope/studies.db')).message).toMatch(/^sqlite:\/proc\/vaekit-nope\/studies\.db: is under \/proc, a system folder/);
  expect((await refused('sqlite:/sys/vaekit-nope/a/b.db')).message).toMatch(/is under \/sys/);
  expect((await refused('sqlite:/dev/vaekit-nope.db')).message).toMatch(/is under \/dev/);
});

it('refuses a database whose folder would have to be made under a file, and through a link into /proc', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-storage-paths-'));
  try {
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect((await refused(`sqlite:${path.join(dir, 'file', 'sub', 'studies.db')}`)).message).toMatch(/not a directory|is not a folder/);
    fs.symlinkSync('/proc', path.join(dir, 'link'));
    expect((await refused(`sqlite:${path.join(dir, 'link', 'vaekit-nope', 'studies.db')}`)).message).toMatch(/is under \/proc/);
    // An ordinary new folder is created as before.
    const ok = await openStorage(`sqlite:${path.join(dir, 'new', 'deeper', 'studies.db')}`, defaults);
    await ok.close();
    expect(fs.existsSync(path.join(dir, 'new', 'deeper', 'studies.db'))).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
