/**
 * Untrusted configs and checkpoints, as a user meets them on the command line: a `use:` naming a
 * file (from a training config, a search config, a --set or a checkpoint's model.json) or a
 * package carried in a downloaded folder's node_modules runs no code; a checkpoint whose weights
 * paths leave its folder, name a device or a FIFO, or whose weights.bin, names, dtypes, format or
 * version do not match is refused. Each ends within seconds with exit code 2, one message naming
 * the file, no stack trace, and nothing written. Plugin files load only with --allow-plugin-path.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const REPO = path.join(__dirname, '..', '..', '..');
const STACK = /\n\s+at /;
const LIMIT_MS = 20_000;
const LIMIT_KIB = 600 * 1024;

/** Runs the CLI under /usr/bin/time: exit code, output, wall time and peak resident memory (KiB). */
function run(args: string[], cwd: string) {
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '@@maxrss %M', process.execPath, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: LIMIT_MS + 5000,
    env: { ...process.env, VAEKIT_DEBUG: '' },
  });
  const m = /@@maxrss (\d+)\s*$/.exec(r.stderr ?? '');
  const stderr = (r.stderr ?? '').replace(/(Command (exited with non-zero status|terminated by signal) \d+\n)?@@maxrss \d+\s*$/, '');
  return { code: r.status, stdout: r.stdout, stderr, ms: Date.now() - t0, maxRssKiB: m ? Number(m[1]) : Infinity };
}

/** A user error: exit 2, one line naming what is wrong, no stack trace, within the limits. */
function expectUserError(r: ReturnType<typeof run>, ...messages: RegExp[]) {
  for (const m of messages) expect(r.stderr).toMatch(m);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('vaekit: ') && !l.startsWith('vaekit: backend'))).toHaveLength(1);
  expect(r.code).toBe(2);
  expect(r.ms).toBeLessThan(LIMIT_MS);
  expect(r.maxRssKiB).toBeLessThan(LIMIT_KIB);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const config = (encoder = 'mlp', data = 'csv, path: data.csv') => `data: { use: ${data} }
model:
  latentDim: 2
  encoder: { use: ${JSON.stringify(encoder)}, hidden: [8] }
  decoder: { use: mlp, hidden: [8] }
  loss: { use: bce }
train: { epochs: 1, batchSize: 20, seed: 1, backend: wasm }
eval: { iwaeSamples: 0 }
output: { images: false }
`;
const DATA = Array.from({ length: 60 }, (_, i) => [i % 2, (i % 3) / 2, 0.25, (i % 5) / 4].join(',')).join('\n') + '\n';

/** A module that writes the marker file when loaded (and would export an encoder). */
const HOSTILE = (marker: string) =>
  `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n` +
  `module.exports = { enc: { kind: 'encoder', name: 'enc', optionsSchema: {}, create() { throw new Error('ran'); } } };\n`;

let root: string;
let app: string;
let dl: string;
let marker: string;
let evil: string;
let ckpt: string;

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-sec-plugins-')));
  app = path.join(root, 'app');
  dl = path.join(root, 'downloaded');
  marker = path.join(root, 'MARKER');
  evil = path.join(dl, 'evil.js');
  fs.mkdirSync(app);
  fs.mkdirSync(path.join(dl, 'node_modules', 'evil'), { recursive: true });
  fs.writeFileSync(evil, HOSTILE(marker));
  fs.writeFileSync(path.join(dl, 'node_modules', 'evil', 'index.js'), HOSTILE(marker));
  fs.writeFileSync(path.join(dl, 'node_modules', 'evil', 'package.json'), JSON.stringify({ name: 'evil', main: 'index.js' }));
  fs.writeFileSync(path.join(dl, 'data.csv'), DATA);
  fs.writeFileSync(path.join(app, 'data.csv'), DATA);
  fs.writeFileSync(path.join(app, 'base.yaml'), config());
  // A genuine checkpoint to tamper with.
  const r = run(['train', '--config', 'base.yaml', '--out', 'trained'], app);
  expect(r.stderr).not.toMatch(/^vaekit: (?!backend|data |wrote)/m);
  expect(r.code).toBe(0);
  ckpt = path.join(app, 'trained', 'checkpoint');
  expect(fs.existsSync(path.join(ckpt, 'model.json'))).toBe(true);
}, 60_000);

afterEach(() => expect(fs.existsSync(marker)).toBe(false));

/** A copy of the trained checkpoint, changed by `f`. */
function tampered(f: (dir: string, manifest: any) => void): string {
  const dir = fs.mkdtempSync(path.join(root, 'ck-'));
  for (const n of ['model.json', 'weights.bin']) fs.copyFileSync(path.join(ckpt, n), path.join(dir, n));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  f(dir, manifest);
  if (fs.existsSync(path.join(dir, "model.json")) && fs.lstatSync(path.join(dir, "model.json")).isFile() && manifest) {
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(manifest));
  }
  return dir;
}

