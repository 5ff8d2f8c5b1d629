import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-search-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const base = `
data: { use: mnist, limit: 600, validation: 200, testLimit: 200 }
model:
  latentDim: 4
  encoder: { use: mlp, hidden: [32] }
  decoder: { use: mlp, hidden: [32] }
train: { epochs: 2, batchSize: 100, seed: 1, backend: wasm }
output: { images: true }
`;

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vaekit search', () => {
  it('runs a grid study with two worker processes and writes the summary, the best config and each trial', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'grid.yaml'), base + 'study: { name: g, sampler: { name: grid } }\nsearch:\n  model.beta: { grid: [0.5, 1, 4] }\n');
    const r = run(['search', '--config', 'grid.yaml', '--workers', '2', '--json'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.study).toBe('g');
    expect(summary.sampler).toBe('grid');
    expect(summary.trials).toHaveLength(3);
    expect(summary.trials.map((t: { params: { 'model.beta': number } }) => t.params['model.beta']).sort()).toEqual([0.5, 1, 4]);
    for (const t of summary.trials) {
      expect(t.state).toBe('COMPLETE');
      expect(t.metrics.validation.negElbo).toBeCloseTo(t.value, 6);
      expect(fs.existsSync(path.join(dir, 'out', 'g', `trial-${t.number}`, 'samples.png'))).toBe(true);
    }
    const best = summary.trials.reduce((a: { value: number }, b: { value: number }) => (b.value < a.value ? b : a));
    expect(summary.best.number).toBe(best.number);
    expect(fs.readFileSync(path.join(dir, 'out', 'g', 'summary.json'), 'utf8')).toContain('"best"');
    // best.yaml runs as is.
    const t = run(['train', '--config', path.join(dir, 'out', 'g', 'best.yaml'), '--set', 'train.epochs=1', '--out', 'again', '--json'], dir);
    expect(t.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out', 'g', 'best.yaml'), 'utf8')).toMatch(new RegExp(`beta: ${summary.best.params['model.beta']}`));
    // The listings read the same storage.
    const studies = run(['studies', '--storage', `sqlite:${path.join(dir, 'out', 'studies.db')}`], dir);
    expect(studies.stdout).toMatch(/^g\s+minimize\s+complete 3/m);
    const trials = run(['trials', '--study', 'g', '--storage', `sqlite:${path.join(dir, 'out', 'studies.db')}`, '--json'], dir);
    expect(JSON.parse(trials.stdout)).toHaveLength(3);
  });

  it('TPE: one process draws as Optuna (numpy stream); worker processes use keyed streams and never repeat a start-up trial', () => {
    const dir = tmp();
    const cfg = (name: string) =>
      base.replace('output: { images: true }', 'output: { images: false }').replace('epochs: 2', 'epochs: 1') +
      `study: { name: ${name}, sampler: { name: tpe, seed: 3 } }\nsearch:\n  model.beta: { type: float, low: 0.1, high: 10, log: true }\n`;
    fs.writeFileSync(path.join(dir, 'one.yaml'), cfg('one'));
    fs.writeFileSync(path.join(dir, 'two.yaml'), cfg('two'));
    const betas = (file: string, workers: string) => {
      const r = run(['search', '--config', file, '--workers', workers, '--trials', '4', '--json'], dir);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout.trim().split('\n').pop()!).trials as Array<{ number: number; params: { 'model.beta': number } }>)
        .sort((a, b) => a.number - b.number)
        .map((t) => t.params['model.beta']);
    };
    // numpy.random.RandomState(3), as Optuna's RandomSampler(seed=3) draws a log-uniform float.
    const { NumpyRandomState } = require('../../study/src/samplers/numpyStream') as typeof import('../../study/src/samplers/numpyStream');
    const rs = new NumpyRandomState(3);
    const optuna = [0, 1, 2, 3].map(() => Math.exp(Math.log(0.1) + (Math.log(10) - Math.log(0.1)) * rs.uniform()));
    const one = betas('one.yaml', '1');
    one.forEach((b, i) => expect(b).toBeCloseTo(optuna[i], 12));
    const two = betas('two.yaml', '2');
    expect(new Set(two).size).toBe(4);
  });

  it('resumes a study killed with SIGKILL: the requested trials, none lost or run twice', async () => {
    const dir = tmp();
    const grid = [0.25, 0.5, 1, 2, 4, 8];
    fs.writeFileSync(
      path.join(dir, 'k.yaml'),
      base + `study: { name: k, sampler: { name: grid }, heartbeatSeconds: 0.5, staleSeconds: 3 }\nsearch:\n  model.beta: { grid: [${grid.join(', ')}] }\n`,
    );
    const child = spawn(process.execPath, [BIN, 'search', '--config', 'k.yaml', '--workers', '1'], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Kill it (and anything it started) once two trials have finished.
    for (let i = 0; i < 600 && (out.match(/COMPLETE/g) ?? []).length < 2; i++) await sleep(100);
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect((out.match(/COMPLETE/g) ?? []).length).toBeGreaterThanOrEqual(2);
    const r = run(['search', '--config', 'k.yaml', '--workers', '2', '--json'], dir);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const done = summary.trials.filter((t: { state: string }) => t.state === 'COMPLETE');
    expect(done).toHaveLength(6);
    expect(done.map((t: { params: { 'model.beta': number } }) => t.params['model.beta']).sort((a: number, b: number) => a - b)).toEqual(grid);
    const numbers = summary.trials.map((t: { number: number }) => t.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    // A trial that was running when the search died is marked FAIL, not lost silently.
    for (const t of summary.trials.filter((x: { state: string }) => x.state !== 'COMPLETE')) expect(t.state).toBe('FAIL');
  });

  const pg = process.env.VAEKIT_TEST_POSTGRES;
  (pg ? it : it.skip)('shares one PostgreSQL study between two worker processes, each grid point once', () => {
    const dir = tmp();
    const name = `pg${process.pid}${Date.now()}`;
    fs.writeFileSync(path.join(dir, 'pg.yaml'), base.replace('epochs: 2', 'epochs: 1') + `study: { name: ${name} }\nsearch:\n  model.beta: { grid: [0.5, 1, 2, 4] }\n`);
    const r = run(['search', '--config', 'pg.yaml', '--workers', '2', '--storage', pg!, '--json'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.trials.filter((t: { state: string }) => t.state === 'COMPLETE')).toHaveLength(4);
    expect(summary.trials.map((t: { params: { 'model.beta': number } }) => t.params['model.beta']).sort((a: number, b: number) => a - b)).toEqual([0.5, 1, 2, 4]);
  });

  it('rejects bad search sections with the path named', () => {
    const dir = tmp();
    const cases: Array<[string, RegExp]> = [
      ['search:\n  model.beta: { type: float, low: 2, high: 1 }\n', /search\.model\.beta: low \(2\) must be <= high \(1\)/],
      ['search:\n  model.betta: { grid: [1, 2] }\n', /model: unknown key "betta".*search\.model\.betta/],
      ['search:\n  train.optimizer.lr: { type: float, low: 0, high: 1, log: true }\n', /search\.train\.optimizer\.lr: a log-scaled float needs low > 0/],
      ['study: { metric: elbo }\nsearch:\n  model.beta: { grid: [1] }\n', /study\.metric: expected one of/],
    ];
    for (const [yaml, pattern] of cases) {
      fs.writeFileSync(path.join(dir, 'bad.yaml'), base + (yaml.startsWith('study') ? '' : 'study: { name: b }\n') + yaml);
      const r = run(['search', '--config', 'bad.yaml', '--workers', '1'], dir);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(2);
    }
  });

  // Every mistake in study: and search: is found before any trial starts: exit 2, one located
  // message (the file, the config path, what was expected), no stack trace, no study folder.
  const rejected = (dir: string, study: string, search: string) => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), base + `study: ${study}\nsearch:\n  ${search}\n`);
    const r = run(['search', '--config', 'bad.yaml', '--workers', '1', '--trials', '1'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return r.stderr;
  };
  const beta = 'model.beta: { type: float, low: 0.1, high: 4 }';

  it('rejects unknown and out-of-range sampler and pruner options, and unknown samplers, naming the file and the path', () => {
    const dir = tmp();
    expect(rejected(dir, '{ sampler: { name: tpe, nStartupTrails: 5 } }', beta)).toMatch(
      /^vaekit: bad\.yaml: study\.sampler: unknown key "nStartupTrails" \(expected one of: name, seed, nStartupTrials, .*\); did you mean "nStartupTrials"\?$/m,
    );
    expect(rejected(dir, '{ sampler: { name: tpe, nStartupTrials: -1 } }', beta)).toMatch(
      /^vaekit: bad\.yaml: study\.sampler\.nStartupTrials: expected an integer >= 0, found -1$/m,
    );
    expect(rejected(dir, '{ sampler: { name: random, nStartupTrials: 3 } }', beta)).toMatch(
      /bad\.yaml: study\.sampler: unknown key "nStartupTrials" \(expected one of: name, seed\)/,
    );
    expect(rejected(dir, '{ sampler: { name: cmaes } }', beta)).toMatch(/bad\.yaml: study\.sampler\.name: expected one of tpe, random, grid, qmc, gp, nsga2, found "cmaes"/);
    expect(rejected(dir, '{ pruner: { name: percentile } }', beta)).toMatch(/bad\.yaml: study\.pruner: missing required key "percentile"/);
    expect(rejected(dir, '{ pruner: { name: percentile, percentile: 150 } }', beta)).toMatch(
      /bad\.yaml: study\.pruner\.percentile: expected a number >= 0 and <= 100, found 150/,
    );
    expect(rejected(dir, '{ pruner: { name: median, nWarmupSteps: x } }', beta)).toMatch(
      /bad\.yaml: study\.pruner\.nWarmupSteps: expected an integer >= 0, found "x" \(string\)/,
    );
    expect(rejected(dir, '{ pruner: { name: hyperband } }', beta)).toMatch(
      /bad\.yaml: study\.pruner\.name: expected one of none, median, percentile, asha, successiveHalving, found "hyperband"/,
    );
    // A rule between two options, checked by the study package after the schema.
    expect(rejected(dir, '{ pruner: { name: asha, minResource: auto, bootstrapCount: 2 } }', beta)).toMatch(
      /bad\.yaml: study\.pruner\.bootstrapCount: bootstrapCount > 0 needs an explicit minResource \(not 'auto'\)/,
    );
  });

  it('rejects bad distributions in search: with the searched path named', () => {
    const dir = tmp();
    const study = '{ name: s }';
    expect(rejected(dir, study, 'model.beta: { type: float, low: 4, high: 1 }')).toMatch(/^vaekit: bad\.yaml: search\.model\.beta: low \(4\) must be <= high \(1\)$/m);
    expect(rejected(dir, study, 'model.beta: { type: float, low: 0, high: 1, log: true }')).toMatch(
      /^vaekit: bad\.yaml: search\.model\.beta: a log-scaled float needs low > 0, got low=0$/m,
    );
    expect(rejected(dir, study, 'model.latentDim: { type: int, low: 0, high: 8, log: true }')).toMatch(
      /bad\.yaml: search\.model\.latentDim: a log-scaled int needs low >= 1, got low=0/,
    );
    expect(rejected(dir, study, 'model.latentDim: { type: int, low: 1.5, high: 8 }')).toMatch(/bad\.yaml: search\.model\.latentDim\.low: expected an integer, found 1\.5/);
    expect(rejected(dir, study, 'model.beta: { type: float, low: 1, high: 2, steps: 0.5 }')).toMatch(
      /bad\.yaml: search\.model\.beta: unknown key "steps" \(expected one of: type, low, high, log, step\); did you mean "step"\?/,
    );
    expect(rejected(dir, study, 'model.beta: { grid: [1, 2, 1] }')).toMatch(/bad\.yaml: search\.model\.beta: grid values contain 1 twice/);
    expect(rejected(dir, study, 'model.beta: { type: gaussian }')).toMatch(/bad\.yaml: search\.model\.beta\.type: expected one of float, int, categorical, found "gaussian"/);
  });

  it('runs a study with a valid percentile pruner', () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'p.yaml'),
      base.replace('output: { images: true }', 'output: { images: false }').replace('epochs: 2', 'epochs: 1') +
        `study: { name: p, sampler: { name: tpe, seed: 1, nStartupTrials: 1 }, pruner: { name: percentile, percentile: 25, nWarmupSteps: 1 } }\nsearch:\n  ${beta}\n`,
    );
    const r = run(['search', '--config', 'p.yaml', '--workers', '1', '--trials', '2', '--json'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/study p \(tpe sampler, percentile pruner, minimize negElbo\)/);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.trials).toHaveLength(2);
  });
});

describe('the study API', () => {
  it('rejects a sampler option typo with a ConfigError naming the option', () => {
    const { ConfigError, createStudy } = require('@vaekit/study') as typeof import('@vaekit/study');
    let err: unknown;
    try {
      createStudy({ direction: 'minimize', sampler: { name: 'tpe', nStartupTrails: 5 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as InstanceType<typeof ConfigError>).path).toBe('study.sampler.nStartupTrails');
    expect((err as Error).message).toMatch(/unknown option "nStartupTrails" for the tpe sampler .*did you mean "nStartupTrials"\?/);
  });
});
