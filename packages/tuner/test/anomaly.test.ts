import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openStorage } from '@vaekit/study';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-anomaly-'));
const run = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const config = `
data: { use: mnist, limit: 4000, testLimit: 1000 }
model:
  latentDim: 4
  encoder: { use: mlp, hidden: [64] }
  decoder: { use: mlp, hidden: [64] }
train: { epochs: 2, batchSize: 100, seed: 1, backend: wasm }
anomaly: { classes: [0, 1], method: elbo, samples: 2, baselines: { pca: { components: 5 }, knn: { k: 5 } } }
`;

describe('vaekit anomaly', () => {
  it('runs the one-class protocol and prints the table and the JSON result', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a.yaml'), config);
    const r = run(['anomaly', '--config', 'a.yaml', '--json'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(res.classes.map((c: { normal: number }) => c.normal)).toEqual([0, 1]);
    for (const c of res.classes) {
      // Even a tiny VAE separates one digit from the rest far better than chance.
      expect(c.rocAuc).toBeGreaterThan(0.8);
      expect(c.prAuc).toBeGreaterThan(0.8);
    }
    expect(res.meanRocAuc).toBeCloseTo((res.classes[0].rocAuc + res.classes[1].rocAuc) / 2, 10);
    expect(Object.keys(res.baselines).sort()).toEqual(['knn', 'pca']);
    expect(res.baselines.pca).toBeGreaterThan(0.8);
    expect(r.stderr).toMatch(/\| mean \|/);
    expect(fs.existsSync(path.join(dir, 'out', 'a', 'class-1', 'samples.png'))).toBe(true);
  });

  it('a class whose training diverges stops with the class named, exit 1 and no stack trace', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a.yaml'), config.replace('seed: 1, backend: wasm', 'seed: 1, backend: wasm, optimizer: { name: sgd, lr: 100000 }'));
    const r = run(['anomaly', '--config', 'a.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/normal class 0: training diverged: the loss is \w+ at epoch 1, step \d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs on tabular data: a CSV with a label column', () => {
    const dir = tmp();
    // Three labelled clusters in 6 dimensions; each in turn is normal, the other two anomalous.
    let seed = 7;
    const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const centres = [[0.2, 0.8, 0.5, 0.3, 0.7, 0.4], [0.7, 0.2, 0.4, 0.8, 0.3, 0.6], [0.4, 0.5, 0.8, 0.2, 0.2, 0.8]];
    const rows = Array.from({ length: 900 }, (_, i) => {
      const c = i % 3;
      return [...centres[c].map((m) => (m + 0.06 * (u() + u() + u() - 1.5)).toFixed(4)), `${c}`].join(',');
    });
    fs.writeFileSync(path.join(dir, 'tab.csv'), 'a,b,c,d,e,f,label\n' + rows.join('\n') + '\n');
    fs.writeFileSync(
      path.join(dir, 'tab.yaml'),
      `data: { use: csv, path: tab.csv, labelColumn: label, testFraction: 0.3 }
model: { latentDim: 2, encoder: { use: mlp, hidden: [32] }, decoder: { use: mlp, hidden: [32] }, loss: { use: mse, sigma: 0.1 } }
train: { epochs: 40, batchSize: 30, seed: 1, backend: wasm }
output: { images: false }
anomaly: { method: recon, baselines: { pca: { components: 2 }, knn: { k: 5 } } }
`,
    );
    const r = run(['anomaly', '--config', 'tab.yaml', '--json'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    // Every label present takes a turn as the normal class.
    expect(res.classes.map((c: { normal: number }) => c.normal)).toEqual([0, 1, 2]);
    for (const c of res.classes) expect(c.rocAuc).toBeGreaterThan(0.9);
  });
});

describe('an anomaly study (study.metric rocAuc)', () => {
  const study = `
data: { use: mnist, limit: 6000, validation: 1500, testLimit: 1000 }
model:
  latentDim: 4
  encoder: { use: mlp, hidden: [64] }
  decoder: { use: mlp, hidden: [64] }
  loss: { use: mse, sigma: 0.2 }
train: { epochs: 10, batchSize: 50, seed: 1, backend: wasm }
output: { images: false }
anomaly: { classes: [0, 7], method: recon, baselines: { pca: { components: 5 }, knn: false } }
study: { name: det, metric: rocAuc }
search:
  model.latentDim: { grid: [2, 8] }
`;

  it('optimises the mean ROC-AUC on the validation split, keeps the test AUCs apart, and writes a best.yaml that vaekit anomaly runs', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 's.yaml'), study);
    const r = run(['search', '--config', 's.yaml', '--workers', '2', '--json'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.metric).toBe('rocAuc');
    expect(summary.trials).toHaveLength(2);
    for (const t of summary.trials) {
      expect(t.state).toBe('COMPLETE');
      expect(t.metrics.split).toBe('validation');
      // The value is the validation mean over the two normal classes, never the test one.
      const perClass = t.metrics.classes.map((c: { validation: { rocAuc: number } }) => c.validation.rocAuc);
      expect(t.value).toBeCloseTo((perClass[0] + perClass[1]) / 2, 10);
      expect(t.value).toBeCloseTo(t.metrics.validation.rocAuc, 10);
      expect(t.value).toBeGreaterThan(0.8);
      expect(t.metrics.test.rocAuc).toBeGreaterThan(0.8);
      expect(t.metrics.test.rocAuc).not.toBe(t.value);
      expect(t.metrics.test.pcaRocAuc).toBeGreaterThan(0.8);
      expect(fs.existsSync(path.join(dir, 'out', 'det', `trial-${t.number}`, 'anomaly.json'))).toBe(true);
    }
    // Intermediate values: the partial sums of the per-class AUCs over the 2 classes, rising to the value.
    const storage = await openStorage(`sqlite:${path.join(dir, 'out', 'studies.db')}`, { defaultSqlitePath: '' });
    const stored = await storage.getTrials((await storage.getStudy('det'))!.id);
    await storage.close();
    for (const t of summary.trials) {
      const s = stored.find((x) => x.number === t.number)!;
      const first = t.metrics.classes[0].validation.rocAuc;
      expect(s.intermediate[1]).toBeCloseTo(first / 2, 10);
      expect(s.intermediate[2]).toBeCloseTo(t.value, 10);
    }
    // Maximised: the best trial has the highest value.
    expect(summary.best.value).toBe(Math.max(...summary.trials.map((t: { value: number }) => t.value)));
    const best = fs.readFileSync(path.join(dir, 'out', 'det', 'best.yaml'), 'utf8');
    expect(best).toMatch(/# vaekit anomaly --config/);
    expect(best).toMatch(new RegExp(`latentDim: ${summary.best.params['model.latentDim']}`));
    const again = run(['anomaly', '--config', path.join('out', 'det', 'best.yaml'), '--out', 'again', '--json'], dir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!).classes).toHaveLength(2);
  });

  it('says an anomaly metric needs an anomaly: section', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), study.replace(/^anomaly:.*$/m, ''));
    const r = run(['search', '--config', 'bad.yaml', '--workers', '1'], dir);
    expect(r.stderr).toMatch(/bad\.yaml: study\.metric: rocAuc .*needs an anomaly: section/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
  });
});

describe('vaekit score', () => {
  const dir = tmp();
  beforeAll(() => {
    fs.writeFileSync(path.join(dir, 'v.csv'), Array.from({ length: 300 }, (_, i) => `${(i % 7) / 7},${(i % 3) / 3},0.5,${i % 2}`).join('\n') + '\n');
    fs.writeFileSync(
      path.join(dir, 't.yaml'),
      'data: { use: csv, path: v.csv }\nmodel: { latentDim: 2, encoder: { use: mlp, hidden: [8] }, decoder: { use: mlp, hidden: [8] } }\ntrain: { epochs: 1, batchSize: 50, backend: wasm }\n',
    );
    expect(run(['train', '--config', 't.yaml', '--out', 'm'], dir).code).toBe(0);
  });

  it('scores every row of a CSV, streaming, with each method', () => {
    const rows = Array.from({ length: 1234 }, (_, i) => `${i % 5 === 0 ? 1 : 0.1},0.2,0.3,0.4`);
    fs.writeFileSync(path.join(dir, 'in.csv'), 'a,b,c,d\n' + rows.join('\n') + '\n');
    for (const method of ['elbo', 'iwae', 'recon']) {
      const r = run(['score', '--checkpoint', 'm/checkpoint', '--data', 'in.csv', '--method', method, '--samples', '3', '--out', `s-${method}.csv`], dir);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      const lines = fs.readFileSync(path.join(dir, `s-${method}.csv`), 'utf8').trim().split('\n');
      expect(lines[0]).toBe('row,score');
      expect(lines).toHaveLength(1235);
      const scores = lines.slice(1).map((l) => Number(l.split(',')[1]));
      expect(scores.every(Number.isFinite)).toBe(true);
    }
  });

  it('carries a label column through', () => {
    fs.writeFileSync(path.join(dir, 'lab.csv'), '0.1,0.2,0.3,0.4,7\n0.5,0.5,0.5,0.5,3\n');
    const r = run(['score', '--checkpoint', 'm/checkpoint', '--data', 'lab.csv', '--label-column', '4'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['row,label,score', expect.stringMatching(/^0,7,/), expect.stringMatching(/^1,3,/)]);
  });

  it.each([
    ['a missing checkpoint', ['--checkpoint', 'nope', '--data', 'v.csv'], [/checkpoint/, /nope/]],
    ['a checkpoint from another data shape', ['--checkpoint', 'm/checkpoint', '--data', 'wide.csv'], [/wide\.csv line 1/, /expected 4 columns/, /found 6/]],
    ['a wrong column count', ['--checkpoint', 'm/checkpoint', '--data', 'short.csv'], [/short\.csv line 3/, /expected 4 columns.*found 3/]],
    ['a non-numeric cell', ['--checkpoint', 'm/checkpoint', '--data', 'text.csv'], [/text\.csv line 2, column 3/, /'x' is not a number/]],
  ])('refuses %s with the file and row named', (_n, args, patterns) => {
    fs.writeFileSync(path.join(dir, 'wide.csv'), '1,2,3,4,5,6\n');
    fs.writeFileSync(path.join(dir, 'short.csv'), '0,0,0,0\n0,0,0,0\n0,0,0\n');
    fs.writeFileSync(path.join(dir, 'text.csv'), '0,0,0,0\n0,0,x,0\n');
    const r = run(['score', ...(args as string[])], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const p of patterns as RegExp[]) expect(r.stderr).toMatch(p);
    expect(r.code).toBe(2);
  });

  it('streams a CSV: peak memory does not grow with the number of rows', () => {
    const wide = tmp();
    const dim = 100;
    // A model over 100 columns, then two files to score: 20,000 rows and 100,000 rows (about 45 MB).
    const write = (file: string, rows: number) => {
      const fd = fs.openSync(path.join(wide, file), 'w');
      let seed = rows;
      const cell = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) % 100) / 100;
      for (let r = 0; r < rows; r += 1000) {
        let chunk = '';
        for (let i = r; i < Math.min(rows, r + 1000); i++) chunk += Array.from({ length: dim }, cell).join(',') + '\n';
        fs.writeSync(fd, chunk);
      }
      fs.closeSync(fd);
    };
    write('fit.csv', 500);
    write('small.csv', 20000);
    write('large.csv', 100000);
    fs.writeFileSync(
      path.join(wide, 't.yaml'),
      'data: { use: csv, path: fit.csv }\nmodel: { latentDim: 4, encoder: { use: mlp, hidden: [32] }, decoder: { use: mlp, hidden: [32] } }\ntrain: { epochs: 1, batchSize: 100, backend: wasm }\n',
    );
    expect(run(['train', '--config', 't.yaml', '--out', 'm'], wide).code).toBe(0);
    const peak = (file: string) => {
      const r = run(['score', '--checkpoint', 'm/checkpoint', '--data', file, '--method', 'recon', '--out', `${file}.scores`], wide);
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(wide, `${file}.scores`), 'utf8').trim().split('\n')).toHaveLength((file === 'large.csv' ? 100000 : 20000) + 1);
      return Number(/peak resident memory (\d+) MiB/.exec(r.stderr)![1]);
    };
    const mib = fs.statSync(path.join(wide, 'large.csv')).size / 2 ** 20;
    expect(mib).toBeGreaterThan(40);
    const small = peak('small.csv');
    const large = peak('large.csv');
    // Reading the file whole would add at least the extra 80,000 rows' text (36 MiB) and their
    // 8 million floats (31 MiB); streaming adds only what the garbage collector lets lie.
    expect(large - small).toBeLessThan(12);
    fs.rmSync(wide, { recursive: true, force: true });
  });
});
