/**
 * --threads on vaekit train and vaekit bench, and train.threads in a config: bad values end with
 * one message naming the flag or the config path and exit code 2; a good value reaches the run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, VAEKIT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const config = (over = '') => `
data: { use: mnist, limit: 300, validation: 100, testLimit: 100 }
model:
  latentDim: 2
  encoder: { use: mlp, hidden: [16] }
  decoder: { use: mlp, hidden: [16] }
  loss: { use: bce }
train: { epochs: 1, batchSize: 100, seed: 3, backend: wasm${over} }
eval: { iwaeSamples: 0 }
`;

describe('thread counts on the command line and in configs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-threads-'));

  it('refuses a bad --threads on bench and train (exit 2, no stack trace)', () => {
    fs.writeFileSync(path.join(dir, 'small.yaml'), config());
    for (const [args, bad] of [
      [['bench', '--model', 'mlp', '--threads', '0'], '0'],
      [['bench', '--model', 'text', '--threads', 'two'], 'two'],
      [['train', '--config', 'small.yaml', '--threads', '1.5'], '1.5'],
      [['train', '--config', 'small.yaml', '--threads', '257'], '257'],
    ] as Array<[string[], string]>) {
      const r = run(args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`vaekit: --threads: expected an integer from 1 to 256, found "${bad}"`);
    }
  });

  it('refuses a bad train.threads, naming the file and the path', () => {
    fs.writeFileSync(path.join(dir, 'zero.yaml'), config(', threads: 0'));
    const r = run(['train', '--config', 'zero.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/zero\.yaml: train\.threads: expected an integer >= 1/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    fs.writeFileSync(path.join(dir, 'text.yaml'), config(', threads: many'));
    const t = run(['train', '--config', 'text.yaml'], dir);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/text\.yaml: train\.threads: expected an integer/);
  });

  it('bench reports the thread count it ran with', () => {
    const r = run(['bench', '--model', 'mlp', '--steps', '4', '--warmup', '0', '--threads', '2', '--json'], dir);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout.trim());
    expect(o.model).toBe('mlp');
    expect(o.samplesPerSec).toBeGreaterThan(0);
    expect([o.steps, o.warmup]).toEqual([4, 0]);
    expect(r.stderr).toMatch(/4 steps of 128 in [0-9.]+ s, after 0 untimed/);
    // 2 with the native kernels; 1 when they are not in use (plain wasm or another backend).
    expect(o.threads).toBe(o.backend === 'wasm+native' ? 2 : 1);
  });

  it('train --threads sets train.threads (metrics.json keeps the config)', () => {
    fs.writeFileSync(path.join(dir, 'small.yaml'), config());
    const r = run(['train', '--config', 'small.yaml', '--out', 'out', '--threads', '2', '--json'], dir);
    expect(r.code).toBe(0);
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'metrics.json'), 'utf8'));
    expect(metrics.config.train.threads).toBe(2);
  });

  it('a search with 2 workers gives each max(1, floor(cores / 2)) threads and says so', () => {
    fs.writeFileSync(
      path.join(dir, 'study.yaml'),
      config() + 'output: { images: false }\nstudy: { name: s, sampler: { name: random, seed: 0 }, trials: 2 }\nsearch:\n  model.beta: { type: float, low: 0.5, high: 2 }\n',
    );
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const per = Math.max(1, Math.floor(cores / 2));
    const r = run(['search', '--config', 'study.yaml', '--workers', '2', '--out', 'search'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`0 of 2 trials finished, 2 workers × ${per} thread${per > 1 ? 's' : ''}$`));
    const one = run(['search', '--config', 'study.yaml', '--workers', '1', '--study', 'one', '--trials', '1', '--out', 'search', '--set', 'train.threads=1'], dir);
    expect(one.code).toBe(0);
    expect(one.stdout.split('\n')[0]).toMatch(/1 worker × 1 thread$/);
  });
});
