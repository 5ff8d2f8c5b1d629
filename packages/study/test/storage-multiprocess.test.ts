/**
 * Several worker PROCESSES share one storage and claim grid points with createTrial
 * ({ maxTrials, claimKey }): afterwards the study must hold exactly N trials, numbered 0..N-1,
 * each claim key used once. Runs against SQLite (a temp file) and, when VAEKIT_TEST_POSTGRES is
 * set, PostgreSQL.
 *
 * The workers (fixtures/storage-worker.js, plain JS) need compiled storages: beforeAll compiles
 * the package's src/*.ts file by file with the TypeScript compiler
 * (transpileModule, no type check) into a temp directory, independent of the package's build.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { openStorage } from '../src/storages';

const PG_URL = process.env.VAEKIT_TEST_POSTGRES;
const N = 40;
const WORKERS: Array<'scan' | 'pick'> = ['scan', 'pick', 'scan', 'pick'];
const SRC = path.join(__dirname, '..', 'src');
const WORKER = path.join(__dirname, 'fixtures', 'storage-worker.js');

let tmp: string;
let compiled: string;

/** Where node finds better-sqlite3 and pg for the compiled code living in a temp directory. */
function nodePath(): string {
  const dirs = ['better-sqlite3', 'pg'].map((p) => path.dirname(path.dirname(require.resolve(`${p}/package.json`))));
  return [...new Set([...dirs, ...(process.env.NODE_PATH ? process.env.NODE_PATH.split(path.delimiter) : [])])].join(path.delimiter);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-storage-mp-'));
  const out = path.join(tmp, 'js', 'study');
  const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(SRC, f));
  for (const file of files) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true },
    }).outputText;
    const dest = path.join(out, path.relative(SRC, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js);
  }
  compiled = path.join(out, 'storages', 'index.js');
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runWorkers(url: string, study: string): Promise<Done[]> {
  const env = { ...process.env, NODE_PATH: nodePath() };
  const procs: ChildProcess[] = [];
  const results = WORKERS.map((strategy) => {
    const p = spawn(process.execPath, [WORKER, compiled, url, study, strategy, String(N)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    procs.push(p);
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d) => (stdout += d));
    p.stderr!.on('data', (d) => (stderr += d));
    const ready = new Promise<void>((resolve, reject) => {
      p.stdout!.on('data', () => stdout.includes('ready') && resolve());
      p.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${stderr}`)));
    });
    const done = new Promise<Done>((resolve) => p.on('exit', (code) => resolve({ code, stdout, stderr })));
    return { ready, done };
  });
  const killer = setTimeout(() => procs.forEach((p) => p.kill('SIGKILL')), 25_000);
  try {
    // All open the storage and create the study first, then start claiming at once.
    await Promise.all(results.map((r) => r.ready));
    for (const p of procs) p.stdin!.end('go\n');
    return await Promise.all(results.map((r) => r.done));
  } finally {
    clearTimeout(killer);
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  }
}

async function checkStudy(url: string, study: string, done: Done[]): Promise<void> {
  for (const d of done) {
    if (d.code !== 0) throw new Error(`a worker failed (exit ${d.code}):\n${d.stderr}`);
  }
  const mine = done.map((d) => JSON.parse(d.stdout.trim().split('\n').pop()!).mine as number[]);
  const storage = await openStorage(url, { defaultSqlitePath: 'unused.db' });
  try {
    const s = (await storage.getStudy(study))!;
    expect(s).toMatchObject({ name: study, direction: 'minimize', attrs: { test: 'multiprocess' } });
    const trials = await storage.getTrials(s.id);
    expect(trials).toHaveLength(N);
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    const keys = trials.map((t) => t.systemAttrs.claimKey as string);
    expect([...keys].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: N }, (_, i) => String(i)));
    for (const t of trials) {
      expect(t.params.index).toBe(Number(t.systemAttrs.claimKey));
      expect(t.value).toBe(Number(t.systemAttrs.claimKey));
      expect(t.intermediate).toEqual({ 0: t.value! + 0.5 });
    }
    // Every trial was run by exactly one worker.
    expect(mine.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    // Nobody can add more: the study is full and every key is held.
    expect(await storage.createTrial(s.id, { maxTrials: N })).toBeUndefined();
    expect(await storage.createTrial(s.id, { claimKey: '7' })).toBeUndefined();
    console.log(`${url.split(':')[0]}: trials per worker ${mine.map((m) => m.length).join(', ')}`);
    if (url.startsWith('postgres')) await storage.deleteStudy(study);
  } finally {
    await storage.close();
  }
}

test(`sqlite: ${WORKERS.length} processes claim ${N} grid points, each exactly once`, async () => {
  const url = `sqlite:${path.join(tmp, 'shared', 'studies.db')}`;
  const study = 'grid';
  await checkStudy(url, study, await runWorkers(url, study));
});

(PG_URL ? test : test.skip)(`postgres: ${WORKERS.length} processes claim ${N} grid points, each exactly once (VAEKIT_TEST_POSTGRES)`, async () => {
  const study = `jest-mp-${process.pid}-${Date.now().toString(36)}`;
  await checkStudy(PG_URL!, study, await runWorkers(PG_URL!, study));
});

if (!PG_URL) {
  console.warn('storage-multiprocess.test.ts: VAEKIT_TEST_POSTGRES is not set: SKIPPING the PostgreSQL multi-process test.');
}
