import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const REPO = path.join(__dirname, '..', '..', '..');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-cli-'));
}

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, VAEKIT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const small = (over = '') => `
data: { use: mnist, limit: 1200, validation: 200, testLimit: 300 }
model:
  latentDim: 4
  encoder: { use: mlp, hidden: [64] }
  decoder: { use: mlp, hidden: [64] }
  loss: { use: bce }
train: { epochs: 2, batchSize: 100, seed: 3, backend: wasm }
eval: { iwaeSamples: 10 }
${over}`;

describe('vaekit train', () => {
  it('trains on MNIST and writes metrics, a checkpoint and pictures', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'small.yaml'), small());
    const r = run(['train', '--config', 'small.yaml', '--out', 'out', '--json'], dir);
    expect(r.stderr).toMatch(/backend wasm(\+native)?\n/);
    expect(r.code).toBe(0);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(last.backend).toMatch(/^wasm(\+native)?$/);
    expect(last.samplesPerSec).toBeGreaterThan(0);
    for (const k of ['negElbo', 'recon', 'kl', 'activeUnits', 'iwaeNll']) expect(typeof last.test[k]).toBe('number');
    expect(last.test.negElbo).toBeCloseTo(last.test.recon + last.test.kl, 3);
    expect(last.test.iwaeNll).toBeLessThan(last.test.negElbo + 1);
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toHaveLength(2);
    expect(metrics.status).toBe('complete');
    expect(metrics.test.negElbo).toBeCloseTo(last.test.negElbo, 6);
    for (const f of ['reconstructions.png', 'samples.png', 'traversals.png']) {
      const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'out', f)));
      expect(png.width).toBeGreaterThan(28);
    }
    expect(fs.existsSync(path.join(dir, 'out', 'checkpoint', 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'out', 'checkpoint', 'weights.bin'))).toBe(true);
  });

  it('applies --set overrides and finds bare names in configs/', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'configs'));
    fs.writeFileSync(path.join(dir, 'configs', 'tiny.yaml'), small());
    const r = run(['train', '--config', 'tiny', '--set', 'train.epochs=1', '--set', 'eval.iwaeSamples=0', '--json'], dir);
    expect(r.code).toBe(0);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(last.test.iwaeNll).toBeUndefined();
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'tiny', 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toHaveLength(1);
  });

  it('uses a plugin from an installed npm package', () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'plugin.yaml'),
      small().replace('encoder: { use: mlp, hidden: [64] }', 'encoder: { use: "vaekit-plugin-example#linear", scale: 0.5 }'),
    );
    // Resolved from the working directory: the repo root, where the fixture package is installed.
    const r = run(['train', '--config', path.join(dir, 'plugin.yaml'), '--out', path.join(dir, 'o'), '--set', 'train.epochs=1', '--json'], REPO);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!).test.negElbo).toBeGreaterThan(0);
  });
});

describe('bad input: exit code 2, one clear paragraph, no stack trace', () => {
  const cases: Array<[string, string, (dir: string) => void, RegExp[]]> = [
    ['a YAML syntax error', 'data: { use: mnist\nmodel: [', () => undefined, [/bad\.yaml/, /line \d+/]],
    ['an unknown key', small().replace('epochs: 2', 'epoch: 2'), () => undefined, [/bad\.yaml/, /train/, /unknown key "epoch"/, /epochs/]],
    ['a wrong type', small().replace('latentDim: 4', 'latentDim: four'), () => undefined, [/bad\.yaml/, /model\.latentDim/, /integer/, /four/]],
    ['an unknown plugin', small().replace('use: mlp, hidden: [64] }\n  decoder', 'use: resnet }\n  decoder'), () => undefined, [/bad\.yaml/, /model\.encoder/, /resnet/, /mlp/]],
    ['a missing data file', small().replace('use: mnist, limit: 1200, validation: 200, testLimit: 300', 'use: csv, path: nowhere.csv'), () => undefined, [/data\.path/, /nowhere\.csv/]],
    [
      'a conv encoder on vector data',
      small().replace('use: mnist, limit: 1200, validation: 200, testLimit: 300', 'use: csv, path: v.csv').replace('encoder: { use: mlp, hidden: [64] }', 'encoder: { use: conv }'),
      (dir) => fs.writeFileSync(path.join(dir, 'v.csv'), Array.from({ length: 50 }, (_, i) => `${i % 2},0.5,0.25,1`).join('\n')),
      [/model\.encoder/, /conv encoder needs image data/, /\[4\]/],
    ],
    [
      'a decoder whose output shape differs from the data',
      small().replace('decoder: { use: mlp, hidden: [64] }', 'decoder: { use: conv, filters: [8, 8], kernel: 3, stride: 3 }'),
      () => undefined,
      [/model\.decoder/, /shape/, /28, 28, 1/],
    ],
    [
      'a BCE loss on data outside [0, 1]',
      small().replace('use: mnist, limit: 1200, validation: 200, testLimit: 300', 'use: csv, path: big.csv'),
      (dir) => fs.writeFileSync(path.join(dir, 'big.csv'), Array.from({ length: 50 }, (_, i) => `${i},0.5,3,1`).join('\n')),
      [/model\.loss/, /\[0, 1\]/, /\[0, 4\d\]/],
    ],
    ['an unavailable backend', small().replace('backend: wasm', 'backend: tensorflow'), () => undefined, [/train\.backend/, /tfjs-node/]],
    [
      'a malformed CSV data file',
      small().replace('use: mnist, limit: 1200, validation: 200, testLimit: 300', 'use: csv, path: broken.csv'),
      (dir) => fs.writeFileSync(path.join(dir, 'broken.csv'), '1,0.5,0.25\n0,0.5\n'),
      [/^vaekit: data\.path: .*broken\.csv line 2: expected 3 columns, found 2$/m],
    ],
    [
      'a file that is not a .npy array',
      small().replace('use: mnist, limit: 1200, validation: 200, testLimit: 300', 'use: npy, path: x.npy'),
      (dir) => fs.writeFileSync(path.join(dir, 'x.npy'), 'not numpy'),
      [/data\.path: .*x\.npy: not a \.npy file/],
    ],
  ];
  it.each(cases)('%s', (_name, yaml, prepare, patterns) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), yaml);
    prepare(dir);
    const r = run(['train', '--config', 'bad.yaml', '--out', 'o'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const p of patterns) expect(r.stderr).toMatch(p);
    expect(r.code).toBe(2);
  });

  it('a missing config file names where it looked', () => {
    const r = run(['train', '--config', 'nope.yaml'], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml/);
  });

  it('a checkpoint that is not a training checkpoint, and a missing --data file, for vaekit score', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'ck'));
    fs.writeFileSync(path.join(dir, 'ck', 'model.json'), JSON.stringify({ format: 'vaekit-checkpoint', userDefinedMetadata: {} }));
    fs.writeFileSync(path.join(dir, 'in.csv'), '1,2\n');
    let r = run(['score', '--checkpoint', 'ck', '--data', 'in.csv'], dir);
    expect(r.stderr).toMatch(/^vaekit: ck.model\.json: not a vaekit training checkpoint \(no config or data shape\)$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    r = run(['score', '--checkpoint', 'ck', '--data', 'none.csv'], dir);
    expect(r.stderr).toMatch(/^vaekit: --data: file not found: none\.csv$/m);
    expect(r.code).toBe(2);
  });

  it('an unknown option is a usage error', () => {
    const r = run(['train', '--config', 'x.yaml', '--epochs', '3'], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --epochs/);
  });
});
