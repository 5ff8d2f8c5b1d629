import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// A search checks its config, and every plugin its search space names, before the first trial;
// a study whose every trial failed ends with a non-zero exit code and says so in one line.

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');

function csv(rows: number, cols: number): string {
  let s = 1;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) {
      s = (s * 16807) % 2147483647;
      cells.push((s / 2147483647).toFixed(3));
    }
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

const base = (data = 'path: d.csv') => `
data: { use: csv, ${data}, validation: 10 }
model:
  latentDim: 2
  encoder: { use: mlp, hidden: [8] }
  decoder: { use: mlp, hidden: [8] }
train: { epochs: 1, batchSize: 10, seed: 1, backend: wasm }
output: { images: false }
`;

function setup(yaml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-sec-search-'));
  fs.writeFileSync(path.join(dir, 'd.csv'), csv(60, 6));
  fs.writeFileSync(path.join(dir, 's.yaml'), yaml);
  return dir;
}

function run(dir: string, args: string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'search', '--config', 's.yaml', ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - started) / 1000 };
}

/** The config fault ends with exit 2 in one located line, before any trial: nothing is written. */
function expectRejectedBeforeTrials(r: ReturnType<typeof run>, dir: string, ...mentions: RegExp[]) {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(2);
  expect(r.seconds).toBeLessThan(20);
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('vaekit: ') && !l.startsWith('vaekit: native'));
  expect(lines).toHaveLength(1);
  for (const m of mentions) expect(lines[0]).toMatch(m);
  expect(r.stdout).not.toMatch(/^trial \d/m);
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
}

describe('vaekit search: the config and its plugins are checked before the first trial', () => {
  it('an unknown encoder in the base config: exit 2 naming the file and the path', () => {
    const dir = setup(base().replace('encoder: { use: mlp', 'encoder: { use: nosuch') + 'study: { name: s }\nsearch:\n  model.beta: { grid: [1, 2] }\n');
    expectRejectedBeforeTrials(run(dir, []), dir, /s\.yaml/, /model\.encoder\.use/, /unknown encoder "nosuch"/);
  });

  it('an unknown plugin among the searched values: exit 2 naming the searched path and value', () => {
    const dir = setup(base() + 'study: { name: s }\nsearch:\n  model.encoder.use: { grid: [mlp, nosuch] }\n');
    expectRejectedBeforeTrials(run(dir, ['--workers', '1']), dir, /s\.yaml/, /search\.model\.encoder\.use/, /"nosuch"/);
  });

  it('an unknown decoder in a categorical distribution, with worker processes: exit 2', () => {
    const dir = setup(base() + 'study: { name: s, sampler: { name: random } }\nsearch:\n  model.decoder.use: { type: categorical, choices: [mlp, nosuch] }\n');
    expectRejectedBeforeTrials(run(dir, ['--workers', '2', '--trials', '2']), dir, /search\.model\.decoder\.use/, /unknown decoder "nosuch"/);
  });

  it('a package plugin that is not installed, among the searched values: exit 2', () => {
    const dir = setup(base() + 'study: { name: s }\nsearch:\n  model.loss.use: { grid: [bce, "vaekit-no-such-package#loss"] }\n');
    expectRejectedBeforeTrials(run(dir, ['--workers', '1']), dir, /search\.model\.loss\.use/, /vaekit-no-such-package/);
  });

  it('an unknown dataset given with --set, and a dataset option the plugin does not take: exit 2', () => {
    const dir = setup(base() + 'study: { name: s }\nsearch:\n  model.beta: { grid: [1, 2] }\n');
    expectRejectedBeforeTrials(run(dir, ['--workers', '1', '--set', 'data.use=nosuch']), dir, /data\.use/, /unknown dataset "nosuch"/);
    expectRejectedBeforeTrials(run(dir, ['--workers', '1', '--set', 'data.testLimit=5']), dir, /s\.yaml/, /data/, /unknown key "testLimit"/);
  });

  it('a plugin given as a file path, in the base config or among the searched values, runs no code: exit 2', () => {
    const dir = setup(base() + 'study: { name: s }\nsearch:\n  model.encoder.use: { grid: [mlp, "./evil.js#x"] }\n');
    const marker = path.join(dir, 'ran');
    fs.writeFileSync(path.join(dir, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); exports.x = {};\n`);
    expectRejectedBeforeTrials(run(dir, ['--workers', '1']), dir, /search\.model\.encoder\.use/, /evil\.js/);
    fs.writeFileSync(path.join(dir, 's.yaml'), base().replace('decoder: { use: mlp', `decoder: { use: "${path.join(dir, 'evil.js')}#x"`) + 'study: { name: s }\nsearch:\n  model.beta: { grid: [1, 2] }\n');
    expectRejectedBeforeTrials(run(dir, ['--workers', '2']), dir, /model\.decoder\.use/, /evil\.js/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('an option a searched encoder does not take: exit 2', () => {
    const dir = setup(base() + 'study: { name: s }\nsearch:\n  model.encoder.hidden: { grid: [[8], "wide"] }\n');
    const r = run(dir, ['--workers', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});

describe('vaekit search: a study whose every trial failed', () => {
  it('with the same input error (a missing data file): exit 2, one line, the summary kept, no best.yaml', () => {
    const dir = setup(base('path: missing.csv') + 'study: { name: s }\nsearch:\n  model.beta: { grid: [1, 2] }\n');
    const r = run(dir, ['--workers', '1']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    expect(r.seconds).toBeLessThan(20);
    expect(r.stdout).not.toMatch(/best: none/);
    const err = r.stderr.trim().split('\n').filter((l) => l.startsWith('vaekit: ') && !l.startsWith('vaekit: native'));
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/every one of the \d+ trials failed with the same error: data\.path: file not found/);
    expect(err[0]).toContain(path.join('out', 's', 'summary.json'));
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'out', 's', 'summary.json'), 'utf8'));
    expect(summary.best).toBeNull();
    expect(summary.trials.every((t: { state: string }) => t.state === 'FAIL')).toBe(true);
    expect(fs.existsSync(path.join(dir, 'out', 's', 'best.yaml'))).toBe(false);
    expect(r.stdout).not.toMatch(/best\.yaml/);
  });

  it('with worker processes: the same exit code 2', () => {
    const dir = setup(base('path: missing.csv') + 'study: { name: s }\nsearch:\n  model.beta: { grid: [1, 2] }\n');
    const r = run(dir, ['--workers', '2']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/every one of the \d+ trials failed with the same error: data\.path: file not found/);
  });

  it('at run time, not the input\'s fault (training diverged): exit 1', () => {
    const dir = setup(base() + 'study: { name: s }\nsearch:\n  model.beta: { grid: [1] }\n');
    const r = run(dir, ['--workers', '1', '--set', 'train.optimizer.lr=1e30']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/every one of the \d+ trials failed with the same error: training diverged/);
    expect(fs.existsSync(path.join(dir, 'out', 's', 'summary.json'))).toBe(true);
  });

  it('some trials failed, some completed: exit 0, the best kept, and how many failed is said', () => {
    const dir = setup(base() + 'study: { name: s }\nsearch:\n  train.optimizer.lr: { grid: [0.001, 1.0e+30] }\n');
    const r = run(dir, ['--workers', '1']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^best: trial \d+/m);
    expect(r.stdout).toMatch(/^\d+ of \d+ trials failed/m);
    expect(fs.existsSync(path.join(dir, 'out', 's', 'best.yaml'))).toBe(true);
  });
});
