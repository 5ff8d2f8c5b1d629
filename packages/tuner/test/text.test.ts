/**
 * Text models through the CLI: `vaekit train` on a small line file, the files and JSON it writes,
 * and `vaekit generate` in its three modes, with the bad inputs of each.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectRefused, runCli } from './helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-text-'));
const ckpt = path.join(dir, 'run', 'checkpoint');

/** A few hundred short sentences from a tiny grammar, deterministic. */
function corpus(n: number): string {
  const subjects = ['the cat', 'a dog', 'the old man', 'my friend', 'the bird'];
  const verbs = ['sees', 'likes', 'follows', 'hears'];
  const objects = ['the house', 'a tree', 'the river', 'her brother', 'the small car'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`${subjects[i % 5]} ${verbs[(i * 7) % 4]} ${objects[(i * 3) % 5]}`);
  return lines.join('\n') + '\n';
}

beforeAll(() => {
  fs.writeFileSync(path.join(dir, 'lines.txt'), corpus(300));
  fs.writeFileSync(
    path.join(dir, 'text.yaml'),
    [
      'data: { use: text, path: lines.txt, validation: 30, test: 30 }',
      'model:',
      '  latentDim: 4',
      '  encoder: { use: gru, embedding: 16, hidden: 32 }',
      '  decoder: { use: gru, embedding: 16, hidden: 32, wordDropout: 0.1 }',
      '  loss: { use: categorical }',
      '  klSchedule: { kind: linear, warmupSteps: 40 }',
      'train: { epochs: 6, batchSize: 16, optimizer: { name: adam, lr: 0.01 }, clipNorm: 5 }',
      'eval: { iwaeSamples: 4 }',
    ].join('\n') + '\n',
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vaekit train on text', () => {
  test('prints the sequence metrics as JSON and writes samples and reconstructions', () => {
    const r = runCli(['train', '--config', 'text.yaml', '--out', 'run', '--json'], dir);
    expect(r.stderr).toMatch(/sequences, vocabulary 2[0-9]/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(Object.keys(out).sort()).toEqual(['backend', 'samplesPerSec', 'test', 'tokensPerSec']);
    expect(Object.keys(out.test).sort()).toEqual(['activeUnits', 'iwaeNll', 'kl', 'mutualInfo', 'negElbo', 'ppl', 'pplBound', 'recon'].sort());
    expect(out.test.pplBound).toBe('iwae');
    // Tokens per sentence: 4 to 7 words and <eos>; a grammar this small is learnt far below a uniform guess.
    expect(out.test.ppl).toBeGreaterThan(1);
    expect(out.test.ppl).toBeLessThan(6);
    expect(out.tokensPerSec).toBeGreaterThan(out.samplesPerSec);
    const samples = fs.readFileSync(path.join(dir, 'run', 'samples.txt'), 'utf8').trimEnd().split('\n');
    expect(samples).toHaveLength(20);
    const recon = fs.readFileSync(path.join(dir, 'run', 'reconstructions.txt'), 'utf8').trimEnd().split('\n');
    expect(recon).toHaveLength(20);
    for (const l of recon) expect(l.split('\t')).toHaveLength(2);
    const meta = JSON.parse(fs.readFileSync(path.join(ckpt, 'model.json'), 'utf8')).userDefinedMetadata;
    expect(meta.vocab.tokens.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
    expect(meta.longestSequence).toBeGreaterThanOrEqual(5);
    expect(meta.longestSequence).toBeLessThanOrEqual(7);
  }, 120_000);

  test('generate: prior samples, one per line and nothing else; deterministic for a seed', () => {
    const a = runCli(['generate', '--checkpoint', ckpt, '--n', '5', '--method', 'sample', '--seed', '3'], dir);
    expect(a.code).toBe(0);
    const lines = a.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const b = runCli(['generate', '--checkpoint', ckpt, '--n', '5', '--method', 'sample', '--seed', '3'], dir);
    expect(b.stdout).toBe(a.stdout);
    const greedy = runCli(['generate', '--checkpoint', ckpt, '--n', '4', '--json'], dir);
    const j = JSON.parse(greedy.stdout);
    expect(j.mode).toBe('sample');
    expect(j.sequences).toHaveLength(4);
    // Words of the grammar only (the model has learnt its vocabulary).
    const vocab = new Set(corpus(300).split(/\s+/));
    const words = j.sequences.join(' ').split(/\s+/).filter(Boolean);
    expect(words.filter((w: string) => vocab.has(w)).length / words.length).toBeGreaterThan(0.8);
    const beam = runCli(['generate', '--checkpoint', ckpt, '--n', '2', '--method', 'beam', '--beam', '3'], dir);
    expect(beam.code).toBe(0);
    expect(beam.stdout.trimEnd().split('\n')).toHaveLength(2);
  }, 60_000);

  test('generate: reconstructions of a file and an interpolation between two sentences', () => {
    fs.writeFileSync(path.join(dir, 'in.txt'), 'the cat sees the house\n\nmy friend hears a tree\n');
    const r = runCli(['generate', '--checkpoint', ckpt, '--reconstruct', 'in.txt', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.reconstructions.map((x: { input: string }) => x.input)).toEqual(['the cat sees the house', 'my friend hears a tree']);
    const i = runCli(['generate', '--checkpoint', ckpt, '--interpolate', 'the cat sees the house', 'the bird follows the river', '--steps', '5'], dir);
    expect(i.code).toBe(0);
    expect(i.stdout.trimEnd().split('\n')).toHaveLength(5);
  }, 60_000);

  test('bad input: one clear message, exit code 2', () => {
    expectRefused(runCli(['generate', '--checkpoint', ckpt, '--interpolate', 'only one'], dir), /--interpolate needs two sentences, found 1/);
    fs.writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expectRefused(runCli(['generate', '--checkpoint', ckpt, '--reconstruct', 'latin1.txt'], dir), /latin1\.txt line 1: not UTF-8/);
    fs.writeFileSync(path.join(dir, 'blank.txt'), '\n\n');
    expectRefused(runCli(['generate', '--checkpoint', ckpt, '--reconstruct', 'blank.txt'], dir), /blank\.txt: no non-blank line/);
    expectRefused(runCli(['generate', '--checkpoint', ckpt, '--method', 'nucleus'], dir), /--method: expected greedy, sample or beam/);
    // A vocabulary that does not match the weights (one word more than the embedding has rows).
    const bad = path.join(dir, 'bad-ckpt');
    fs.cpSync(ckpt, bad, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(bad, 'model.json'), 'utf8'));
    manifest.userDefinedMetadata.vocab.tokens.push('zebra');
    fs.writeFileSync(path.join(bad, 'model.json'), JSON.stringify(manifest));
    expectRefused(runCli(['generate', '--checkpoint', bad], dir), /model\.json.*(shape|architecture)/);
    // A vocabulary without its special tokens.
    manifest.userDefinedMetadata.vocab.tokens = ['a', 'b'];
    fs.writeFileSync(path.join(bad, 'model.json'), JSON.stringify(manifest));
    expectRefused(runCli(['generate', '--checkpoint', bad], dir), /model\.json.*special tokens/);
    // An empty training file.
    fs.writeFileSync(path.join(dir, 'empty.txt'), '');
    fs.writeFileSync(path.join(dir, 'empty.yaml'), fs.readFileSync(path.join(dir, 'text.yaml'), 'utf8').replace('lines.txt', 'empty.txt'));
    expectRefused(runCli(['train', '--config', 'empty.yaml', '--out', 'run-empty'], dir), /empty\.txt/);
  }, 60_000);

  test('generate on an image checkpoint says what it needs', () => {
    const img = path.join(dir, 'img');
    fs.mkdirSync(img, { recursive: true });
    fs.writeFileSync(path.join(img, 'data.csv'), Array.from({ length: 40 }, (_, i) => `${(i % 7) / 7},${(i % 3) / 3},0.5`).join('\n') + '\n');
    fs.writeFileSync(
      path.join(img, 'v.yaml'),
      'data: { use: csv, path: data.csv }\nmodel: { latentDim: 2, encoder: { use: mlp, hidden: [4] }, decoder: { use: mlp, hidden: [4] }, loss: { use: mse } }\ntrain: { epochs: 1, batchSize: 8 }\noutput: { images: false }\n',
    );
    expect(runCli(['train', '--config', 'v.yaml', '--out', 'run'], img).code).toBe(0);
    expectRefused(runCli(['generate', '--checkpoint', path.join(img, 'run', 'checkpoint')], dir), /not of token sequences: vaekit generate needs a checkpoint of a text model/);
  }, 60_000);
});

describe('vaekit bench --model text', () => {
  test('prints tokens/s of the text spec as JSON', () => {
    const r = runCli(['bench', '--model', 'text', '--steps', '1', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout.trim());
    expect(Object.keys(j).sort()).toEqual(['backend', 'model', 'steps', 'threads', 'tokensPerSec', 'warmup']);
    // By default as many untimed steps as timed ones, at least 3.
    expect([j.steps, j.warmup]).toEqual([1, 3]);
    expect(j.model).toBe('text');
    expect(j.tokensPerSec).toBeGreaterThan(0);
  }, 60_000);
});
