/**
 * The packages as a user gets them: packed, installed from the tarballs into a new project outside the
 * workspace (registry dependencies from the registry), and used through their public entry points.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PUBLISHED = ['study', 'report', 'core', 'native', 'encoders', 'decoders', 'losses', 'molecules', 'datasets', 'pipelines', 'tuner'].map((p) => `packages/${p}`);
const PACKED = [...PUBLISHED, 'examples/plugin-resmlp'];
const TF_FREE = new Set(['@vaekit/study', '@vaekit/report', '@vaekit/molecules']);
const FULL = process.env.VAEKIT_RELEASE_CHECK_FULL === '1';
const KEEP = process.env.VAEKIT_RELEASE_CHECK_KEEP === '1';
/** Paths that leave their package, allowed by name (none: every file resolves inside its package). */
const KNOWN_OUTSIDE = new Set<string>();

/** The environment without the npm_* variables of the npm/nx process running this test. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  env.VAEKIT_DEBUG = '';
  return env;
}

function run(cmd: string, args: string[], cwd: string, opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20, ...opts });
  const out = { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  if (out.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${out.code}\n--- stdout\n${out.stdout.slice(-4000)}\n--- stderr\n${out.stderr.slice(-4000)}`);
  }
  return out;
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
  dir: string; // where the tarball is extracted
}

let tmp: string;
let app: string;
const packed: Packed[] = [];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-release-'));
  const tarballs = path.join(tmp, 'tarballs');
  fs.mkdirSync(tarballs);
  const ws = PACKED.flatMap((p) => ['-w', p]);
  const r = run('npm', ['pack', '--json', '--pack-destination', tarballs, ...ws], ROOT);
  for (const p of JSON.parse(r.stdout) as Packed[]) {
    p.dir = path.join(tmp, 'extracted', p.name.replace('/', '+'));
    fs.mkdirSync(p.dir, { recursive: true });
    run('tar', ['-xzf', path.join(tarballs, p.filename), '-C', p.dir, '--strip-components=1'], tmp);
    packed.push(p);
  }
  expect(packed.map((p) => p.name).sort()).toEqual(
    ['@vaekit/core', '@vaekit/datasets', '@vaekit/decoders', '@vaekit/encoders', '@vaekit/losses', '@vaekit/molecules', '@vaekit/native', '@vaekit/pipelines', '@vaekit/report', '@vaekit/study', '@vaekit/tuner', 'vaekit-plugin-resmlp'],
  );

  // A new project, outside the workspace, that depends on the tarballs only.
  app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  const deps: Record<string, string> = { '@tensorflow/tfjs-core': '4.22.0' };
  for (const p of packed) deps[p.name] = `file:${path.join(tarballs, p.filename)}`;
  // The install scripts a project using vaekit allows, as SECURITY.md says. npm matches a package by
  // where it comes from: a registry package by its name, a tarball by its file: spec.
  const native = packed.find((p) => p.name === '@vaekit/native')!;
  const allowScripts = { 'better-sqlite3': true, [`file:${path.join(tarballs, native.filename)}`]: true, '@tensorflow/tfjs-node': true, 'core-js': false };
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'vaekit-release-check-app', private: true, version: '1.0.0', dependencies: deps, allowScripts }, null, 2));
  const install = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--install-links'];
  if (!FULL) install.push('--ignore-scripts', '--omit=optional');
  run('npm', install, app, { timeout: 300000 });
  // Our own install script (node-gyp rebuild || exit 0): the native kernels are compiled here.
  if (!FULL) run('npm', ['rebuild', '@vaekit/native'], app, { timeout: 300000 });
}, 600000);

afterAll(() => {
  if (!tmp) return;
  if (KEEP) console.log(`release-check: kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it('hold no tests, no source maps and no stray files', () => {
    for (const p of packed) {
      for (const { path: f } of p.files) {
        expect(`${p.name}: ${f}`).not.toMatch(/(^|\/)(test|tests|__tests__|fixtures|test-artifacts)\//);
        expect(`${p.name}: ${f}`).not.toMatch(/\.(test|spec)\.[cm]?[jt]s$/);
        expect(`${p.name}: ${f}`).not.toMatch(/\.map$/);
        expect(`${p.name}: ${f}`).not.toMatch(/(^|\/)(tsconfig.*\.json|jest\.config\.js|\.tsbuildinfo|node_modules\/.*)$/);
        if (p.name !== '@vaekit/native') expect(`${p.name}: ${f}`).not.toMatch(/(^|\/)src\//);
      }
      expect(p.files.some((f) => f.path === 'README.md')).toBe(true);
    }
  });

  it('have no sourceMappingURL comments pointing at missing files', () => {
    for (const p of packed) {
      for (const { path: f } of p.files.filter((x) => /\.[cm]?js$|\.d\.ts$/.test(x.path))) {
        const text = fs.readFileSync(path.join(p.dir, f), 'utf8');
        for (const m of text.matchAll(/[#@] sourceMappingURL=(\S+)/g)) {
          if (m[1].startsWith('data:')) continue;
          expect(`${p.name}: ${f} → ${m[1]}`).toBe(fs.existsSync(path.resolve(path.dirname(path.join(p.dir, f)), m[1])) ? `${p.name}: ${f} → ${m[1]}` : 'an existing map');
        }
      }
    }
  });

  it('have no workspace paths', () => {
    for (const p of packed) {
      for (const { path: f } of p.files) {
        const file = path.join(p.dir, f);
        const text = fs.readFileSync(file, 'utf8');
        expect(`${p.name}: ${f} ${text.includes(ROOT) ? 'contains ' + ROOT : 'ok'}`).toBe(`${p.name}: ${f} ok`);
        if (!/\.[cm]?js$/.test(f)) continue;
        // Relative requires and __dirname-relative paths must stay inside the package and exist.
        const refs = [
          ...[...text.matchAll(/require\((['"])(\.{1,2}\/[^'"]*)\1\)/g)].map((m) => m[2]),
          ...[...text.matchAll(/path\.(?:resolve|join)\(__dirname,\s*((?:(['"])[^'"]*\2\s*,?\s*)+)\)/g)].map((m) =>
            [...m[1].matchAll(/(['"])([^'"]*)\1/g)].map((x) => x[2]).join('/'),
          ),
        ];
        for (const ref of refs) {
          const target = path.resolve(path.dirname(file), ref);
          const inside = !path.relative(p.dir, target).startsWith('..');
          const exists = ['', '.js', '.json', '.node', '/index.js'].some((ext) => fs.existsSync(target + ext));
          // The native addon's build/ folder only exists after node-gyp has run at install.
          const ok = KNOWN_OUTSIDE.has(`${p.name}: ${f} → ${ref}`) || (inside && (exists || (p.name === '@vaekit/native' && ref.includes('build'))));
          expect(`${p.name}: ${f} → ${ref}: ${ok ? 'ok' : inside ? 'missing' : 'outside the package'}`).toBe(`${p.name}: ${f} → ${ref}: ok`);
        }
      }
    }
  });

  it('declare registry dependencies only, one shared tfjs-core peer, and exports that exist', () => {
    for (const p of packed) {
      const pkg = JSON.parse(fs.readFileSync(path.join(p.dir, 'package.json'), 'utf8'));
      for (const key of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dep, spec] of Object.entries<string>(pkg[key] ?? {})) {
          expect(`${p.name} ${key} ${dep}@${spec}`).not.toMatch(/@(file:|link:|workspace:|\.|\/|portal:)/);
        }
      }
      expect(pkg.dependencies?.['@tensorflow/tfjs-core']).toBeUndefined();
      // The study engine, its report and the chemistry work without TensorFlow.js; every other package shares one tfjs-core peer.
      if (!TF_FREE.has(p.name) && p.name !== '@vaekit/native') expect(pkg.peerDependencies['@tensorflow/tfjs-core']).toBe('4.22.0');
      if (TF_FREE.has(p.name)) expect(JSON.stringify(pkg.dependencies ?? {}) + JSON.stringify(pkg.peerDependencies ?? {})).not.toMatch(/tensorflow/);
      expect(pkg.repository.directory).toBeTruthy();
      expect(pkg.license).toBe('MIT');
      const targets: string[] = [];
      const walk = (e: unknown) => {
        if (typeof e === 'string') targets.push(e);
        else if (e && typeof e === 'object') Object.values(e).forEach(walk);
      };
      walk(pkg.exports);
      expect(JSON.stringify(pkg.exports['.'])).toMatch(/"types"/);
      for (const t of targets.filter((x) => !x.includes('*'))) {
        expect(`${p.name} exports ${t}: ${fs.existsSync(path.join(p.dir, t))}`).toBe(`${p.name} exports ${t}: true`);
      }
    }
  });
});

describe('installed outside the workspace', () => {
  it('resolves every package from the new project, with one tfjs-core', () => {
    const r = run(process.execPath, ['-e', `
      const names = ${JSON.stringify(packed.map((p) => p.name))};
      console.log(JSON.stringify(names.map((n) => require.resolve(n + '/package.json'))));`], app);
    for (const f of lastJson(r.stdout) as string[]) {
      expect(fs.realpathSync(f).startsWith(fs.realpathSync(app))).toBe(true);
    }
    const ls = spawnSync('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], { cwd: app, encoding: 'utf8', env: cleanEnv() });
    const copies = new Set(ls.stdout.trim().split('\n').filter(Boolean).map((l) => fs.realpathSync(l)));
    expect([...copies]).toEqual([fs.realpathSync(path.join(app, 'node_modules', '@tensorflow', 'tfjs-core'))]);
    // tfjs-core and the backends only: not all of @tensorflow/tfjs (the optional @tensorflow/tfjs-node brings it).
    if (!FULL) {
      for (const extra of ['@tensorflow/tfjs', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-converter']) {
        const installed = fs.existsSync(path.join(app, 'node_modules', extra, 'package.json'));
        expect(`${extra}: ${installed ? 'installed' : 'not installed'}`).toBe(`${extra}: not installed`);
      }
    }
  });

  it('allows every install script it installs (npm lists none unreviewed)', () => {
    const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: app, encoding: 'utf8', env: cleanEnv() });
    expect(r.stdout + r.stderr).toMatch(/No packages with unreviewed install scripts/);
  });

  it('builds @vaekit/native from source at install where this machine can (node-gyp)', () => {
    const built = fs.existsSync(path.join(app, 'node_modules', '@vaekit', 'native', 'build', 'Release', 'vaekit_native.node'));
    const canBuild = fs.existsSync(path.join(ROOT, 'packages', 'native', 'build', 'Release', 'vaekit_native.node'));
    if (canBuild) expect(built).toBe(true);
    const r = run(process.execPath, ['-e', "const n = require('@vaekit/native'); console.log(n.load() ? 'loaded' : n.unavailableReason())"], app);
    if (built) expect(r.stdout.trim()).toMatch(/^(loaded|.*AVX2.*)$/);
  });

  it('(a) trains a small VAE through the public API of @vaekit/core', () => {
    fs.writeFileSync(path.join(app, 'train.js'), `
const { selectBackend, VAE, trainModel, evaluate } = require('@vaekit/core');
const { mlpEncoder } = require('@vaekit/encoders');
const { mlpDecoder } = require('@vaekit/decoders');
const { bce } = require('@vaekit/losses');

async function main() {
  const backend = await selectBackend('auto');
  const dim = 64, latentDim = 4;
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  const split = (n) => ({ n, dim, x: Float32Array.from({ length: n * dim }, () => (rand() < 0.3 ? 1 : 0)) });
  const data = { name: 'random', info: { shape: [dim], min: 0, max: 1 }, train: split(240), validation: split(30), test: split(30), binarize: 'none' };
  const ctx = (path) => ({ dataShape: [dim], latentDim, seed: 1, path, baseDir: __dirname });
  const encoder = await mlpEncoder.create({ hidden: [32], activation: 'relu' }, ctx('model.encoder'));
  const decoder = await mlpDecoder.create({ hidden: [32], activation: 'relu' }, ctx('model.decoder'));
  const loss = await bce.create({}, ctx('model.loss'));
  const model = new VAE(encoder, decoder, loss, latentDim, [dim]);
  const result = await trainModel(model, data, { epochs: 1, batchSize: 60, optimizer: { name: 'adam', lr: 1e-3 }, seed: 1, beta: 1 });
  const test = evaluate(model, data.test);
  console.log(JSON.stringify({ backend, epochs: result.epochs.length, test }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`);
    const r = run(process.execPath, ['train.js'], app);
    const out = lastJson(r.stdout);
    expect(out.backend).toMatch(/^(wasm|cpu|tensorflow)/);
    expect(out.epochs).toBe(1);
    expect(Number.isFinite(out.test.negElbo)).toBe(true);
    // 64 Bernoulli(0.3) pixels: about 39 nats at best; an untrained model is near 44 (64·log 2).
    expect(out.test.negElbo).toBeGreaterThan(20);
    expect(out.test.negElbo).toBeLessThan(80);
  });

  it('(b) runs a 3-trial search with npx vaekit search', () => {
    const storage = FULL ? 'sqlite:out/studies.db' : 'memory:';
    fs.writeFileSync(path.join(app, 'tiny.yaml'), `
data: { use: mnist, limit: 600, validation: 100, testLimit: 200 }
model:
  latentDim: 4
  encoder: { use: mlp, hidden: [64] }
  decoder: { use: mlp, hidden: [64] }
  loss: { use: bce }
train: { epochs: 1, batchSize: 100, seed: 1 }
study:
  name: tiny
  sampler: { name: random, seed: 0 }
  trials: 3
  workers: 1
  storage: "${storage}"
search:
  train.optimizer.lr: { type: float, low: 1.0e-4, high: 1.0e-2, log: true }
`);
    const r = run('npx', ['--no-install', 'vaekit', 'search', '--config', 'tiny.yaml', '--workers', '1', '--out', 'out', '--json'], app, { timeout: 240000 });
    const summary = lastJson(r.stdout);
    expect(summary.study).toBe('tiny');
    expect(summary.storage).toBe(storage);
    const complete = summary.trials.filter((t: { state: string }) => t.state === 'COMPLETE');
    expect(complete).toHaveLength(3);
    expect(Number.isFinite(summary.best.value)).toBe(true);
    expect(fs.existsSync(path.join(app, 'out', 'tiny', 'best.yaml'))).toBe(true);
    for (const t of complete) expect(fs.existsSync(path.join(app, 'out', 'tiny', `trial-${t.number}`, 'metrics.json'))).toBe(true);
  });

  it('(c) uses the study engine of @vaekit/tuner on a plain function', () => {
    fs.writeFileSync(path.join(app, 'study.js'), `
const { createStudy } = require('@vaekit/tuner');
async function main() {
  const study = createStudy({ name: 'quadratic', direction: 'minimize', sampler: { name: 'tpe', seed: 0 }, storage: 'memory:' });
  await study.optimize(async (trial) => {
    const x = await trial.suggestFloat('x', -5, 5);
    const k = await trial.suggestCategorical('k', ['a', 'b']);
    return (x - 2) ** 2 + (k === 'a' ? 0 : 1);
  }, { nTrials: 30 });
  console.log(JSON.stringify({ n: study.trials.length, best: study.bestValue, params: study.bestParams }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`);
    const out = lastJson(run(process.execPath, ['study.js'], app).stdout);
    expect(out.n).toBe(30);
    expect(out.best).toBeLessThan(0.5);
    expect(out.params.k).toBe('a');
  });

  it('(d) trains with the third-party encoder named in vaekit-plugin-resmlp/resmlp.yaml', () => {
    const config = path.join(app, 'node_modules', 'vaekit-plugin-resmlp', 'resmlp.yaml');
    const r = run('npx', ['--no-install', 'vaekit', 'train', '--config', config, '--out', 'out/resmlp', '--json'], app, { timeout: 120000 });
    const out = lastJson(r.stdout);
    expect(Number.isFinite(out.test.negElbo)).toBe(true);
    expect(fs.existsSync(path.join(app, 'out', 'resmlp', 'metrics.json'))).toBe(true);
  });
  it('(e) runs every JavaScript example of the READMEs as written', () => {
    for (const p of packed) {
      const readme = fs.readFileSync(path.join(p.dir, 'README.md'), 'utf8');
      const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
      if (p.name !== '@vaekit/native') expect(`${p.name}: ${blocks.length} examples`).not.toBe(`${p.name}: 0 examples`);
      blocks.forEach((code, i) => {
        const file = `readme-${p.name.replace(/[@/]/g, '_')}-${i}.js`;
        fs.writeFileSync(path.join(app, file), code);
        run(process.execPath, [file], app, { timeout: 120000 });
      });
    }
  });
});

describe('@vaekit/study installed alone', () => {
  /** A new project outside the workspace with only the study tarball and `extra` registry packages. */
  function project(name: string, extra: Record<string, string>, install: string[]): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    const study = packed.find((p) => p.name === '@vaekit/study')!;
    const deps = { '@vaekit/study': `file:${path.join(tmp, 'tarballs', study.filename)}`, ...extra };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `vaekit-${name}`, private: true, version: '1.0.0', dependencies: deps }, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--install-links', ...install], dir, { timeout: 400000 });
    return dir;
  }

  /** Every package installed in a project, by name (from `npm ls --all --parseable` and the node_modules folders). */
  function installed(dir: string): string[] {
    const names = new Set<string>();
    const ls = spawnSync('npm', ['ls', '--all', '--parseable'], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    for (const line of ls.stdout.trim().split('\n').slice(1)) {
      const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)$/.exec(line);
      if (m) names.add(m[1].replace(/\\/g, '/'));
    }
    const walk = (nm: string) => {
      if (!fs.existsSync(nm)) return;
      for (const e of fs.readdirSync(nm)) {
        if (e.startsWith('.')) continue;
        const entries = e.startsWith('@') ? fs.readdirSync(path.join(nm, e)).map((x) => `${e}/${x}`) : [e];
        for (const n of entries) {
          names.add(n);
          walk(path.join(nm, n, 'node_modules'));
        }
      }
    };
    walk(path.join(dir, 'node_modules'));
    return [...names].sort();
  }

  // A plain function: TPE with a SQLite file, then with memory; the SQLite study is loaded back from the file.
  const STUDY_JS = `
const fs = require('fs');
const { createStudy, loadStudy } = require('@vaekit/study');
const objective = async (trial) => {
  const x = await trial.suggestFloat('x', -5, 5);
  const n = await trial.suggestInt('n', 1, 8);
  const k = await trial.suggestCategorical('k', ['a', 'b']);
  return (x - 2) ** 2 + (n - 3) ** 2 + (k === 'a' ? 0 : 1);
};
async function one(storage) {
  const study = createStudy({ name: 'plain', direction: 'minimize', sampler: { name: 'tpe', seed: 0 }, storage });
  await study.optimize(objective, { nTrials: 25 });
  return { n: study.trials.length, best: study.bestValue, params: study.bestParams };
}
async function main() {
  const sqlite = await one('sqlite:studies.db');
  const memory = await one('memory:');
  const again = await loadStudy({ name: 'plain', direction: 'minimize', storage: 'sqlite:studies.db' });
  console.log(JSON.stringify({ sqlite, memory, reloaded: again.trials.length, file: fs.statSync('studies.db').size }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

  /**
   * better-sqlite3's install script downloads a prebuilt binary or, offline as here, compiles SQLite
   * with node-gyp (over two minutes on this machine). Unless VAEKIT_RELEASE_CHECK_FULL=1, the script
   * is skipped and the binary the workspace's own install built for the same better-sqlite3 version
   * and Node is put where the prebuilt download would go; any other version is compiled.
   */
  function provideBetterSqlite(dir: string) {
    if (FULL) return;
    const version = (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).version;
    const ours = path.join(ROOT, 'node_modules', 'better-sqlite3');
    const theirs = path.join(dir, 'node_modules', 'better-sqlite3');
    const binary = path.join('build', 'Release', 'better_sqlite3.node');
    if (fs.existsSync(path.join(ours, binary)) && version(ours) === version(theirs)) {
      fs.mkdirSync(path.join(theirs, 'build', 'Release'), { recursive: true });
      fs.copyFileSync(path.join(ours, binary), path.join(theirs, binary));
    } else {
      run('npm', ['rebuild', 'better-sqlite3'], dir, { timeout: 400000 });
    }
  }

  it('with better-sqlite3 12 beside it, runs a TPE study on SQLite and memory, and nothing of TensorFlow.js, pg or another @vaekit package is installed', () => {
    const dir = project('study-alone', { 'better-sqlite3': '^12.0.0' }, FULL ? [] : ['--ignore-scripts']);
    provideBetterSqlite(dir);
    const names = installed(dir);
    expect(names).toContain('@vaekit/study');
    expect(names).toContain('better-sqlite3');
    expect(fs.readFileSync(path.join(dir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).toMatch(/"version": "12\./);
    expect(names.filter((n) => n === 'pg' || /^pg-/.test(n) || n.startsWith('@tensorflow/') || (n.startsWith('@vaekit/') && n !== '@vaekit/study'))).toEqual([]);

    fs.writeFileSync(path.join(dir, 'study.js'), STUDY_JS);
    const out = lastJson(run(process.execPath, ['study.js'], dir, { timeout: 120000 }).stdout);
    for (const r of [out.sqlite, out.memory]) {
      expect(r.n).toBe(25);
      expect(r.best).toBeLessThan(3);
      expect(r.params.k).toBe('a');
    }
    // The same seed gives the same trials whatever the storage.
    expect(out.sqlite).toEqual(out.memory);
    expect(out.reloaded).toBe(25);
    expect(out.file).toBeGreaterThan(0);
  });

  it('without better-sqlite3, opening a sqlite: storage says to install it, and memory: works', () => {
    const dir = project('study-bare', {}, []);
    expect(installed(dir)).toEqual(['@vaekit/study']);
    fs.writeFileSync(path.join(dir, 'bare.js'), `
