/**
 * `vaekit molecules optimize` through the CLI on a tiny SMILES model trained here: the top list
 * against @vaekit/molecules' own QED and canonical SMILES, novelty against --train, invalid trials
 * and their recorded value, resuming and worker processes on SQLite, a user objective, the report
 * of an optimize study, and bad input.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadChemistry } from '@vaekit/molecules';
import { openStorage } from '@vaekit/study';
import type { FrozenTrial } from '@vaekit/study';
import { expectRefused, runCli } from './helpers/cli';
import { editedCheckpoint, grammarSmiles, TINY_SMILES_CONFIG } from './helpers/smiles';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-optimize-'));
const ckpt = path.join(dir, 'run', 'checkpoint');
const last = (s: string) => JSON.parse(s.trim().split('\n').pop()!);


/** Every trial of a study in a SQLite file, by number. */
async function trialsOf(db: string, study: string): Promise<FrozenTrial[]> {
  const storage = await openStorage(`sqlite:${db}`, { defaultSqlitePath: db });
  try {
    const s = await storage.getStudy(study);
    return (await storage.getTrials(s!.id)).sort((a, b) => a.number - b.number);
  } finally {
    await storage.close();
  }
}

beforeAll(() => {
  fs.writeFileSync(path.join(dir, 'train.smi'), grammarSmiles(300).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'smiles.yaml'), TINY_SMILES_CONFIG);
  // A user objective that refuses some molecules (recorded as invalid, with its message).
  fs.writeFileSync(path.join(dir, 'score.js'), "module.exports = (mol) => { if (mol.qed < 0.5) throw new Error('too poor: ' + mol.canonical); return mol.qed + mol.logp; };\n");
  const r = runCli(['train', '--config', 'smiles.yaml', '--out', 'run'], dir);
  if (r.code !== 0) throw new Error(r.stderr);
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vaekit molecules optimize', () => {
  test('QED: the top molecules are distinct canonical SMILES with RDKit QED as value, best first, novelty against --train; deterministic for a seed', async () => {
    const args = ['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'qed', '--trials', '20', '--seed', '3', '--train', 'train.smi', '--json'];
    const r = runCli([...args, '--out', 'top'], dir);
    expect(r.code).toBe(0);
    const j = last(r.stdout);
    expect(j).toMatchObject({ objective: 'qed', study: 'optimize-qed', trials: 20 });
    expect(j.top.length).toBeGreaterThan(0);
    expect(j.top.length).toBeLessThanOrEqual(10);
    const chem = await loadChemistry();
    const train = new Set(grammarSmiles(300).map((s) => chem.canonical(s)!));
    for (const t of j.top) {
      expect(chem.canonical(t.smiles)).toBe(t.smiles);
      expect(t.qed).toBeCloseTo(chem.qed(t.smiles)!, 12);
      expect(t.value).toBe(t.qed);
      expect(t.logp).toBeCloseTo(chem.describe(t.smiles).logp!, 12);
      expect(t.novel).toBe(!train.has(t.smiles));
    }
    expect(new Set(j.top.map((t: { smiles: string }) => t.smiles)).size).toBe(j.top.length);
    const values = j.top.map((t: { value: number }) => t.value);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // The training set's best molecule for QED, as @vaekit/molecules scores it.
    const qeds = grammarSmiles(300).map((s) => chem.qed(s)!);
    expect(j.trainBest.value).toBeCloseTo(Math.max(...qeds), 12);
    expect(chem.qed(j.trainBest.smiles)).toBeCloseTo(j.trainBest.value, 12);
    // --out: the list as SMILES lines, as JSON, and drawn.
    expect(fs.readFileSync(path.join(dir, 'top', 'top.smi'), 'utf8')).toBe(j.top.map((t: { smiles: string }) => t.smiles + '\n').join(''));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'top', 'top.json'), 'utf8'))).toEqual(j);
    expect(fs.readFileSync(path.join(dir, 'top', 'top.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // The same seed on one worker gives the same study.
    expect(last(runCli(args, dir).stdout)).toEqual(j);
    // Without --train, novelty is unknown; the table says so.
    const plain = runCli(['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'qed', '--trials', '5', '--top', '3'], dir);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^5 trials, \d+ valid molecules; the best \d distinct ones \(maximize qed\):\n\s*rank\s+trial\s+qed\s+QED\s+logP\s+novel\s+SMILES\n\s+1\s+\d+\s+[\d.]+\s+[\d.]+\s+-?[\d.]+\s+-\s+\S+/);
  }, 120_000);

  test('SQLite: the trials keep the molecule; a user objective that throws records it as invalid with the worst valid value so far; resume adds trials; workers share the study; the report reads it', async () => {
    const db = path.join(dir, 'opt.db');
    const base = ['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'score.js', '--storage', `sqlite:${db}`, '--seed', '1', '--json'];
    const a = runCli([...base, '--trials', '12'], dir);
    expect(a.code).toBe(0);
    expect(last(a.stdout)).toMatchObject({ objective: 'score', study: 'optimize-score', trials: 12 });
    const first = await trialsOf(db, 'optimize-score');
    expect(first).toHaveLength(12);
    const chem = await loadChemistry();
    let worst = Infinity;
    let invalid = 0;
    for (const t of first) {
      expect(t.state).toBe('COMPLETE');
      expect(t.params).toEqual(Object.fromEntries([0, 1, 2, 3].map((i) => [`z${i}`, expect.any(Number)])));
      for (const v of Object.values(t.params) as number[]) expect(Math.abs(v)).toBeLessThanOrEqual(3);
      const d = chem.describe(t.userAttrs.smiles as string);
      if (t.userAttrs.valid) {
        expect(d.qed).toBeGreaterThanOrEqual(0.5);
        expect(t.value).toBeCloseTo(d.qed! + d.logp!, 12);
        expect(t.userAttrs).toMatchObject({ canonical: d.canonical, value: t.value });
        expect(t.userAttrs.qed).toBeCloseTo(d.qed!, 12);
        worst = Math.min(worst, t.value!);
      } else {
        invalid++;
        // Invalid: the worst valid value before it (0 when none yet), and why.
        expect(t.value).toBe(worst === Infinity ? 0 : worst);
        expect(t.userAttrs.error).toMatch(d.valid ? /^the objective threw: too poor: / : /not a valid molecule|empty string/);
      }
    }
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThan(12);

    // Resume: --trials is the study's total; the earlier trials are kept as they were.
    const b = runCli([...base, '--trials', '16'], dir);
    expect(b.code).toBe(0);
    expect(last(b.stdout).trials).toBe(16);
    const resumed = await trialsOf(db, 'optimize-score');
    expect(resumed.map((t) => t.number)).toEqual([...Array(16).keys()]);
    expect(resumed.slice(0, 12).map((t) => t.params)).toEqual(first.map((t) => t.params));

    // Two worker processes on the same study.
    const w = runCli([...base, '--trials', '22', '--workers', '2'], dir);
    expect(w.code).toBe(0);
    expect(last(w.stdout).trials).toBe(22);
    const all = await trialsOf(db, 'optimize-score');
    expect(all.filter((t) => t.state === 'COMPLETE')).toHaveLength(22);
    expect(new Set(all.map((t) => JSON.stringify(t.params))).size).toBe(all.length);

    // Another objective on the same study is refused.
    expectRefused(runCli([...base.slice(0, 5), 'qed', ...base.slice(6), '--study', 'optimize-score'], dir), /study optimize-score in sqlite:.*opt\.db maximises score\.js .*--objective qed is qed: resume it with the same objective, or give another --study/);

    // The existing report command on the optimize study.
    const rep = runCli(['report', '--study', 'optimize-score', '--storage', `sqlite:${db}`, '--out', 'opt.html'], dir);
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'opt.html'), 'utf8');
    expect(html).toMatch(/optimize-score/);
    expect(html).toMatch(/z3/);
    // The trials table shows each trial's molecule (the optimized-molecules section's column).
    const shown = all.find((t) => t.userAttrs.valid)!.userAttrs.canonical as string;
    expect(html).toContain(JSON.stringify(shown).slice(1, -1));
    expect(html).toMatch(/optimized-molecules:smiles/);
  }, 120_000);

  test('predicted-qed: the study maximises the property predictor at z, and keeps the true QED beside it', async () => {
    const yaml = fs.readFileSync(path.join(dir, 'smiles.yaml'), 'utf8').replace('  loss: { use: categorical }\n', '  loss: { use: categorical }\n  property: { names: [qed, logp], hidden: [] }\n');
    fs.writeFileSync(path.join(dir, 'property.yaml'), yaml);
    const t = runCli(['train', '--config', 'property.yaml', '--out', 'prun'], dir);
    expect(t.code).toBe(0);
    const pckpt = path.join(dir, 'prun', 'checkpoint');
    const db = path.join(dir, 'predicted.db');
    const r = runCli(['molecules', 'optimize', '--checkpoint', pckpt, '--objective', 'predicted-qed', '--trials', '8', '--storage', `sqlite:${db}`, '--json'], dir);
    expect(r.code).toBe(0);
    const j = last(r.stdout);
    expect(j).toMatchObject({ objective: 'predicted-qed', study: 'optimize-predicted-qed', trials: 8 });
    const chem = await loadChemistry();
    for (const e of j.top) expect(e.actual).toBeCloseTo(chem.qed(e.smiles)!, 12);
    // Each valid trial's value is the predictor's output at its z (recomputed here from the checkpoint).
    const tf = await import('@tensorflow/tfjs-core');
    const { loadCheckpointModel } = await import('@vaekit/pipelines');
    const { predictProperties } = await import('@vaekit/core');
    const { model } = await loadCheckpointModel(pckpt);
    const valid = (await trialsOf(db, 'optimize-predicted-qed')).filter((x) => x.userAttrs.valid);
    expect(valid.length).toBeGreaterThan(0);
    for (const x of valid) {
      const z = tf.tensor2d([[0, 1, 2, 3].map((i) => x.params[`z${i}`] as number)]);
      expect(x.value).toBeCloseTo(predictProperties(model, z).qed[0], 5);
      expect(x.userAttrs.actual).toBeCloseTo(chem.qed(x.userAttrs.smiles as string)!, 12);
      z.dispose();
    }
    tf.dispose(model.weights());
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', pckpt, '--objective', 'predicted-mw'], dir), /predictor predicts qed, logp, not mw/);
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', pckpt, '--objective', 'predicted-color'], dir), /--objective predicted-color: expected predicted-qed, predicted-logp, predicted-tpsa or predicted-mw/);
  }, 120_000);

  test('bad input: exit 2 with one message', () => {
    const opt = (...more: string[]) => runCli(['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'qed', ...more], dir);
    expectRefused(runCli(['molecules', 'optimize', '--objective', 'qed'], dir), /--checkpoint DIR is required/);
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', ckpt], dir), /--objective is required/);
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', 'nope', '--objective', 'qed'], dir), /nope/);
    expectRefused(opt('--trials', '0'), /--trials: expected an integer from 1 to 100000, found "0"/);
    expectRefused(opt('--top', '1.5'), /--top: expected an integer from 1 to 1000, found "1.5"/);
    expectRefused(opt('--workers', '0'), /--workers: expected an integer from 1 to 64/);
    expectRefused(opt('--sampler', 'gp'), /--sampler: expected tpe or random, found "gp"/);
    expectRefused(opt('--workers', '2'), /a memory: study cannot be shared by worker processes/);
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'potency'], dir), /--objective: expected qed, logp, predicted-NAME or FILE\.js, found "potency"/);
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'missing.js'], dir), /--objective missing\.js: file not found/);
    fs.writeFileSync(path.join(dir, 'notfn.js'), 'module.exports = { score: 1 };\n');
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'notfn.js'], dir), /notfn\.js: does not export a function: expected module\.exports = \(mol\) => number/);
    fs.writeFileSync(path.join(dir, 'broken.js'), 'module.exports = (mol) => {\n');
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'broken.js'], dir), /broken\.js: could not load the objective: /);
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', ckpt, '--objective', 'predicted-qed'], dir), /--objective predicted-qed: this checkpoint has no property predictor/);
    const copy = (name: string, edit: (meta: Record<string, any>) => void) => editedCheckpoint(ckpt, path.join(dir, name), edit);
    const images = copy('images', (m) => {
      delete m.vocab;
      m.dataShape = [28, 28, 1];
    });
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', images, '--objective', 'qed'], dir), /model\.json: this checkpoint holds a model of vectors or images, not of SMILES strings/);
    const words = copy('words', (m) => {
      m.vocab.tokenizer = { ...m.vocab.tokenizer, kind: 'words' };
    });
    expectRefused(runCli(['molecules', 'optimize', '--checkpoint', words, '--objective', 'qed'], dir), /trained with the words tokenizer, not smiles/);
  }, 120_000);
});
