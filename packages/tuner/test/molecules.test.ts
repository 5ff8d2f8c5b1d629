/**
 * `vaekit molecules describe` and `vaekit molecules sample` through the CLI: the CSV and summaries
 * they print, a small SMILES model's samples scored with the training-set check, and bad input.
 * Property values themselves are checked against RDKit's Python API in @vaekit/molecules' tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectRefused, runCli } from './helpers/cli';
import { editedCheckpoint, grammarSmiles, TINY_SMILES_CONFIG } from './helpers/smiles';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-molecules-'));
const ckpt = path.join(dir, 'run', 'checkpoint');

beforeAll(() => {
  fs.writeFileSync(path.join(dir, 'train.smi'), grammarSmiles(300).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'other.smi'), grammarSmiles(200, 100).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'smiles.yaml'), TINY_SMILES_CONFIG);
  // Line 2 is blank (skipped), line 3 an unclosed ring, line 6 not SMILES and with a comma.
  fs.writeFileSync(path.join(dir, 'mixed.smi'), 'CCO ethanol\n\nC1CC\nc1ccccc1\nCC(=O)Nc1ccc(O)cc1\nxyz,1\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vaekit molecules describe', () => {
  test('one CSV row per SMILES in order, invalid ones with empty cells, the summary last on stderr', () => {
    const r = runCli(['molecules', 'describe', '--data', 'mixed.smi'], dir);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('smiles,valid,canonical,qed,logp,tpsa,mw');
    expect(rows.slice(1, 5).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['CCO,true,CCO', 'C1CC,false,', 'c1ccccc1,true,c1ccccc1', 'CC(=O)Nc1ccc(O)cc1,true,CC(=O)Nc1ccc(O)cc1']);
    expect(rows[5]).toBe('"xyz,1",false,,,,,');
    expect(rows).toHaveLength(6);
    // Paracetamol: RDKit 2022.09's QED.qed 0.5950, Crippen logP 1.3506, TPSA 49.33, MolWt 151.165.
    expect(rows[4].split(',').slice(3)).toEqual(['0.595026', '1.3506', '49.33', '151.165']);
    expect(rows[2]).toBe('C1CC,false,,,,,');
    expect(r.stderr).toMatch(/mixed\.smi: 2 of 5 lines are not valid SMILES \(lines 3, 6\)/);
    expect(r.stderr).toMatch(/5 SMILES, 3 valid \(60\.0%\); QED 0\.481 ± /);
  }, 60_000);

  test('--out writes the CSV and --json prints the summary as the last line of stdout', () => {
    const r = runCli(['molecules', 'describe', '--data', 'mixed.smi', '--out', 'props.csv', '--json'], dir);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(s).toMatchObject({ n: 5, valid: 3, invalid: 2, validity: 0.6, invalidLines: [3, 6] });
    expect(s.qed.mean).toBeCloseTo((0.406808 + 0.442628 + 0.595026) / 3, 5);
    expect(Object.keys(s).sort()).toEqual(['invalid', 'invalidLines', 'logp', 'mw', 'n', 'qed', 'tpsa', 'valid', 'validity']);
    expect(fs.readFileSync(path.join(dir, 'props.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(6);
  }, 60_000);

  test('many invalid lines: all counted, the first 20 listed', () => {
    fs.writeFileSync(path.join(dir, 'junk.smi'), ['CCO', ...Array.from({ length: 25 }, (_, i) => `C1C${i}`)].join('\n') + '\n');
    const r = runCli(['molecules', 'describe', '--data', 'junk.smi', '--out', 'junk.csv', '--json'], dir);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(s).toMatchObject({ n: 26, valid: 1, invalid: 25 });
    expect(s.invalidLines).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(r.stderr).toMatch(/junk\.smi: 25 of 26 lines are not valid SMILES \(lines 2, 3, .*, 21, \.\.\.\)/);
    expect(fs.readFileSync(path.join(dir, 'junk.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(27);
  }, 60_000);

  test('bad input: a missing file, a file that is not UTF-8, an empty one, no --data: exit 2 naming the file', () => {
    expectRefused(runCli(['molecules', 'describe', '--data', 'missing.smi'], dir), /missing\.smi/);
    fs.writeFileSync(path.join(dir, 'latin1.smi'), Buffer.from([0x43, 0x43, 0xe9, 0x0a]));
    expectRefused(runCli(['molecules', 'describe', '--data', 'latin1.smi'], dir), /latin1\.smi line 1: not UTF-8/);
    fs.writeFileSync(path.join(dir, 'blank.smi'), '\n  \n');
    expectRefused(runCli(['molecules', 'describe', '--data', 'blank.smi'], dir), /blank\.smi: no SMILES in it/);
    expectRefused(runCli(['molecules', 'describe'], dir), /--data FILE\.smi is required/);
    expectRefused(runCli(['molecules', 'describe', '--data', 'mixed.smi', '--out', 'mixed.smi'], dir), /--out mixed\.smi is the --data file/);
    expectRefused(runCli(['molecules', 'draw'], dir), /unknown subcommand "draw"/);
  }, 60_000);

  test('without the optional package @vaekit/molecules: exit 2 saying how to install it', () => {
    // As if it were not installed: resolving it fails the way Node fails for a missing package.
    const hide = path.join(dir, 'hide-molecules.js');
    fs.writeFileSync(
      hide,
      "const M = require('module'); const r = M._resolveFilename; M._resolveFilename = function (req, ...a) { if (req === '@vaekit/molecules') { const e = new Error(\"Cannot find module '@vaekit/molecules'\"); e.code = 'MODULE_NOT_FOUND'; throw e; } return r.call(this, req, ...a); };\n",
    );
    const r = runCli(['molecules', 'describe', '--data', 'mixed.smi'], dir, { NODE_OPTIONS: `--require ${hide}` });
    expectRefused(r, /needs the optional package @vaekit\/molecules .*npm install @vaekit\/molecules/);
  }, 60_000);
});

describe('vaekit molecules sample', () => {
  beforeAll(() => {
    const r = runCli(['train', '--config', 'smiles.yaml', '--out', 'run'], dir);
    if (r.code !== 0) throw new Error(r.stderr);
  }, 120_000);

  test('the checkpoint keeps its training set fingerprint (size and hash), not its path', () => {
    const meta = JSON.parse(fs.readFileSync(path.join(ckpt, 'model.json'), 'utf8')).userDefinedMetadata;
    expect(meta.trainSet.n).toBe(260);
    expect(meta.trainSet.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(meta.trainSet)).not.toMatch(/train\.smi/);
  });

  test('vaekit train drew the run\'s samples as molecules: samples.svg beside samples.txt, a cell per line', () => {
    const lines = fs.readFileSync(path.join(dir, 'run', 'samples.txt'), 'utf8').replace(/\n$/, '').split('\n');
    const svg = fs.readFileSync(path.join(dir, 'run', 'samples.svg'), 'utf8');
    expect((svg.match(/<g class="molecule"/g) ?? []).length).toBe(Math.min(lines.length, 20));
  });

  test('scores greedy prior samples as MOSES does and writes them; novelty against --train', () => {
    const r = runCli(['molecules', 'sample', '--checkpoint', ckpt, '--n', '40', '--train', 'train.smi', '--out', 'samples.smi', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
    for (const k of ['n', 'validity', 'uniqueness', 'novelty', 'intDiv', 'qed', 'logp']) expect(j).toHaveProperty(k);
    expect(j.n).toBe(40);
    expect(j.method).toBe('greedy');
    expect(j.validity).toBeGreaterThanOrEqual(0);
    expect(j.validity).toBeLessThanOrEqual(1);
    const samples = fs.readFileSync(path.join(dir, 'samples.smi'), 'utf8').split('\n').slice(0, -1);
    expect(samples).toHaveLength(40);
    // The picture beside them: one cell per valid sample (at most 48), nothing that runs.
    const svg = fs.readFileSync(path.join(dir, 'samples.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect((svg.match(/<g class="molecule"/g) ?? []).length).toBe(Math.min(j.valid, 48));
    expect(svg).not.toMatch(/<script|<foreignObject|\son\w+=|href/i);
    expect(r.stderr).toMatch(/wrote samples\.smi and samples\.svg/);
    // The figures are those of @vaekit/molecules on the written samples: validity recounted here.
    const d = runCli(['molecules', 'describe', '--data', 'samples.smi', '--json', '--out', 'samples.csv'], dir);
    const nonBlank = samples.filter((s) => s.trim()).length;
    if (d.code === 0) expect(JSON.parse(d.stdout.trim().split('\n').pop()!).valid).toBe(j.valid);
    else expect(nonBlank).toBe(0);
    // Part of the training file (the first 260 lines) was the training split: the check says it matches only for that exact set.
    expect(j.train).toEqual({ n: 300, matches: false });
    // The training file's own distributions (all 300 valid) and the Fréchet distance of each property.
    expect(j.trainProperties.of).toBe(300);
    expect(j.trainProperties.qed.mean).toBeGreaterThan(0);
    expect(Object.keys(j.frechet).sort()).toEqual(['logp', 'mw', 'qed', 'tpsa']);
    expect(r.stderr).toMatch(/train\.smi: not the training set of this checkpoint \(300 sequences, the model was trained on 260\)/);
    expect(r.stderr.trimEnd().split('\n').pop()).toMatch(/^peak resident memory \d+ MiB$/);
  }, 120_000);

  test('--train with the training split itself matches; sampling is deterministic for a seed', () => {
    fs.writeFileSync(path.join(dir, 'split.smi'), grammarSmiles(260).reverse().join('\n') + '\n');
    const a = runCli(['molecules', 'sample', '--checkpoint', ckpt, '--n', '20', '--method', 'sample', '--seed', '5', '--train', 'split.smi', '--json', '--out', 'a.smi'], dir);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout.trim().split('\n').pop()!).train).toEqual({ n: 260, matches: true });
    expect(a.stderr).not.toMatch(/not the training set/);
    const b = runCli(['molecules', 'sample', '--checkpoint', ckpt, '--n', '20', '--method', 'sample', '--seed', '5', '--out', 'b.smi'], dir);
    expect(b.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'b.smi'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'a.smi'), 'utf8'));
    expect(b.stdout).toMatch(/^20 samples: validity [\d.]+%, uniqueness .*, novelty - \(give --train\)/);
  }, 120_000);

  test('bad input: --n out of bounds, an unknown method, a missing --train, a checkpoint of images or of words', () => {
    expectRefused(runCli(['molecules', 'sample', '--checkpoint', ckpt, '--n', '0'], dir), /--n: expected an integer from 1 to 1000000, found "0"/);
    expectRefused(runCli(['molecules', 'sample', '--checkpoint', ckpt, '--n', '1000001'], dir), /--n: expected an integer from 1 to 1000000/);
    expectRefused(runCli(['molecules', 'sample', '--checkpoint', ckpt, '--method', 'beam'], dir), /--method: expected greedy or sample, found "beam"/);
    expectRefused(runCli(['molecules', 'sample', '--checkpoint', ckpt, '--n', '5', '--train', 'nope.smi'], dir), /nope\.smi/);
    expectRefused(runCli(['molecules', 'sample'], dir), /--checkpoint DIR is required/);
    const copy = (name: string, edit: (meta: Record<string, any>) => void) => editedCheckpoint(ckpt, path.join(dir, name), edit);
    const images = copy('images', (m) => {
      delete m.vocab;
      m.dataShape = [28, 28, 1];
    });
    expectRefused(runCli(['molecules', 'sample', '--checkpoint', images], dir), /images[/\\]model\.json: this checkpoint holds a model of vectors or images, not of SMILES strings/);
    const words = copy('words', (m) => {
      m.vocab.tokenizer = { ...m.vocab.tokenizer, kind: 'words' };
    });
    expectRefused(runCli(['molecules', 'sample', '--checkpoint', words], dir), /trained with the words tokenizer, not smiles/);
  }, 120_000);
});
