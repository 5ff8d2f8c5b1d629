/**
 * `vaekit train` with model.property through the CLI: the --json test block gains each property's
 * RMSE and R², and configs that cannot have a property predictor are refused (exit 2).
 * The predictor's numbers themselves are checked in core's and pipelines' property tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectRefused, runCli } from './helpers/cli';
import { grammarSmiles } from './helpers/smiles';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-property-cli-'));

const yaml = (data: string, property: string) =>
  [
    `data: ${data}`,
    'model:',
    '  latentDim: 4',
    '  encoder: { use: gru, embedding: 8, hidden: 16 }',
    '  decoder: { use: gru, embedding: 8, hidden: 16 }',
    '  loss: { use: categorical }',
    `  property: ${property}`,
    'train: { epochs: 1, batchSize: 16, optimizer: { name: adam, lr: 0.01 }, clipNorm: 5 }',
    'eval: { iwaeSamples: 0 }',
  ].join('\n') + '\n';

beforeAll(() => {
  fs.writeFileSync(path.join(dir, 'mols.smi'), grammarSmiles(140).join('\n') + '\n');
  const smiles = '{ use: text, path: mols.smi, tokenizer: smiles, test: 20, validation: 0 }';
  fs.writeFileSync(path.join(dir, 'prop.yaml'), yaml(smiles, '{ names: [logp, mw], hidden: [8] }'));
  fs.writeFileSync(path.join(dir, 'chars.yaml'), yaml('{ use: text, path: mols.smi, tokenizer: chars, test: 20 }', '{ names: [qed] }'));
  fs.writeFileSync(path.join(dir, 'unknown.yaml'), yaml(smiles, '{ names: [qed, sas] }'));
  fs.writeFileSync(path.join(dir, 'images.yaml'), yaml('{ use: mnist }', '{ names: [qed] }'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('vaekit train --json: the test block holds each property’s RMSE and R²', () => {
  const r = runCli(['train', '--config', 'prop.yaml', '--out', 'run', '--json'], dir);
  expect(r.code).toBe(0);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(Object.keys(res.test.property)).toEqual(['logp', 'mw']);
  for (const p of Object.values(res.test.property) as Array<{ rmse: number; r2: number; n: number }>) {
    expect(p.n).toBe(20);
    expect(p.rmse).toBeGreaterThan(0);
    expect(p.r2).toBeLessThanOrEqual(1);
  }
  expect(r.stderr).toMatch(/properties logp, mw of 140 molecules computed with RDKit/);
  expect(r.stderr).toMatch(/test properties from the posterior means: logp RMSE [\d.]+, R² -?[\d.]+; mw RMSE/);
}, 60_000);

test('model.property on text that is not SMILES is refused, naming model.property', () => {
  const r = runCli(['train', '--config', 'chars.yaml', '--out', 'run-chars'], dir);
  expectRefused(r, /chars\.yaml: model\.property: property prediction needs SMILES \(data: \{ use: text, tokenizer: smiles \}\), found a text dataset with tokenizer: chars/);
});

test('model.property on image data is refused before any data are read', () => {
  const r = runCli(['train', '--config', 'images.yaml', '--out', 'run-images'], dir);
  expectRefused(r, /images\.yaml: model\.property: property prediction needs SMILES \(data: \{ use: text, tokenizer: smiles \}\), found data\.use: mnist, which is not text/);
  expect(r.stdout).not.toMatch(/vaekit: data/);
});

test('an unknown property name is refused with the names allowed', () => {
  const r = runCli(['train', '--config', 'unknown.yaml', '--out', 'run-unknown'], dir);
  expectRefused(r, /unknown\.yaml: model\.property\.names\[1\]: expected one of qed, logp, tpsa, mw, found "sas"/);
});
