/**
 * Checkpoints are untrusted: every file model.json names stays inside the checkpoint folder (after
 * resolving links) and is a regular file of exactly the size its weights need; the format, version
 * and every weight's name, dtype and shape are checked; a checkpoint's plugins are checked before
 * any is loaded. Each fault is a CheckpointError (exit code 2) naming the file.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { isUserError } from '@vaekit/study';
import { checkCheckpointPlugins, CheckpointError, loadCheckpoint, PluginRegistry, readCheckpointManifest, readCheckpointMetadata, saveCheckpoint } from '../src';

const tmp = () => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-ckpt-sec-')));
const holder = (shapes: number[][]) => {
  const vars = shapes.map((s) => tf.variable(tf.zeros(s)));
  return { weights: () => vars };
};
const SHAPES = [[2, 3], [3]];

async function saved(metadata: object = {}): Promise<string> {
  const dir = tmp();
  const m = holder(SHAPES);
  m.weights()[0].assign(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
  await saveCheckpoint(dir, m, metadata);
  return dir;
}

function edit(dir: string, f: (m: any) => void): void {
  const file = path.join(dir, 'model.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  f(m);
  fs.writeFileSync(file, JSON.stringify(m));
}

async function refused(p: () => unknown, patterns: RegExp[]): Promise<void> {
  let err: unknown;
  const t0 = Date.now();
  try {
    await p();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect(isUserError(err)).toBe(true);
  for (const r of patterns) expect((err as Error).message).toMatch(r);
  expect((err as Error).message).not.toMatch(/\n/);
  expect(Date.now() - t0).toBeLessThan(5000);
}

const load = (dir: string) => loadCheckpoint(dir, holder(SHAPES));
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('checkpoint loading', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('round-trips, lists the plugins of the config it holds and checks format and version', async () => {
    const dir = await saved({ config: { model: { encoder: { use: 'mlp' }, decoder: { use: 'mlp' }, loss: { use: 'bce' } } } });
    const m = holder(SHAPES);
    await loadCheckpoint(dir, m);
    expect(Array.from(m.weights()[0].dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'vaekit-checkpoint', version: 1, plugins: ['mlp', 'bce'] });
    edit(dir, (j) => (j.version = 2));
    await refused(() => load(dir), [new RegExp(esc(path.join(dir, 'model.json'))), /checkpoint version "2"; this vaekit reads version 1 \(the checkpoint was saved by a newer vaekit\)/]);
    edit(dir, (j) => delete j.version);
    await refused(() => load(dir), [/checkpoint version missing/]);
    edit(dir, (j) => (j.format = 'tfjs-layers'));
    await refused(() => load(dir), [/model\.json: not a vaekit checkpoint \(format is "tfjs-layers", expected "vaekit-checkpoint"\)/]);
    await refused(() => readCheckpointMetadata(dir), [/format is "tfjs-layers"/]);
  });

  it.each([
    ['a path outside the folder', '../../../../../../etc/passwd', /must be a file inside the checkpoint folder/],
    ['an absolute path', '/etc/passwd', /is not a file name inside the checkpoint folder/],
    ['a device', '/dev/zero', /is not a file name inside the checkpoint folder/],
    ['a relative path to a device', '../../../../../../../dev/zero', /must be a file inside the checkpoint folder/],
    ['a backslash path', '..\\..\\etc\\passwd', /is not a file name inside the checkpoint folder/],
    ['an empty path', '', /is not a file name inside the checkpoint folder/],
    ['the folder itself', '.', /is not a regular file/],
    ['a missing file', 'nothing.bin', /nothing\.bin: cannot read the checkpoint's weights: the file does not exist/],
  ])('refuses weights paths naming %s', async (_what, p, pattern) => {
    const dir = await saved();
    edit(dir, (j) => (j.weightsManifest[0].paths = [p]));
    await refused(() => load(dir), [pattern]);
  });

  it('reads weights split over several files in the folder, and bounds how many files', async () => {
    const dir = await saved();
    const data = fs.readFileSync(path.join(dir, 'weights.bin'));
    fs.mkdirSync(path.join(dir, 'shards'));
    fs.writeFileSync(path.join(dir, 'shards', 'a.bin'), data.subarray(0, 10));
    fs.writeFileSync(path.join(dir, 'b.bin'), data.subarray(10));
    edit(dir, (j) => (j.weightsManifest[0].paths = ['shards/a.bin', 'shards/../b.bin']));
    const m = holder(SHAPES);
    await loadCheckpoint(dir, m);
    expect(Array.from(m.weights()[0].dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    fs.appendFileSync(path.join(dir, 'b.bin'), Buffer.alloc(2));
    await refused(() => load(dir), [/shards.a\.bin, .*b\.bin \(together\): the checkpoint's weights file has 38 bytes/]);
    edit(dir, (j) => (j.weightsManifest[0].paths = Array.from({ length: 1001 }, () => 'weights.bin')));
    await refused(() => load(dir), [/names 1001 weights files, at most 1000/]);
  });

  it('refuses links that lead out of the folder, FIFOs and folders, without reading them', async () => {
    const outside = tmp();
    fs.writeFileSync(path.join(outside, 'secret.bin'), Buffer.alloc(40));
    let dir = await saved();
    fs.rmSync(path.join(dir, 'weights.bin'));
    fs.symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'weights.bin'));
    await refused(() => load(dir), [new RegExp(esc(path.join(dir, 'weights.bin'))), /must be a file inside the checkpoint folder/]);
    dir = await saved();
    fs.rmSync(path.join(dir, 'weights.bin'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'weights.bin'));
    await refused(() => load(dir), [/must be a file inside the checkpoint folder .* it leads to \/dev\/zero/]);
    dir = await saved();
    fs.rmSync(path.join(dir, 'weights.bin'));
    expect(spawnSync('mkfifo', [path.join(dir, 'weights.bin')]).status).toBe(0);
    await refused(() => load(dir), [/weights\.bin: the checkpoint's weights is not a regular file/]);
    dir = await saved();
    fs.rmSync(path.join(dir, 'weights.bin'));
    fs.mkdirSync(path.join(dir, 'weights.bin'));
    await refused(() => load(dir), [/weights\.bin: the checkpoint's weights is not a regular file/]);
    // model.json itself: a link out of the folder, or a FIFO.
    dir = await saved();
    fs.renameSync(path.join(dir, 'model.json'), path.join(outside, 'model.json'));
    fs.symlinkSync(path.join(outside, 'model.json'), path.join(dir, 'model.json'));
    await refused(() => readCheckpointMetadata(dir), [/model\.json: the checkpoint's model\.json must be a file inside the checkpoint folder/]);
    dir = await saved();
    fs.rmSync(path.join(dir, 'model.json'));
    expect(spawnSync('mkfifo', [path.join(dir, 'model.json')]).status).toBe(0);
    await refused(() => readCheckpointMetadata(dir), [/model\.json: the checkpoint's model\.json is not a regular file/]);
    // A checkpoint "folder" that is a file.
    await refused(() => readCheckpointMetadata(path.join(outside, 'secret.bin')), [/secret\.bin: a checkpoint is a folder/]);
  });

  it('checks the exact size of weights.bin: longer, truncated, odd-sized or empty', async () => {
    for (const [size, what] of [[40, /has 40 bytes, but its model\.json lists weights that need exactly 36 \(longer than it should be/], [32, /has 32 bytes.*exactly 36 \(truncated/], [10, /has 10 bytes/], [0, /has 0 bytes/]] as const) {
      const dir = await saved();
      const bin = path.join(dir, 'weights.bin');
      const data = fs.readFileSync(bin);
      fs.writeFileSync(bin, size > data.length ? Buffer.concat([data, Buffer.alloc(size - data.length)]) : data.subarray(0, size));
      await refused(() => load(dir), [new RegExp(esc(bin)), what]);
    }
  });

  it("checks every weight's name, dtype and shape against the model", async () => {
    let dir = await saved();
    edit(dir, (j) => (j.weightsManifest[0].weights[1].name = 'renamed'));
    await refused(() => load(dir), [/model\.json: weight 1 is named "renamed", expected "w1"/, /weights\.bin/]);
    dir = await saved();
    edit(dir, (j) => (j.weightsManifest[0].weights[0].dtype = 'int32'));
    await refused(() => load(dir), [/model\.json: weight "w0" has dtype "int32", expected "float32"/]);
    dir = await saved();
    edit(dir, (j) => (j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 }));
    await refused(() => load(dir), [/weight "w0" is quantized/]);
    for (const shape of [[3, 2], [6]]) {
      dir = await saved();
      edit(dir, (j) => (j.weightsManifest[0].weights[0].shape = shape));
      await refused(() => load(dir), [new RegExp(`weight 0 has shape \\[${shape}\\] in the checkpoint but \\[2,3\\] in the model`)]);
    }
    for (const shape of [[1e15, 1e15], [-1], ['2'], 'x', [2.5]]) {
      dir = await saved();
      edit(dir, (j) => (j.weightsManifest[0].weights[0].shape = shape));
      await refused(() => load(dir), [/model\.json: (weight "w0" has shape|the weights need more than)/]);
    }
    dir = await saved();
    edit(dir, (j) => j.weightsManifest[0].weights.pop());
    fs.truncateSync(path.join(dir, 'weights.bin'), 24);
    await refused(() => load(dir), [/holds 1 weight tensors, the model has 2/]);
  });

  it('refuses non-finite weights, huge or deeply nested model.json, and odd manifests', async () => {
    let dir = await saved();
    const bin = path.join(dir, 'weights.bin');
    const data = fs.readFileSync(bin);
    data.writeFloatLE(NaN, 8);
    fs.writeFileSync(bin, data);
    await refused(() => load(dir), [/weights\.bin: weight "w0" holds a value that is not finite/]);
    dir = await saved();
    fs.writeFileSync(path.join(dir, 'model.json'), '['.repeat(100000) + ']'.repeat(100000));
    await refused(() => readCheckpointMetadata(dir), [/model\.json: not a vaekit checkpoint/]);
    dir = await saved();
    edit(dir, (j) => (j.userDefinedMetadata = { a: JSON.parse('{"b":'.repeat(200) + '1' + '}'.repeat(200)) }));
    await refused(() => readCheckpointMetadata(dir), [/nested deeper than 64 levels/]);
    dir = await saved();
    fs.writeFileSync(path.join(dir, 'model.json'), Buffer.alloc(17 * 1024 * 1024, 32));
    await refused(() => readCheckpointMetadata(dir), [/model\.json: not a vaekit checkpoint \(\d+ bytes; a model\.json is at most/]);
    for (const wm of [undefined, [], {}, [{ paths: 'weights.bin', weights: [] }], [{ paths: [], weights: [] }], [null]]) {
      dir = await saved();
      edit(dir, (j) => (j.weightsManifest = wm));
      await refused(() => load(dir), [/model\.json: weightsManifest/]);
    }
  });

  it("checks a checkpoint's plugins before loading any: no path, only installed packages, only those it lists", async () => {
    const dir = await saved({ config: { model: { encoder: { use: 'mlp' }, decoder: { use: 'mlp' }, loss: { use: 'bce' } } } });
    const marker = path.join(dir, 'MARKER');
    fs.writeFileSync(path.join(dir, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');`);
    fs.mkdirSync(path.join(dir, 'node_modules', 'evil'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'evil', 'index.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');`);
    const registry = new PluginRegistry().register(
      ...['encoder', 'decoder'].map((kind) => ({ kind: kind as 'encoder', name: 'mlp', optionsSchema: {}, create: () => ({}) as never })),
      { kind: 'loss', name: 'bce', optionsSchema: {}, create: () => ({}) as never },
    );
    const config = (use: string) => ({ model: { encoder: { use }, decoder: { use: 'mlp' }, loss: { use: 'bce' } } });
    const check = (use: string, plugins?: string[]) => {
      edit(dir, (j) => (plugins ? (j.plugins = plugins) : delete j.plugins));
      return checkCheckpointPlugins(readCheckpointManifest(dir), config(use), registry);
    };
    expect(() => check('mlp', ['mlp', 'bce'])).not.toThrow();
    await refused(() => check(path.join(dir, 'evil.js') + '#enc'), [/model\.json: model\.encoder\.use: .* is a file path/, /--allow-plugin-path/]);
    await refused(() => check('./evil.js#enc'), [/is a file path/]);
    await refused(() => check('evil#enc'), [/model\.encoder needs the plugin package "evil", which is not installed: run npm install evil/]);
    await refused(() => check('vaekit-plugin-missing#enc', ['vaekit-plugin-missing#enc', 'mlp', 'bce']), [/npm install vaekit-plugin-missing/]);
    await refused(() => check('resnet'), [/unknown encoder "resnet"/]);
    await refused(() => check('evil#enc', ['mlp', 'bce']), [/model\.encoder\.use names a plugin the checkpoint does not list/]);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