const { createStudy, StorageError, VaekitError } = require('@vaekit/study');
const objective = async (trial) => (await trial.suggestFloat('x', -1, 1)) ** 2;
async function main() {
  const memory = createStudy({ name: 'm', direction: 'minimize', sampler: { name: 'tpe', seed: 0 }, storage: 'memory:' });
  await memory.optimize(objective, { nTrials: 5 });
  let error = null;
  try {
    const study = createStudy({ name: 's', direction: 'minimize', storage: 'sqlite:studies.db' });
    await study.optimize(objective, { nTrials: 1 });
  } catch (e) {
    error = { storageError: e instanceof StorageError, vaekitError: e instanceof VaekitError, exitCode: e.exitCode, message: e.message };
  }
  console.log(JSON.stringify({ memory: memory.trials.length, error }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`);
    const out = lastJson(run(process.execPath, ['bare.js'], dir).stdout);
    expect(out.memory).toBe(5);
    // A user's mistake (exit code 2) in one paragraph, with the command that fixes it.
    expect(out.error).toMatchObject({ storageError: true, vaekitError: true, exitCode: 2 });
    expect(out.error.message).toMatch(/npm install better-sqlite3/);
    expect(out.error.message).not.toMatch(/\n/);
    expect(fs.existsSync(path.join(dir, 'studies.db'))).toBe(false);
  });
});