/** `vaekit score` on a checkpoint: refused, and no scores written. */
function scoreRefused(dir: string, ...messages: RegExp[]) {
  const out = path.join(root, `scores-${path.basename(dir)}.csv`);
  const r = run(['score', '--checkpoint', dir, '--data', 'data.csv', '--out', out], app);
  expectUserError(r, ...messages);
  expect(fs.existsSync(out)).toBe(false);
  return r;
}

describe('a plugin named by a file path or a downloaded node_modules runs no code (exit 2)', () => {
  it('from a training config: relative, absolute, file: URL', () => {
    for (const use of ['./evil.js#enc', evil + '#enc', `file://${evil}#enc`, '..\\downloaded\\evil.js#enc']) {
      fs.writeFileSync(path.join(dl, 'train.yaml'), config(use));
      const r = run(['train', '--config', path.join(dl, 'train.yaml'), '--out', path.join(root, 'o-train')], app);
      expectUserError(r, /train\.yaml: model\.encoder\.use: /, /plugins load only from installed npm packages/);
      expect(fs.existsSync(path.join(root, 'o-train'))).toBe(false);
    }
  });

  it("from a config folder that carries its own node_modules: the package is not looked for there", () => {
    fs.writeFileSync(path.join(dl, 'pkg.yaml'), config('evil#enc'));
    const r = run(['train', '--config', path.join(dl, 'pkg.yaml'), '--out', path.join(root, 'o-pkg')], app);
    expectUserError(r, /pkg\.yaml: model\.encoder\.use: npm package "evil" is not installed/, new RegExp(esc(app)), /npm install evil/);
  });

  it('from a --set', () => {
    const r = run(['train', '--config', 'base.yaml', '--set', `model.encoder.use=${evil}#enc`, '--out', path.join(root, 'o-set')], app);
    expectUserError(r, /model\.encoder\.use: .*is a file path/, /--allow-plugin-path/);
  });

  it('from a search config: the base config, a searched value, a --set', () => {
    fs.writeFileSync(path.join(dl, 'search-base.yaml'), config(evil + '#enc') + 'study: { sampler: { name: grid } }\nsearch:\n  model.beta: { grid: [0.5] }\n');
    let r = run(['search', '--config', path.join(dl, 'search-base.yaml'), '--workers', '1', '--storage', 'memory:', '--out', path.join(root, 'o-s1')], app);
    expectUserError(r, /search-base\.yaml: model\.encoder\.use: .*is a file path/);
    fs.writeFileSync(path.join(dl, 'search-value.yaml'), config() + `study: { sampler: { name: grid } }\nsearch:\n  model.encoder.use: { grid: [mlp, "./evil.js#enc"] }\n`);
    r = run(['search', '--config', path.join(dl, 'search-value.yaml'), '--workers', '1', '--storage', 'memory:', '--out', path.join(root, 'o-s2')], app);
    expectUserError(r, /search-value\.yaml: model\.encoder\.use: .*is a file path/);
    r = run(['search', '--config', path.join(dl, 'search-base.yaml'), '--set', 'model.encoder.use=evil#enc', '--workers', '1', '--storage', 'memory:', '--out', path.join(root, 'o-s3')], app);
    expectUserError(r, /npm package "evil" is not installed/);
  });

  it("from the anomaly protocol's config", () => {
    fs.writeFileSync(path.join(dl, 'anomaly.yaml'), config('mlp', '"./evil.js#enc", path: data.csv'));
    const r = run(['anomaly', '--config', path.join(dl, 'anomaly.yaml'), '--out', path.join(root, 'o-anomaly')], app);
    expectUserError(r, /anomaly\.yaml: data\.use: .*is a file path/);
  });

  it("from a checkpoint's model.json, listed in its plugins or not", () => {
    for (const use of [evil + '#enc', './evil.js#enc', '../downloaded/evil.js#enc']) {
      for (const list of [true, false]) {
        const dir = tampered((d, m) => {
          m.userDefinedMetadata.config.model.encoder.use = use;
          if (list) m.plugins = [use, 'mlp', 'bce'];
          else delete m.plugins;
          fs.copyFileSync(evil, path.join(d, 'evil.js'));
        });
        scoreRefused(dir, new RegExp(`${esc(path.join(dir, 'model.json'))}: model\\.encoder\\.use: .*is a file path`), /--allow-plugin-path/);
      }
    }
  });

  it('from a checkpoint folder carrying node_modules: the message names the package to install', () => {
    const dir = tampered((d, m) => {
      m.userDefinedMetadata.config.model.encoder.use = 'evil#enc';
      m.plugins = ['evil#enc', 'mlp', 'bce'];
      fs.cpSync(path.join(dl, 'node_modules'), path.join(d, 'node_modules'), { recursive: true });
    });
    scoreRefused(dir, /model\.json: the checkpoint's model\.encoder needs the plugin package "evil", which is not installed: run npm install evil/);
    const other = tampered((_d, m) => {
      m.userDefinedMetadata.config.model.encoder.use = 'vaekit-plugin-nowhere#enc';
      m.plugins = ['vaekit-plugin-nowhere#enc', 'mlp', 'bce'];
    });
    scoreRefused(other, /needs the plugin package "vaekit-plugin-nowhere".*npm install vaekit-plugin-nowhere/);
    // A model.json whose config names a plugin its plugin list does not.
    const unlisted = tampered((_d, m) => {
      m.userDefinedMetadata.config.model.encoder.use = 'vaekit-plugin-nowhere#enc';
    });
    scoreRefused(unlisted, /model\.json: model\.encoder\.use names a plugin the checkpoint does not list in "plugins"/);
  });
});

describe('--allow-plugin-path: plugin files load only from what the command line names', () => {
  let plugins: string;
  beforeAll(() => {
    plugins = path.join(app, 'plugins');
    fs.mkdirSync(plugins);
    // A plugin file of the user's own: the built-in MLP encoder under another name.
    const encoders = require.resolve('@vaekit/encoders', { paths: [REPO] });
    fs.writeFileSync(
      path.join(plugins, 'enc.js'),
      `const { encoderPlugins } = require(${JSON.stringify(encoders)});\n` +
        `module.exports = { myenc: { ...encoderPlugins.find((p) => p.name === 'mlp'), name: 'myenc' } };\n`,
    );
    fs.writeFileSync(path.join(app, 'own.yaml'), config('./plugins/enc.js#myenc'));
  });

  it('trains and scores with a plugin file the command line allows, and refuses it otherwise', () => {
    let r = run(['train', '--config', 'own.yaml', '--out', 'own-out'], app);
    expectUserError(r, /own\.yaml: model\.encoder\.use: "\.\/plugins\/enc\.js" is a file path.*--allow-plugin-path/);
    r = run(['train', '--config', 'own.yaml', '--out', 'own-out', '--allow-plugin-path', path.join(root, 'downloaded')], app);
    expectUserError(r, /is a file path outside the allowed/);
    r = run(['train', '--config', 'own.yaml', '--out', 'own-out', '--allow-plugin-path', 'nowhere'], app);
    expectUserError(r, /--allow-plugin-path: nowhere does not exist/);
    r = run(['train', '--config', 'own.yaml', '--out', 'own-out', '--allow-plugin-path', 'plugins'], app);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    const own = path.join(app, 'own-out', 'checkpoint');
    expect(JSON.parse(fs.readFileSync(path.join(own, 'model.json'), 'utf8')).plugins).toEqual(['./plugins/enc.js#myenc', 'mlp', 'bce']);
    // The checkpoint names the plugin file: scoring it needs the same permission.
    expectUserError(run(['score', '--checkpoint', own, '--data', 'data.csv', '--out', 'own.csv'], app), /is a file path/, /--allow-plugin-path/);
    expect(fs.existsSync(path.join(app, 'own.csv'))).toBe(false);
    r = run(['score', '--checkpoint', own, '--data', 'data.csv', '--out', 'own.csv', '--allow-plugin-path=plugins/enc.js'], app);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(app, 'own.csv'), 'utf8').trim().split('\n')).toHaveLength(61);
  }, 60_000);

  it('is a command-line flag only: a search passes it to its workers, other commands refuse it', () => {
    fs.writeFileSync(path.join(app, 'own-search.yaml'), config('./plugins/enc.js#myenc') + 'study: { sampler: { name: grid } }\nsearch:\n  model.beta: { grid: [0.5, 1] }\n');
    const r = run(['search', '--config', 'own-search.yaml', '--workers', '2', '--storage', `sqlite:${path.join(root, 'own.db')}`, '--out', path.join(root, 'own-search'), '--allow-plugin-path', 'plugins'], app);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(root, 'own-search', 'own-search', 'summary.json'), 'utf8'));
    expect(JSON.stringify(summary)).toMatch(/COMPLETE|complete/);
    expectUserError(run(['studies', '--allow-plugin-path', 'plugins'], app), /unknown option --allow-plugin-path/);
  }, 90_000);
});

