/**
 * Hostile or careless command lines: study names that would escape --out, --set paths and list
 * indices that would exhaust memory or the stack, output and data paths of the wrong kind, values
 * without a sensible upper bound, and Ctrl-C during training. Each ends within seconds with one
 * located message, exit code 2 (130 for Ctrl-C), no stack trace, and nothing written where it
 * should not be.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { setPath, splitPath } from '@vaekit/core';
import { createStudy } from '@vaekit/study';
import { anomalyTable } from '@vaekit/pipelines';
import { checkStudyName } from '../src/config';
import { BIN, CliRun, expectRefused, LIMIT_MS, runCli, STACK } from './helpers/cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-sec-'));
const run = runCli;

/** Asserts a user error: exit 2, the message, no stack trace, within the time and memory limits. */
function expectUserError(r: CliRun, message: RegExp) {
  expectRefused(r, message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.length).toBeLessThan(1000);
}

const trainConfig = `data: { use: mnist, limit: 300, validation: 100, testLimit: 100 }
model:
  latentDim: 2
  encoder: { use: mlp, hidden: [16] }
  decoder: { use: mlp, hidden: [16] }
train: { epochs: 1, batchSize: 100, seed: 1, backend: wasm }
output: { images: false }
`;
const searchConfig = (study = 'study: { sampler: { name: grid } }') => `${trainConfig}${study}\nsearch:\n  model.beta: { grid: [0.5] }\n`;

