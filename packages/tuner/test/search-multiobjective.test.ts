/**
 * Multi-objective searches (study.metrics / study.directions): a small recon/KL study with trials
 * enqueued first, its summary (front, hypervolume), listing and report; the config mistakes it
 * refuses with exit code 2; a study resumed with other directions.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectRefused, runCli } from './helpers/cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-mo-'));

const base = `
data: { use: mnist, limit: 300, validation: 100, testLimit: 100 }
model:
  latentDim: 2
  encoder: { use: mlp, hidden: [16] }
  decoder: { use: mlp, hidden: [16] }
train: { epochs: 1, batchSize: 100, seed: 1, backend: wasm }
output: { images: false }
`;
const space = `search:\n  model.beta: { type: float, low: 0.25, high: 4, log: true }\n  model.latentDim: { type: int, low: 2, high: 6 }\n`;

function write(dir: string, file: string, study: string, search = space): string {
  fs.writeFileSync(path.join(dir, file), base + study + search);
  return file;
}

describe('vaekit search with study.metrics', () => {
  it('runs a recon/KL study: trials hold both values, the summary, listing and report show the front and its hypervolume', () => {
    const dir = tmp();
    write(dir, 'rd.yaml', 'study:\n  name: rd\n  metrics: [recon, kl]\n  sampler: { name: random, seed: 1 }\n  trials: 4\n  enqueue:\n    - { model.beta: 0.5 }\n    - { model.beta: 2 }\n');
    const r = runCli(['search', '--config', 'rd.yaml', '--workers', '1', '--json'], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.metrics).toEqual(['recon', 'kl']);
    expect(summary.directions).toEqual(['minimize', 'minimize']);
    expect(summary.best).toBeNull();
    expect(summary.trials).toHaveLength(4);
    for (const t of summary.trials) {
      expect(t.state).toBe('COMPLETE');
      expect(t.values[0]).toBeCloseTo(t.metrics.validation.recon, 9);
      expect(t.values[1]).toBeCloseTo(t.metrics.validation.kl, 9);
    }
    // The enqueued trials come first, at the config's own latent size.
    expect(summary.trials.slice(0, 2).map((t: { params: Record<string, number> }) => t.params)).toEqual([
      { 'model.beta': 0.5, 'model.latentDim': 2 },
      { 'model.beta': 2, 'model.latentDim': 2 },
    ]);
    // The front: exactly the trials no other trial beats in both recon and KL.
    const v = summary.trials.map((t: { values: number[] }) => t.values);
    const expected = summary.trials
      .filter((_: unknown, i: number) => !v.some((q: number[], j: number) => j !== i && q[0] <= v[i][0] && q[1] <= v[i][1] && (q[0] < v[i][0] || q[1] < v[i][1])))
      .map((t: { number: number }) => t.number);
    expect(summary.front.front.map((f: { number: number }) => f.number)).toEqual(expected);
    expect(summary.front.reference).toEqual([Math.max(...v.map((x: number[]) => x[0])), Math.max(...v.map((x: number[]) => x[1]))]);
    expect(summary.front.hypervolume).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dir, 'out', 'rd', 'best.yaml'))).toBe(false);
    const report = fs.readFileSync(path.join(dir, 'out', 'rd', 'report.html'), 'utf8');
    expect(report).toContain('pareto-front');
    expect(report).toContain('study.enqueue');
    const listed = runCli(['studies', '--storage', `sqlite:${path.join(dir, 'out', 'studies.db')}`], dir);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^rd\\s+\\[minimize, minimize\\]\\s+complete 4 .*front: trials? ${expected.join(', ')}\\s+hypervolume ${+summary.front.hypervolume.toPrecision(6)}`, 'm'));
    // Resuming it as a single-objective study is refused, naming the study.
    write(dir, 'one.yaml', 'study:\n  name: rd\n  metric: recon\n  sampler: { name: random }\n  trials: 5\n');
    expectRefused(runCli(['search', '--config', 'one.yaml', '--workers', '1'], dir), /study "rd" already exists with 2 directions \[minimize, minimize\], not direction minimize/);
  }, 120_000);

  const refused: Array<[string, string, RegExp]> = [
    ['metric and metrics', 'study: { metric: recon, metrics: [recon, kl] }\n', /study\.metric and study\.metrics: give one of them/],
    ['direction and directions', 'study: { metrics: [recon, kl], direction: minimize, directions: [minimize, minimize] }\n', /study\.direction and study\.directions: give one of them/],
    ['directions of another length', 'study: { metrics: [recon, kl], directions: [minimize, minimize, maximize] }\n', /study\.directions: 3 directions for 2 metrics \(recon, kl\)/],
    ['directions without metrics', 'study: { metric: recon, directions: [minimize, minimize] }\n', /study\.directions: only for a multi-objective study/],
    ['direction with metrics', 'study: { metrics: [recon, kl], direction: minimize }\n', /a study with study\.metrics takes study\.directions/],
    ['a pruner', 'study: { metrics: [recon, kl], pruner: { name: median } }\n', /study\.pruner: pruning is not supported for multi-objective studies/],
    ['an unknown metric', 'study: { metrics: [recon, rate] }\n', /study\.metrics/],
    ['one metric', 'study: { metrics: [recon] }\n', /study\.metrics/],
    ['a reference point of another length', 'study: { metrics: [recon, kl], referencePoint: [1] }\n', /study\.referencePoint/],
    ['an enqueued path that is not searched', 'study: { metrics: [recon, kl], enqueue: [{ model.latent: 3 }] }\n', /study\.enqueue\[0\]\.model\.latent: not a searched path/],
    ['an enqueued value out of range', 'study: { metrics: [recon, kl], enqueue: [{ model.beta: 100 }] }\n', /study\.enqueue\[0\]\.model\.beta: 100 is outside its search range/],
    ['an enqueued trial without a value the grid sampler needs', 'study: { metrics: [recon, kl], sampler: { name: grid }, enqueue: [{ model.beta: 1 }] }\nsearch:\n  model.beta: { grid: [1, 2] }\n  model.encoder.activation: { grid: [relu, tanh] }\n', /study\.enqueue\[0\]: no value for model\.encoder\.activation/],
  ];
  it.each(refused)('refuses %s with exit code 2', (_what, study, message) => {
    const dir = tmp();
    const [head, search] = study.split(/(?=search:\n)/);
    write(dir, 'bad.yaml', head, search);
    expectRefused(runCli(['search', '--config', 'bad.yaml', '--workers', '1'], dir), message);
  });
});
