import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// At start, vaekit says in one line when the native kernels or better-sqlite3 are missing, and
// what to run. The test makes them missing with a module preloaded by NODE_OPTIONS (so worker
// processes get it too) that fails the loading of the native files, as a blocked or failed
// install script leaves them.

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');

const HOOK = `
const Module = require('module');
const load = Module._load;
const hide = (process.env.S5_HIDE || '').split(',');
Module._load = function (request, parent, isMain) {
  if (hide.includes('native') && /vaekit_native\\.node$/.test(request)) {
    const e = new Error("Cannot find module '" + request + "'");
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  if (hide.includes('sqlite-build') && request === 'bindings' && parent && /better-sqlite3/.test(parent.filename)) {
    return () => { throw new Error('Could not locate the bindings file. Tried: build/Release/better_sqlite3.node'); };
  }
  if (hide.includes('sqlite') && request === 'better-sqlite3') {
    const e = new Error("Cannot find module 'better-sqlite3'");
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return load.apply(this, arguments);
};
`;

const yaml = `
data: { use: csv, path: d.csv, validation: 10 }
model:
  latentDim: 2
  encoder: { use: mlp, hidden: [8] }
  decoder: { use: mlp, hidden: [8] }
train: { epochs: 1, batchSize: 10, seed: 1, backend: wasm }
output: { images: false }
`;

function setup(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-sec-startup-'));
  const rows = Array.from({ length: 60 }, (_, r) => Array.from({ length: 6 }, (_, c) => (((r * 7 + c * 13) % 17) / 17).toFixed(3)).join(','));
  fs.writeFileSync(path.join(dir, 'd.csv'), rows.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 't.yaml'), yaml);
  fs.writeFileSync(path.join(dir, 's.yaml'), yaml + 'study: { name: s }\nsearch:\n  model.beta: { grid: [1, 2] }\n');
  fs.writeFileSync(path.join(dir, 'hook.js'), HOOK);
  return dir;
}

function run(dir: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, VAEKIT_NATIVE: '', NODE_OPTIONS: `--require ${path.join(dir, 'hook.js')}`, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const notices = (s: string) => s.split('\n').filter((l) => l.startsWith('vaekit: native kernels unavailable'));

describe('vaekit start-up: native kernels', () => {
  it('train on wasm without the native addon: one line on stderr naming why and what to run, and the run goes on', () => {
    const dir = setup();
    const r = run(dir, ['train', '--config', 't.yaml', '--out', 'o'], { S5_HIDE: 'native' });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const lines = notices(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not built or does not load \(Cannot find module/);
    expect(lines[0]).toContain('npm rebuild @vaekit/native');
    expect(lines[0]).toContain('"allowScripts": { "@vaekit/native": true }');
    expect(lines[0]).toContain('VAEKIT_NATIVE=0');
    expect(r.stdout).toMatch(/backend wasm\n/);
  });

  it('the native kernels in use, or turned off with VAEKIT_NATIVE=0 (a choice): no notice', () => {
    const dir = setup();
    const ok = run(dir, ['train', '--config', 't.yaml', '--out', 'o1'], {});
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/backend wasm\+native/);
    expect(notices(ok.stderr)).toHaveLength(0);
    const off = run(dir, ['train', '--config', 't.yaml', '--out', 'o2'], { VAEKIT_NATIVE: '0', S5_HIDE: 'native' });
    expect(off.code).toBe(0);
    expect(notices(off.stderr)).toHaveLength(0);
  });

  it('bench and a search with worker processes say it once', () => {
    const dir = setup();
    const b = run(dir, ['bench', '--model', 'mlp', '--steps', '2', '--backend', 'wasm'], { S5_HIDE: 'native' });
    expect(b.code).toBe(0);
    expect(notices(b.stderr)).toHaveLength(1);
    const s = run(dir, ['search', '--config', 's.yaml', '--workers', '2'], { S5_HIDE: 'native' });
    expect(s.code).toBe(0);
    expect(notices(s.stdout + s.stderr)).toHaveLength(1);
  });
});

describe('vaekit start-up: better-sqlite3', () => {
  it('search with a sqlite storage and better-sqlite3 not installed: exit 2 before anything is written, saying what to install', () => {
    const dir = setup();
    const r = run(dir, ['search', '--config', 's.yaml', '--workers', '1'], { S5_HIDE: 'sqlite' });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('npm install better-sqlite3');
    expect(r.stderr).toContain('"allowScripts": { "better-sqlite3": true }');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('better-sqlite3 installed but its native module not built: exit 2 saying to rebuild it; memory: storage still runs', () => {
    const dir = setup();
    const r = run(dir, ['search', '--config', 's.yaml', '--workers', '1'], { S5_HIDE: 'sqlite-build' });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not built or does not load \(Could not locate the bindings file/);
    expect(r.stderr).toContain('npm rebuild better-sqlite3');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    const m = run(dir, ['search', '--config', 's.yaml', '--workers', '1', '--storage', 'memory:'], { S5_HIDE: 'sqlite-build' });
    expect(m.code).toBe(0);
  });
});
