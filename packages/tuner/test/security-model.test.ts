/**
 * A config that asks for an absurdly large model (`hidden: [1e9]`) is refused before anything is
 * allocated: exit 2 within seconds and little memory, one located message, no stack trace.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectRefused, runCli } from './helpers/cli';

function train(hidden: string, cwd: string) {
  fs.writeFileSync(
    path.join(cwd, 'big.yaml'),
    `data: { use: mnist, limit: 300, validation: 50, testLimit: 50 }\nmodel:\n  latentDim: 4\n  encoder: { use: mlp, hidden: ${hidden} }\n  decoder: { use: mlp, hidden: [16] }\ntrain: { epochs: 1, batchSize: 50, backend: wasm }\noutput: { images: false }\n`,
  );
  return runCli(['train', '--config', 'big.yaml', '--out', 'o'], cwd);
}

it.each(['[1000000000]', '[100000, 100000]', '[20000, 20000]'])('hidden: %s is refused before any weight is allocated', (hidden) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-secmodel-'));
  try {
    const r = train(hidden, dir);
    expectRefused(r, /big\.yaml: model: the encoder and decoder the config describes would have more than 67,108,864 weights/);
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
