/**
 * model.property end to end in one process: a tiny SMILES model trained with a property head, its
 * targets and statistics against RDKit's values, the test RMSE / R², and the predictor through a
 * checkpoint (same z → same predictions, in original units); checkpoints whose property metadata
 * does not match the model are refused naming the file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, loadDataset, predictProperties, propertyNames, validateConfig, validateOptions, VAE } from '@vaekit/core';
import { loadChemistry } from '@vaekit/molecules';
import { runTraining, TrainRunResult } from '../src/train/train';
import { loadCheckpointModel } from '../src/checkpoint/load';
import { builtInRegistry } from '../src/registry';
import { withPropertyTargets } from '../src/property/targets';
import { grammarSmiles } from './fixtures/smiles';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-property-'));
const out = path.join(dir, 'run');
const ckpt = path.join(out, 'checkpoint');

// Two training lines RDKit refuses (an unclosed ring, a five-membered benzene).
const INVALID = ['CC1CC', 'c1cccc1'];
const train = [...grammarSmiles(160), ...INVALID];
const testSet = grammarSmiles(24, 170);

const config = (extra: object = {}) =>
  validateConfig({
    data: { use: 'text', train: 'train.smi', validation: 'valid.smi', test: 'test.smi', tokenizer: 'smiles' },
    model: {
      latentDim: 4,
      encoder: { use: 'gru', embedding: 8, hidden: 16 },
      decoder: { use: 'gru', embedding: 8, hidden: 16 },
      loss: { use: 'categorical' },
      property: { names: ['qed', 'logp'], hidden: [8] },
      ...extra,
    },
    train: { epochs: 2, batchSize: 16, optimizer: { name: 'adam', lr: 0.01 }, clipNorm: 5, backend: 'cpu' },
    eval: { iwaeSamples: 0 },
  });

const Z = [
  [0.3, -1.2, 0.5, 2],
  [0, 0, 0, 0],
  [-1, 0.7, 1.5, -0.4],
];

let result: TrainRunResult;
let before: Record<string, Float32Array>;
let log = '';

beforeAll(async () => {
  fs.writeFileSync(path.join(dir, 'train.smi'), train.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'test.smi'), testSet.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'valid.smi'), grammarSmiles(20, 100).join('\n') + '\n');
  const sink = { write: (s: string) => ((log += s), true) } as unknown as NodeJS.WritableStream;
  result = await runTraining(config(), {
    baseDir: dir,
    out,
    log: sink,
    afterTraining: (model: VAE) => {
      const z = tf.tensor2d(Z);
      before = predictProperties(model, z);
      z.dispose();
    },
  });
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the test metrics hold each property’s RMSE and R² over the valid test molecules, in metrics.json too', () => {
  const p = result.test.property!;
  expect(Object.keys(p)).toEqual(['qed', 'logp']);
  for (const m of Object.values(p)) {
    // The last two test molecules end in F, a token the training split lacks: read as <unk>, they
    // are no SMILES, and are left out.
    expect(m.n).toBe(testSet.length - 2);
    expect(Number.isFinite(m.rmse) && m.rmse > 0).toBe(true);
    expect(Number.isFinite(m.r2) && m.r2 <= 1).toBe(true);
  }
  const saved = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  expect(saved.test.property).toEqual(p);
  expect(result.epochs[0].train.property).toBeGreaterThan(0);
  // Each epoch's validation metrics, and the epoch lines, have them too.
  expect(Object.keys(result.epochs[1].validation!.property!)).toEqual(['qed', 'logp']);
  expect(result.epochs[1].validation!.property!.logp.n).toBe(20);
  expect(result.validation!.property).toEqual(result.epochs[1].validation!.property);
  expect(log).toMatch(/epoch 2\/2 .* property loss [\d.]+ .* val R² qed -?[\d.]+, logp -?[\d.]+ /);
  expect(log).toMatch(/properties qed, logp of 206 molecules computed with RDKit .*; 2 invalid training SMILES get no property loss/);
});

test('the checkpoint keeps the training split’s mean and sd, as RDKit gives them for the valid training SMILES', async () => {
  const chem = await loadChemistry();
  const meta = JSON.parse(fs.readFileSync(path.join(ckpt, 'model.json'), 'utf8')).userDefinedMetadata;
  expect(meta.property.names).toEqual(['qed', 'logp']);
  const described = train.map((s) => chem.describe(s)).filter((d) => d.valid);
  expect(described).toHaveLength(160);
  (['qed', 'logp'] as const).forEach((name, j) => {
    const v = described.map((d) => d[name]!);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(meta.property.mean[j]).toBeCloseTo(mean, 4);
    expect(meta.property.sd[j]).toBeCloseTo(sd, 4);
  });
});

test('a loaded checkpoint predicts the same values on the same z, in original units', async () => {
  const { model } = await loadCheckpointModel(ckpt);
  expect(propertyNames(model)).toEqual(['qed', 'logp']);
  const z = tf.tensor2d(Z);
  const after = predictProperties(model, z);
  z.dispose();
  for (const name of ['qed', 'logp']) {
    expect(Array.from(after[name])).toEqual(Array.from(before[name]));
  }
  // Original units: the predictions sit near the training mean (QED in (0, 1)), not near 0 ± 1.
  const mean = JSON.parse(fs.readFileSync(path.join(ckpt, 'model.json'), 'utf8')).userDefinedMetadata.property.mean;
  expect(Math.abs(after.qed[1] - mean[0])).toBeLessThan(0.5);
  tf.dispose(model.weights());
});

describe('checkpoints whose property metadata does not match the model', () => {
  function tampered(name: string, edit: (meta: any) => void): string {
    const copy = path.join(dir, name);
    fs.cpSync(ckpt, copy, { recursive: true });
    const file = path.join(copy, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(json.userDefinedMetadata);
    fs.writeFileSync(file, JSON.stringify(json));
    return copy;
  }

  test('statistics for other properties than the config predicts', async () => {
    const copy = tampered('names', (m) => {
      m.property = { names: ['qed'], mean: [0.5], sd: [0.1] };
    });
    const err = await loadCheckpointModel(copy).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toContain(path.join(copy, 'model.json'));
    expect(err.message).toMatch(/predicts \[qed, logp\] but the checkpoint's "property" statistics are for \[qed\]/);
  });

  test('a config asking for a predictor whose weights are not in the file', async () => {
    const copy = tampered('weights', (m) => {
      m.config.model.property.names = ['qed', 'logp', 'mw'];
      m.property = { names: ['qed', 'logp', 'mw'], mean: [0.5, 2, 300], sd: [0.1, 1, 50] };
    });
    const err = await loadCheckpointModel(copy).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toContain(path.join(copy, 'model.json'));
  });

  test('a standard deviation that is not positive', async () => {
    const copy = tampered('sd', (m) => {
      m.property.sd = [0.1, 0];
    });
    const err = await loadCheckpointModel(copy).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toMatch(/model\.json: "property" must hold 2 positive standard deviations/);
  });

  test('statistics removed while the config keeps model.property', async () => {
    const copy = tampered('none', (m) => {
      delete m.property;
    });
    const err = await loadCheckpointModel(copy).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toMatch(/statistics are for \[\]/);
  });
});

test('the data of a second run in the same process (a search trial) are not described again', async () => {
  const c = config();
  const ctx = { registry: builtInRegistry(), validateOptions, baseDir: dir, seed: 1 };
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const chem = await loadChemistry();
  const spy = jest.spyOn(chem, 'describe');
  try {
    const data = await withPropertyTargets(c, await loadDataset(c.data, ctx), sink);
    const again = await withPropertyTargets(c, await loadDataset(c.data, ctx), sink);
    // The training run above described these splits already.
    expect(spy).not.toHaveBeenCalled();
    expect(Array.from(again.train.targets!)).toEqual(Array.from(data.train.targets!));
    expect(data.train.targets!.length).toBe(2 * train.length);
    expect(Number.isNaN(data.train.targets![2 * 160])).toBe(true);
  } finally {
    spy.mockRestore();
  }
});
