/**
 * Read-only storages (what `vaekit studies`, `trials`, `report` and `dashboard` open): nothing is
 * written to a SQLite file or its folder, a file that is not a SQLite database is a located user
 * error, and a PostgreSQL database gets no DDL.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openStorage, SqliteStorage, StorageError, isUserError } from '@vaekit/study';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-ro-'));
}

async function makeDb(file: string, studies = 1): Promise<void> {
  const s = new SqliteStorage(file);
  for (let i = 0; i < studies; i++) {
    const id = await s.createStudy(`s${i}`, 'minimize');
    const t = await s.createTrial(id, { params: { lr: 0.1 }, distributions: { lr: { type: 'float', low: 0.01, high: 1, log: false } as never } });
    await s.finishTrial(id, t!.number, 'COMPLETE', 1.5);
  }
  await s.close();
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) {
    const st = fs.statSync(path.join(dir, f));
    out[f] = `${st.size}:${st.mtimeMs}:${fs.readFileSync(path.join(dir, f)).toString('base64')}`;
  }
  return out;
}

describe('SqliteStorage read-only', () => {
  it('reads a WAL database without writing the file or creating side files, in a read-only folder', async () => {
    const dir = tmp();
    const file = path.join(dir, 'studies.db');
    await makeDb(file, 2);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    try {
      const before = snapshot(dir);
      const s = await openStorage(`sqlite:${file}`, { defaultSqlitePath: 'x.db' }, { readOnly: true });
      const list = await s.listStudies();
      expect(list.map((x) => x.name)).toEqual(['s0', 's1']);
      const st = await s.getStudy('s1');
      expect((await s.getTrials(st!.id)).map((t) => t.value)).toEqual([1.5]);
      await expect(s.createStudy('new', 'minimize')).rejects.toThrow(/read-only/);
      await s.close();
      expect(snapshot(dir)).toEqual(before);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });

  it('sees trials a writer adds while it is open (a live dashboard)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'studies.db');
    await makeDb(file, 1);
    const reader = new SqliteStorage(file, { readOnly: true });
    expect((await reader.listStudies()).length).toBe(1);
    const writer = new SqliteStorage(file);
    await writer.createStudy('later', 'maximize');
    expect((await reader.listStudies()).map((s) => s.name)).toEqual(['s0', 'later']);
    await writer.createStudy('later2', 'maximize');
    expect((await reader.listStudies()).length).toBe(3);
    await writer.close();
    await reader.close();
  });

  it('works as a user who can write neither the file nor its folder', async () => {
    let runuser = true;
    try {
      execFileSync('runuser', ['-u', 'nobody', '--', 'true'], { stdio: 'ignore' });
    } catch {
      runuser = false;
    }
    if (!runuser || process.getuid?.() !== 0) return;
    const dir = tmp();
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'studies.db');
    await makeDb(file, 1);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    const script = `const { SqliteStorage } = require(${JSON.stringify(path.resolve(__dirname, '../dist/index.js'))});
      const s = new SqliteStorage(${JSON.stringify(file)}, { readOnly: true });
      s.listStudies().then((l) => { process.stdout.write(l.map((x) => x.name).join(',')); return s.close(); });`;
    if (!fs.existsSync(path.resolve(__dirname, '../dist/index.js'))) return;
    const out = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], { encoding: 'utf8', cwd: '/' });
    expect(out).toBe('s0');
    expect(fs.readdirSync(dir)).toEqual(['studies.db']);
    fs.chmodSync(dir, 0o755);
  });

  const corrupt: Array<[string, (file: string) => void | Promise<void>]> = [
    ['random bytes', (f) => fs.writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)))],
    ['a text file', (f) => fs.writeFileSync(f, 'name,value\nx,1\n')],
    ['an empty file', (f) => fs.writeFileSync(f, '')],
    [
      'a truncated database',
      async (f) => {
        await makeDb(f, 30);
        const s = new SqliteStorage(f); // checkpoint the WAL into the file
        await s.close();
        const b = fs.readFileSync(f);
        fs.writeFileSync(f, b.subarray(0, Math.floor(b.length / 2)));
      },
    ],
    ['a folder', (f) => fs.mkdirSync(f)],
  ];
  it.each(corrupt)('%s is a user error naming the file, read-only or not', async (_what, make) => {
    const dir = tmp();
    const file = path.join(dir, 'studies.db');
    await make(file);
    for (const readOnly of [true, false]) {
      let err: unknown;
      try {
        const s = await openStorage(`sqlite:${file}`, { defaultSqlitePath: 'x.db' }, { readOnly });
        if (readOnly) {
          const list = await s.listStudies();
          for (const st of list) await s.getTrials((await s.getStudy(st.name))!.id);
        } else {
          await s.createStudy('x', 'minimize');
        }
        await s.close();
      } catch (e) {
        err = e;
      }
      if (_what === 'an empty file' && !readOnly) continue; // SQLite makes an empty file a database
      expect(err).toBeInstanceOf(StorageError);
      expect(isUserError(err)).toBe(true);
      expect((err as Error).message).toContain(file);
    }
  });
});

const PG_URL = process.env.VAEKIT_TEST_POSTGRES;
(PG_URL ? describe : describe.skip)('PostgresStorage read-only', () => {
  it('lists without DDL, and refuses writes', async () => {
    const s = await openStorage(PG_URL, { defaultSqlitePath: 'x.db' }, { readOnly: true });
    await expect(s.listStudies()).resolves.toBeInstanceOf(Array);
    await expect(s.createStudy(`ro-${process.pid}`, 'minimize')).rejects.toThrow(/read-only/);
    await s.close();
  });
});