describe('a checkpoint is confined to its folder and checked (exit 2, naming the file)', () => {
  it.each([
    ['a weights path outside the folder', (_d: string, m: any) => (m.weightsManifest[0].paths = ['../../../../../../../etc/passwd']), [/must be a file inside the checkpoint folder/]],
    ['an absolute weights path', (_d: string, m: any) => (m.weightsManifest[0].paths = ['/etc/passwd']), [/is not a file name inside the checkpoint folder/]],
    ['/dev/zero', (_d: string, m: any) => (m.weightsManifest[0].paths = ['/dev/zero']), [/is not a file name inside the checkpoint folder/]],
    ['a link to /dev/zero', (d: string) => { fs.rmSync(path.join(d, 'weights.bin')); fs.symlinkSync('/dev/zero', path.join(d, 'weights.bin')); }, [/weights\.bin: .* it leads to \/dev\/zero/]],
    ['a link to a file outside', (d: string) => { fs.rmSync(path.join(d, 'weights.bin')); fs.symlinkSync(path.join(ckpt, 'weights.bin'), path.join(d, 'weights.bin')); }, [/weights\.bin: the checkpoint's weights must be a file inside the checkpoint folder/]],
    ['a FIFO', (d: string) => { fs.rmSync(path.join(d, 'weights.bin')); spawnSync('mkfifo', [path.join(d, 'weights.bin')]); }, [/weights\.bin: the checkpoint's weights is not a regular file/]],
    ['a folder', (d: string) => { fs.rmSync(path.join(d, 'weights.bin')); fs.mkdirSync(path.join(d, 'weights.bin')); }, [/weights\.bin: the checkpoint's weights is not a regular file/]],
    ['a missing weights.bin', (d: string) => fs.rmSync(path.join(d, 'weights.bin')), [/weights\.bin: cannot read the checkpoint's weights: the file does not exist/]],
    ['a longer weights.bin', (d: string) => fs.appendFileSync(path.join(d, 'weights.bin'), Buffer.alloc(4)), [/weights\.bin: the checkpoint's weights file has \d+ bytes, but its model\.json lists weights that need exactly \d+ \(longer/]],
    ['a truncated weights.bin', (d: string) => fs.truncateSync(path.join(d, 'weights.bin'), 40), [/weights\.bin: .* has 40 bytes.*\(truncated/]],
    ['an odd-sized weights.bin', (d: string) => fs.truncateSync(path.join(d, 'weights.bin'), 10), [/weights\.bin: .* has 10 bytes/]],
    ['an edited dtype', (_d: string, m: any) => (m.weightsManifest[0].weights[2].dtype = 'int32'), [/model\.json: weight "w2" has dtype "int32", expected "float32"/]],
    ['a renamed weight', (_d: string, m: any) => (m.weightsManifest[0].weights[3].name = 'w3x'), [/model\.json: weight 3 is named "w3x", expected "w3"/, /weights\.bin/]],
    ['an edited shape', (_d: string, m: any) => (m.weightsManifest[0].weights[0].shape = [8, 4]), [/model\.json: weight 0 has shape \[8,4\] in the checkpoint but \[4,8\] in the model/]],
    ['a huge shape', (_d: string, m: any) => (m.weightsManifest[0].weights[0].shape = [4294967296, 4294967296]), [/model\.json: the weights need more than/]],
    ['another format', (_d: string, m: any) => (m.format = 'layers-model'), [/model\.json: not a vaekit checkpoint \(format is "layers-model"/]],
    ['a newer version', (_d: string, m: any) => (m.version = 2), [/model\.json: checkpoint version "2"; this vaekit reads version 1/]],
    ['a huge data shape', (_d: string, m: any) => (m.userDefinedMetadata.dataShape = [1e9, 1e9]), [/model\.json: dataShape must list/]],
    ['a config describing a far larger model', (_d: string, m: any) => (m.userDefinedMetadata.config.model.encoder.hidden = [30000, 30000]), [/model\.json: the model its config describes has more weights than the \d+ values its weights files hold/]],
    ['a model.json link out of the folder', (d: string) => { fs.rmSync(path.join(d, 'model.json')); fs.symlinkSync(path.join(ckpt, 'model.json'), path.join(d, 'model.json')); }, [/model\.json: the checkpoint's model\.json must be a file inside the checkpoint folder/]],
  ] as Array<[string, (d: string, m: any) => void, RegExp[]]>)('refuses %s', (_what, change, messages) => {
    const dir = tampered(change);
    scoreRefused(dir, new RegExp(esc(dir)), ...messages);
  });

  it('scores the untouched checkpoint', () => {
    const r = run(['score', '--checkpoint', ckpt, '--data', 'data.csv', '--out', 'ok.csv'], app);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(app, 'ok.csv'), 'utf8').trim().split('\n')).toHaveLength(61);
  });
});