/** Every file under a folder, relative to it. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(path.join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

describe('study names never leave --out', () => {
  it.each([
    ['..', /--study: a study name may hold letters, digits, _ \. - only and must start with a letter, a digit or _ .*found "\.\."/],
    ['.', /found "\."/],
    ['a/b', /found "a\/b"/],
    ['..\\x', /found "\.\.\\\\x"/],
    ['-rf', /found "-rf"/],
    ['a\x1b[31mred', /found "a\\u001b\[31mred"/],
    ['x'.repeat(300), /at most 128 characters, found 300/],
  ])('--study %#: a hostile name is exit 2 and writes nothing', (name, message) => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'w'));
    fs.writeFileSync(path.join(dir, 'w', 's.yaml'), searchConfig());
    const r = run(['search', '--config', 's.yaml', '--out', 'out', '--workers', '1', '--study', name], path.join(dir, 'w'));
    expectUserError(r, message);
    expect(tree(dir)).toEqual(['w', 'w/s.yaml']);
  });

  it('study.name: ".." in the config is exit 2 naming the file, and writes nothing', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'w'));
    fs.writeFileSync(path.join(dir, 'w', 's.yaml'), searchConfig('study: { name: "..", sampler: { name: grid } }'));
    const r = run(['search', '--config', 's.yaml', '--out', 'out', '--workers', '1'], path.join(dir, 'w'));
    expectUserError(r, /^vaekit: s\.yaml: study\.name: a study name may hold .*found "\.\."/);
    expect(tree(dir)).toEqual(['w', 'w/s.yaml']);
  });

  it("--study '' and --out '' are exit 2, not silently the default", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 's.yaml'), searchConfig());
    expectUserError(run(['search', '--config', 's.yaml', '--workers', '1', '--study', ''], dir), /vaekit search: --study needs a value, found an empty one/);
    expectUserError(run(['search', '--config', 's.yaml', '--workers', '1', '--study='], dir), /--study needs a value/);
    expectUserError(run(['train', '--config', 's.yaml', '--out', ''], dir), /vaekit train: --out needs a value, found an empty one/);
    expect(tree(dir)).toEqual(['s.yaml']);
  });

  it('checkStudyName accepts ordinary names', () => {
    for (const ok of ['tiny-study', 'beta_sweep.v2', '_x', '0']) expect(checkStudyName(ok, '--study')).toBe(ok);
    for (const bad of ['', '..', '.x', '-x', 'a b', 'con', 'NUL.txt', 'a\0b']) expect(() => checkStudyName(bad, '--study')).toThrow(/--study: a study name/);
  });
});

describe('--set paths and list indices are bounded', () => {
  it.each(['4294967294', '99999999', '4294967296', '2'])('model.encoder.hidden[%s]=3 is exit 2 at once, without a huge allocation', (i) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 't.yaml'), trainConfig);
    const r = run(['train', '--config', 't.yaml', '--out', 'o', '--set', `model.encoder.hidden[${i}]=3`], dir);
    expectUserError(r, new RegExp(`--set "model\\.encoder\\.hidden\\[${i}\\]=3": cannot set .*model\\.encoder\\.hidden is a list with items 0 to 0, so the item number must be at most 1 .*found ${i}`));
    expect(fs.existsSync(path.join(dir, 'o'))).toBe(false);
  });

  it.each([
    ['model.encoder.hidden[-1]=3', /\[-1\] is not a list item number/],
    ['model.encoder.hidden[1.5]=3', /\[1\.5\] is not a list item number/],
    ['model.encoder.hidden[]=3', /\[\] is not a list item number/],
    ['a' + '.a'.repeat(5000) + '=1', /is not a config path: it is 10001 characters long \(at most 1000\)/],
    ['a' + '[0]'.repeat(200) + '=1', /is not a config path: it has more than 32 parts/],
  ])('--set case %#: a malformed, 5000-level or 200-level path is a located exit 2', (arg, message) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 't.yaml'), trainConfig);
    const r = run(['train', '--config', 't.yaml', '--out', 'o', '--set', arg], dir);
    expectUserError(r, message);
    expect(r.stderr).not.toMatch(/call stack/);
    expect(fs.existsSync(path.join(dir, 'o'))).toBe(false);
  });

  it('a config or a --set value nested 5,000 levels deep, or a 5 MiB config, is a located exit 2', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 't.yaml'), trainConfig);
    fs.writeFileSync(path.join(dir, 'flow.yaml'), trainConfig + `extra: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    fs.writeFileSync(path.join(dir, 'block.yaml'), trainConfig + 'extra:\n' + Array.from({ length: 1500 }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n') + ' 1\n');
    fs.writeFileSync(path.join(dir, 'mid.yaml'), trainConfig + `extra: ${'['.repeat(100)}${']'.repeat(100)}\n`);
    fs.writeFileSync(path.join(dir, 'big.yaml'), trainConfig + '#' + 'x'.repeat(5 * 2 ** 20) + '\n');
    for (const f of ['flow', 'block', 'mid']) {
      const r = run(['train', '--config', `${f}.yaml`, '--out', 'o'], dir);
      expectUserError(r, new RegExp(`^vaekit: ${f}\\.yaml: invalid YAML.*: mappings and lists nested more than 64 levels deep`));
      expect(r.stderr).not.toMatch(/call stack/i);
    }
    const v = run(['train', '--config', 't.yaml', '--out', 'o', '--set', `model.encoder.x=${'['.repeat(5000)}${']'.repeat(5000)}`], dir);
    expectUserError(v, /cannot read the value "\[\[\[.*\.\.\.": mappings and lists nested more than 64 levels deep/);
    expectUserError(run(['train', '--config', 'big.yaml', '--out', 'o'], dir), /^vaekit: big\.yaml: the file is 5\.0 MiB, larger than a config can be \(at most 4 MiB\)/);
    expect(fs.existsSync(path.join(dir, 'o'))).toBe(false);
  });

  it('setPath appends at most one item and still edits existing ones', () => {
    const cfg: any = { model: { hidden: [1, 2] } };
    setPath(cfg, 'model.hidden[1]', 5);
    setPath(cfg, 'model.hidden[2]', 6);
    setPath(cfg, 'model.hidden.3', 7);
    expect(cfg.model.hidden).toEqual([1, 5, 6, 7]);
    expect(() => setPath(cfg, 'model.hidden[5]', 1)).toThrow(/model\.hidden is a list with items 0 to 3, so the item number must be at most 4/);
    expect(() => setPath(cfg, 'model.new[1]', 1)).toThrow(/model\.new is a list with no items, so the item number must be at most 0/);
    setPath(cfg, 'model.new[0]', 1);
    expect(cfg.model.new).toEqual([1]);
    expect(() => splitPath('a.'.repeat(40) + 'a')).toThrow(/more than 32 parts/);
  });
});

describe('output and data paths of the wrong kind', () => {
  const dir = tmp();
  beforeAll(() => {
    fs.writeFileSync(path.join(dir, 'v.csv'), Array.from({ length: 200 }, (_, i) => `${(i % 7) / 7},${(i % 3) / 3},0.5,${i % 2}`).join('\n') + '\n');
    fs.writeFileSync(
      path.join(dir, 't.yaml'),
      'data: { use: csv, path: v.csv }\nmodel: { latentDim: 2, encoder: { use: mlp, hidden: [8] }, decoder: { use: mlp, hidden: [8] } }\ntrain: { epochs: 1, batchSize: 50, backend: wasm }\noutput: { images: false }\n',
    );
    expect(run(['train', '--config', 't.yaml', '--out', 'm'], dir).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'adir'));
    fs.writeFileSync(path.join(dir, 'afile'), 'keep me\n');
  });

  it('train --out naming an existing file is exit 2 naming it, and the file is untouched', () => {
    expectUserError(run(['train', '--config', 't.yaml', '--out', 'afile'], dir), /^vaekit: vaekit train: --out afile: exists and is not a folder/);
    expectUserError(run(['train', '--config', 't.yaml', '--out', 'afile/sub'], dir), /vaekit train: --out afile\/sub: .*afile is not a folder/);
    expect(fs.readFileSync(path.join(dir, 'afile'), 'utf8')).toBe('keep me\n');
  });

  it.each(['/proc/x', '/proc/self/x/y', '/sys/x', '/dev/x'])('train --out %s is exit 2 within seconds', (out) => {
    const r = run(['train', '--config', 't.yaml', '--out', out], dir);
    expectUserError(r, new RegExp(`vaekit train: --out ${out}: /(proc|sys|dev) is a system folder`));
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a link into /proc is refused too', () => {
    fs.symlinkSync('/proc/self', path.join(dir, 'plink'));
    expectUserError(run(['train', '--config', 't.yaml', '--out', 'plink/x'], dir), /--out plink\/x: \/proc is a system folder/);
  });

  it('score --out naming a folder, --data naming a folder or a device, --checkpoint naming a file: exit 2', () => {
    expectUserError(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'v.csv', '--out', 'adir'], dir), /vaekit score: --out adir: is a folder \(expected a file name to write to\)/);
    expectUserError(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'adir'], dir), /vaekit score: --data adir: is a folder \(expected a data file\)/);
    expectUserError(run(['score', '--checkpoint', 'm/checkpoint', '--data', '/dev/zero'], dir), /vaekit score: --data \/dev\/zero: is not a regular file/);
    expectUserError(run(['score', '--checkpoint', 'v.csv', '--data', 'v.csv'], dir), /vaekit score: --checkpoint v\.csv: is not a folder/);
    expectUserError(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'v.csv', '--out', '/proc/x.csv'], dir), /\/proc is a system folder/);
  });

  it('report --out naming a folder is exit 2 and writes nothing', async () => {
    const study = createStudy({ name: 'r', storage: `sqlite:${path.join(dir, 'studies.db')}`, direction: 'minimize' } as any);
    await study.optimize((t: any) => t.suggestFloat('x', 0, 1), { nTrials: 1 } as any);
    await study.close();
    const before = tree(path.join(dir, 'adir'));
    expectUserError(run(['report', '--study', 'r', '--storage', 'sqlite:studies.db', '--out', 'adir'], dir), /vaekit report: --out adir: is a folder/);
    expectUserError(run(['report', '--study', 'r', '--storage', 'sqlite:studies.db', '--out', '/proc/r.html'], dir), /\/proc is a system folder/);
    expect(tree(path.join(dir, 'adir'))).toEqual(before);
    const db = fs.readFileSync(path.join(dir, 'studies.db'));
    expectUserError(run(['report', '--study', 'r', '--storage', 'sqlite:studies.db', '--out', './studies.db'], dir), /vaekit report: --out \.\/studies\.db: is the study database itself/);
    expect(fs.readFileSync(path.join(dir, 'studies.db')).equals(db)).toBe(true);
  });

  it('score --out naming the --data file or a file in the checkpoint is exit 2, and both are untouched', () => {
    const data = fs.readFileSync(path.join(dir, 'v.csv'));
    const weights = fs.readFileSync(path.join(dir, 'm', 'checkpoint', 'weights.bin'));
    expectUserError(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'v.csv', '--out', './v.csv'], dir), /vaekit score: --out \.\/v\.csv: is the --data file itself/);
    expectUserError(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'v.csv', '--out', 'm/checkpoint/weights.bin'], dir), /vaekit score: --out m\/checkpoint\/weights\.bin: is inside the --checkpoint folder/);
    expect(fs.readFileSync(path.join(dir, 'v.csv')).equals(data)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'm', 'checkpoint', 'weights.bin')).equals(weights)).toBe(true);
    // An existing scores file is simply written again.
    for (let i = 0; i < 2; i++) expect(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'v.csv', '--out', 'scores.csv'], dir).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'scores.csv'), 'utf8').trim().split('\n')).toHaveLength(201);
  });
});

describe('upper bounds on values that make no sense at 1e12', () => {
  const dir = tmp();
  beforeAll(() => fs.writeFileSync(path.join(dir, 't.yaml'), trainConfig));
  it.each([
    ['train.epochs=1e12', /train\.epochs/],
    ['train.epochs=1000000000000', /train\.epochs/],
    ['eval.iwaeSamples=1000000000000', /eval\.iwaeSamples/],
    ['eval.batchSize=1e12', /eval\.batchSize/],
    ['model.latentDim=1e9', /model\.latentDim/],
    ['output.traversalSteps=1e9', /output\.traversalSteps/],
  ])('--set %s is exit 2', (arg, message) => {
    expectUserError(run(['train', '--config', 't.yaml', '--out', 'o', '--set', arg], dir), message);
  });

  it('a search config with study.workers: 100000 or study.trials: 1e12, or anomaly.samples: 1e12, is exit 2 before any process starts', () => {
    fs.writeFileSync(path.join(dir, 'w.yaml'), searchConfig('study: { workers: 100000, sampler: { name: grid } }'));
    expectUserError(run(['search', '--config', 'w.yaml'], dir), /w\.yaml: study\.workers: expected an integer >= 1 and <= 256, found 100000/);
    fs.writeFileSync(path.join(dir, 'n.yaml'), searchConfig('study: { trials: 1000000000000, sampler: { name: grid } }'));
    expectUserError(run(['search', '--config', 'n.yaml'], dir), /n\.yaml: study\.trials: expected an integer >= 1 and <= 1000000/);
    fs.writeFileSync(path.join(dir, 'a.yaml'), trainConfig + 'anomaly: { classes: [0, 1], samples: 1000000000000 }\n');
    expectUserError(run(['anomaly', '--config', 'a.yaml', '--out', 'ao'], dir), /anomaly\.samples: expected an integer >= 1 and <= 10000/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'ao'))).toBe(false);
  });

  it('score --samples 1e12, bench --steps 1e12 and search --workers 100000 are exit 2', () => {
    fs.mkdirSync(path.join(dir, 'ck'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'd.csv'), '0.1,0.2\n');
    expectUserError(run(['score', '--checkpoint', 'ck', '--data', 'd.csv', '--samples', '1000000000000'], dir), /--samples: expected an integer from 1 to 10000, found "1000000000000"/);
    expectUserError(run(['bench', '--steps', '1e12'], dir), /--steps: expected an integer from 1 to 1000000/);
    expectUserError(run(['bench', '--warmup', '-1'], dir), /--warmup: expected an integer from 0 to 1000000, found "-1"/);
    fs.writeFileSync(path.join(dir, 's.yaml'), searchConfig());
    expectUserError(run(['search', '--config', 's.yaml', '--workers', '100000'], dir), /--workers: expected an integer from 1 to 256/);
  });
});

describe('Ctrl-C during vaekit train', () => {
  it('finishes the epoch, keeps metrics.json and the checkpoint, and exits 130', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 't.yaml'), trainConfig.replace('epochs: 1,', 'epochs: 500,'));
    const child = spawn(process.execPath, [BIN, 'train', '--config', 't.yaml', '--out', 'o'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!sent && /epoch 1\/500/.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    clearTimeout(killer);
    expect(sent).toBe(true);
    expect(stderr).not.toMatch(STACK);
    expect(stderr).toMatch(/stopping after the current epoch/);
    expect(stderr).toMatch(/vaekit: interrupted after \d+ of 500 epochs: the finished epochs' metrics are in .*metrics\.json, their weights in .*checkpoint/);
    expect(code).toBe(130);
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'o', 'metrics.json'), 'utf8'));
    expect(metrics.status).toBe('interrupted');
    expect(metrics.epochs.length).toBeGreaterThanOrEqual(1);
    expect(metrics.epochs.length).toBeLessThan(500);
    const lines = stdout.split('\n').filter((l) => /^epoch \d+\/500/.test(l));
    expect(metrics.epochs).toHaveLength(lines.length);
    expect(fs.existsSync(path.join(dir, 'o', 'checkpoint', 'model.json'))).toBe(true);
  }, 30_000);
});

describe('the anomaly table', () => {
  it('has no empty column when the baselines are off', () => {
    const r: any = { classes: [{ normal: 0, rocAuc: 0.9, prAuc: 0.8, baselines: {} }], meanRocAuc: 0.9, meanPrAuc: 0.8, baselines: {} };
    const t = anomalyTable(r);
    expect(t.split('\n')).toEqual(['| normal | VAE ROC-AUC | VAE PR-AUC |', '| --- | --- | --- |', '| 0 | 0.9000 | 0.8000 |', '| mean | 0.9000 | 0.8000 |']);
    const withPca: any = { ...r, classes: [{ ...r.classes[0], baselines: { pca: { rocAuc: 0.7 } } }], baselines: { pca: 0.7 } };
    expect(anomalyTable(withPca).split('\n')[0]).toBe('| normal | VAE ROC-AUC | VAE PR-AUC | pca ROC-AUC |');
    for (const line of t.split('\n')) expect(line).not.toMatch(/\|\s*\|/);
  });
});
