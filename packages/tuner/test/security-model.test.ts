/**
 * A config that asks for an absurdly large model (`hidden: [1e9]`) is refused before anything is
 * allocated: exit 2 within seconds and little memory, one located message, no stack trace.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const RSS_PRELOAD = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-secmodel-rss-')), 'rss.js');
fs.writeFileSync(RSS_PRELOAD, "process.on('exit', () => process.stderr.write('@@maxrss ' + process.resourceUsage().maxRSS + '\\n'));\n");

function train(hidden: string, cwd: string) {
  fs.writeFileSync(
    path.join(cwd, 'big.yaml'),
    `data: { use: mnist, limit: 300, validation: 50, testLimit: 50 }\nmodel:\n  latentDim: 4\n  encoder: { use: mlp, hidden: ${hidden} }\n  decoder: { use: mlp, hidden: [16] }\ntrain: { epochs: 1, batchSize: 50, backend: wasm }\noutput: { images: false }\n`,
  );
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--require', RSS_PRELOAD, BIN, 'train', '--config', 'big.yaml', '--out', 'o'], { cwd, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
  const m = /@@maxrss (\d+)\n$/.exec(r.stderr ?? '');
  return { code: r.status, stderr: (r.stderr ?? '').replace(/@@maxrss \d+\n$/, ''), ms: Date.now() - t0, maxRssKiB: m ? Number(m[1]) : Infinity };
}

it.each(['[1000000000]', '[100000, 100000]', '[20000, 20000]'])('hidden: %s is refused before any weight is allocated', (hidden) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-secmodel-'));
  try {
    const r = train(hidden, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.yaml: model: the encoder and decoder the config describes would have more than 67,108,864 weights/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.maxRssKiB).toBeLessThan(600 * 1024);
    expect(fs.existsSync(path.join(dir, 'o', 'metrics.json'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it('a model within the limit trains', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-secmodel-'));
  try {
    const r = train('[64]', dir);
    expect(r.stderr).not.toMatch(/weights/);
    expect(r.code).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
