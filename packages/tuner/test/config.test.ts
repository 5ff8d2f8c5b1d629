import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, defaultConfig } from '@vaekit/core';
import { loadConfigFile, parseYamlText, parseYamlValue, resolveConfigFile } from '../src/config';

let root: string;
let cwd: string;
let configsDir: string;

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-config-')));
  cwd = path.join(root, 'work');
  configsDir = path.join(root, 'repo', 'configs');
  fs.mkdirSync(cwd, { recursive: true });
  fs.mkdirSync(configsDir, { recursive: true });
  fs.mkdirSync(path.join(cwd, 'configs'));
  fs.writeFileSync(path.join(configsDir, 'beta-vae.yaml'), 'model:\n  beta: 4\n');
  fs.writeFileSync(path.join(configsDir, 'small.yml'), 'model:\n  latentDim: 2\n');
  fs.writeFileSync(path.join(configsDir, 'plain'), 'train:\n  epochs: 2\n');
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes configs/<name> under cwd and returns the name as the user would type it. */
function write(name: string, text: string): string {
  fs.writeFileSync(path.join(cwd, 'configs', name), text);
  return `configs/${name}`;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const load = (name: string, sets?: string[]) => loadConfigFile(name, { configsDir, cwd, sets });
const loadError = (name: string, sets?: string[]): string => configError(() => load(name, sets)).message;

describe('resolveConfigFile', () => {
  it('takes a path that exists, relative to cwd or absolute', () => {
    const rel = write('a.yaml', 'model: {}\n');
    expect(resolveConfigFile(rel, { configsDir, cwd })).toBe(path.join(cwd, 'configs', 'a.yaml'));
    const abs = path.join(configsDir, 'beta-vae.yaml');
    expect(resolveConfigFile(abs, { configsDir, cwd })).toBe(abs);
  });

  it('looks a bare name up in configsDir, with or without .yaml / .yml', () => {
    expect(resolveConfigFile('beta-vae', { configsDir, cwd })).toBe(path.join(configsDir, 'beta-vae.yaml'));
    expect(resolveConfigFile('beta-vae.yaml', { configsDir, cwd })).toBe(path.join(configsDir, 'beta-vae.yaml'));
    expect(resolveConfigFile('small', { configsDir, cwd })).toBe(path.join(configsDir, 'small.yml'));
    expect(resolveConfigFile('plain', { configsDir, cwd })).toBe(path.join(configsDir, 'plain'));
  });

  it('says where it looked when nothing is found', () => {
    expect(configError(() => resolveConfigFile('beta.yaml', { configsDir: path.join(root, 'none'), cwd })).message).toBe(
      `config file not found: beta.yaml (looked in: ${path.join(cwd, 'beta.yaml')}, ${path.join(root, 'none', 'beta.yaml')})`,
    );
    expect(configError(() => resolveConfigFile('nothing', { configsDir, cwd })).message).toBe(
      `config file not found: nothing (looked in: ${path.join(cwd, 'nothing')}, ${path.join(configsDir, 'nothing')}, ` +
        `${path.join(configsDir, 'nothing.yaml')}, ${path.join(configsDir, 'nothing.yml')}); ` +
        `configs in ${configsDir}: beta-vae, small`,
    );
  });

  it('suggests a close config name', () => {
    expect(configError(() => resolveConfigFile('beta_vea', { configsDir, cwd })).message).toMatch(
      /^config file not found: beta_vea \(looked in: .*\); did you mean "beta-vae"\?$/,
    );
  });

  it('does not take a directory for a file', () => {
    expect(configError(() => resolveConfigFile('configs', { configsDir, cwd })).message).toMatch(/^config file not found: configs/);
  });
});

describe('loadConfigFile', () => {
  it('parses, validates and fills defaults; file is absolute, raw has no defaults', () => {
    const r = load('beta-vae');
    expect(r.file).toBe(path.join(configsDir, 'beta-vae.yaml'));
    expect(r.raw).toEqual({ model: { beta: 4 } });
    const expected = defaultConfig();
    expected.model.beta = 4;
    expect(r.config).toEqual(expected);
  });

  it('reads YAML 1.2 numbers such as 3e-4 as numbers', () => {
    const f = write('lr.yaml', 'train:\n  optimizer: { name: sgd, lr: 3e-4 }\n');
    expect(load(f).config.train.optimizer).toEqual({ name: 'sgd', lr: 3e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  });

  it('validation errors name the file as given relative to cwd, the path, expected and found', () => {
    const f = write('x.yaml', 'model:\n  latentDim: abc\n');
    expect(loadError(f)).toBe('configs/x.yaml: model.latentDim: expected an integer >= 1 and <= 4096, found "abc" (string)');
    const g = write('typo.yaml', 'train:\n  epoch: 3\n');
    expect(loadError(g)).toBe(
      'configs/typo.yaml: train: unknown key "epoch" (expected one of: epochs, batchSize, optimizer, seed, backend, threads, clipNorm, earlyStopping); did you mean "epochs"?',
    );
    const h = write('gpu.yaml', 'train:\n  backend: gpu\n');
    expect(loadError(h)).toBe('configs/gpu.yaml: train.backend: expected one of auto, tensorflow, wasm, cpu, found "gpu"');
    const i = write('use.yaml', 'model:\n  encoder:\n    hidden: [100]\n');
    expect(loadError(i)).toBe('configs/use.yaml: model.encoder: missing required key "use"');
  });

  it('names a file outside cwd by its absolute path', () => {
    const f = path.join(configsDir, 'bad-outside.yaml');
    fs.writeFileSync(f, 'eval:\n  iwaeSamples: -1\n');
    expect(loadError('bad-outside')).toBe(`${f}: eval.iwaeSamples: expected an integer >= 0 and <= 10000, found -1`);
  });

  it('YAML syntax errors give the file, line and column and a short reason, no excerpt', () => {
    const f = write('syntax.yaml', 'model:\n  latentDim: 2\n  encoder: [1, 2\ntrain:\n  epochs: 3\n');
    const m = loadError(f);
    expect(m).toMatch(/^configs\/syntax\.yaml: invalid YAML at line 4, column 1: /);
    expect(m).toContain('must be sufficiently indented and end with a ]');
    expect(m).not.toContain('\n');

    const dup = write('dup.yaml', 'train:\n  epochs: 3\n  epochs: 4\n');
    expect(loadError(dup)).toBe('configs/dup.yaml: invalid YAML at line 3, column 3: Map keys must be unique');

    const tab = write('tab.yaml', 'model:\n  latentDim: 2\n\tbeta: 1\n');
    expect(loadError(tab)).toBe('configs/tab.yaml: invalid YAML at line 3, column 1: Tabs are not allowed as indentation');

    const alias = write('alias.yaml', 'model:\n  encoder: *enc\n');
    expect(loadError(alias)).toBe(
      'configs/alias.yaml: invalid YAML at line 2, column 12: Unresolved alias (the anchor must be set before the alias): enc',
    );

    const two = write('two.yaml', 'model: {}\n---\ntrain: {}\n');
    expect(loadError(two)).toBe(
      'configs/two.yaml: invalid YAML at line 2, column 1: a config file holds one YAML document, but a second one starts here ("---")',
    );
  });

  it('an empty file, or one with only comments, is a clear error', () => {
    expect(loadError(write('empty.yaml', ''))).toBe(
      'configs/empty.yaml: the file is empty (expected a mapping with sections such as data, model, train)',
    );
    expect(loadError(write('comments.yaml', '# nothing yet\n\n'))).toBe(
      'configs/comments.yaml: the file is empty (expected a mapping with sections such as data, model, train)',
    );
  });

  it('a top level that is not a mapping is a clear error', () => {
    expect(loadError(write('list.yaml', '- 1\n- 2\n'))).toBe(
      'configs/list.yaml: the top level must be a mapping with sections such as data, model, train, found [1, 2] (list)',
    );
    expect(loadError(write('scalar.yaml', 'hello\n'))).toBe(
      'configs/scalar.yaml: the top level must be a mapping with sections such as data, model, train, found "hello" (string)',
    );
  });
});

describe('loadConfigFile with --set', () => {
  it('applies numbers, booleans, lists and mappings before validation', () => {
    const r = load('beta-vae', [
      'train.optimizer.lr=3e-4',
      'train.epochs=20',
      'output.images=false',
      'model.encoder={use: mlp, hidden: [512, 256]}',
      'model.decoder.hidden=[256, 512]',
      'model.decoder.use=mlp',
      'model.klSchedule={kind: cyclical}',
      'model.beta=0.5',
      'train.backend=cpu',
    ]);
    expect(r.config.train.optimizer.lr).toBe(3e-4);
    expect(r.config.train.epochs).toBe(20);
    expect(r.config.output.images).toBe(false);
    expect(r.config.model.encoder).toEqual({ use: 'mlp', hidden: [512, 256] });
    expect(r.config.model.decoder).toEqual({ use: 'mlp', hidden: [256, 512] });
    expect(r.config.model.klSchedule).toEqual({ kind: 'cyclical', cycles: 4, ratio: 0.5 });
    expect(r.config.model.beta).toBe(0.5);
    expect(r.config.train.backend).toBe('cpu');
    expect(r.raw.model.beta).toBe(0.5);
    expect(r.raw.train).toEqual({ optimizer: { lr: 3e-4 }, epochs: 20, backend: 'cpu' });
  });

  it('later sets win, and list items can be set by index', () => {
    const f = write('hidden.yaml', 'model:\n  encoder: { use: mlp, hidden: [400, 200] }\n');
    const r = load(f, ['train.epochs=2', 'train.epochs=3', 'model.encoder.hidden[1]=100', 'model.encoder.hidden.0=300']);
    expect(r.config.train.epochs).toBe(3);
    expect(r.config.model.encoder.hidden).toEqual([300, 100]);
  });

  it('a validation error caused by a --set value names the path and the argument', () => {
    expect(loadError('beta-vae', ['train.epochs=abc'])).toBe(
      `${path.join(configsDir, 'beta-vae.yaml')}: train.epochs: expected an integer >= 1 and <= 100000, found "abc" (string) (set by --set train.epochs=abc)`,
    );
    const f = write('ok.yaml', 'model: {}\n');
    expect(loadError(f, ['train.batchSize=0'])).toBe(
      'configs/ok.yaml: train.batchSize: expected an integer >= 1 and <= 65536, found 0 (set by --set train.batchSize=0)',
    );
    expect(loadError(f, ['train.epoch=3'])).toBe(
      'configs/ok.yaml: train: unknown key "epoch" (expected one of: epochs, batchSize, optimizer, seed, backend, threads, clipNorm, earlyStopping); did you mean "epochs"? (set by --set train.epoch=3)',
    );
    expect(loadError(f, ['model.encoder={hidden: [3]}'])).toBe(
      'configs/ok.yaml: model.encoder: missing required key "use" (set by --set model.encoder={hidden: [3]})',
    );
    expect(loadError(f, ['model.encoder=[1, 0]'])).toBe(
      'configs/ok.yaml: model.encoder: expected a mapping with key "use", found [1, 0] (list) (set by --set model.encoder=[1, 0])',
    );
  });

  it('an error not caused by --set does not blame it', () => {
    const f = write('bad.yaml', 'model:\n  latentDim: 0\n');
    expect(loadError(f, ['train.epochs=3'])).toBe('configs/bad.yaml: model.latentDim: expected an integer >= 1 and <= 4096, found 0');
  });

  it('a malformed --set names the argument', () => {
    const f = write('ok2.yaml', 'model: {}\n');
    expect(loadError(f, ['train.epochs'])).toBe('--set "train.epochs": expected PATH=VALUE, such as train.optimizer.lr=3e-4');
    expect(loadError(f, ['train.optimizer.lr=[1, 2'])).toMatch(
      /^--set "train\.optimizer\.lr=\[1, 2": cannot read the value "\[1, 2": Flow sequence must end with a \]/,
    );
    expect(loadError(f, ['model..beta=1'])).toBe(
      '--set "model..beta=1": "model..beta" is not a dotted config path (such as train.optimizer.lr)',
    );
    const g = write('adam.yaml', 'train:\n  optimizer: adam\n');
    const e = configError(() => load(g, ['train.optimizer.lr=0.1']));
    expect(e.message).toBe(
      '--set "train.optimizer.lr=0.1": cannot set "train.optimizer.lr": train.optimizer is "adam" (string), not a mapping',
    );
    expect(e.path).toBe('train.optimizer.lr');
  });
});

describe('parseYamlText / parseYamlValue', () => {
  it('parseYamlText returns undefined for an empty document and data otherwise', () => {
    expect(parseYamlText('', 'x.yaml')).toBeUndefined();
    expect(parseYamlText('a: [1, {b: true}]\n', 'x.yaml')).toEqual({ a: [1, { b: true }] });
  });

  it('parseYamlValue reads --set values as YAML', () => {
    expect(parseYamlValue('3e-4')).toBe(3e-4);
    expect(parseYamlValue('20')).toBe(20);
    expect(parseYamlValue('-1.5')).toBe(-1.5);
    expect(parseYamlValue('true')).toBe(true);
    expect(parseYamlValue('false')).toBe(false);
    expect(parseYamlValue('null')).toBeNull();
    expect(parseYamlValue('')).toBeNull();
    expect(parseYamlValue('[1,2]')).toEqual([1, 2]);
    expect(parseYamlValue('{a: 1, b: [x]}')).toEqual({ a: 1, b: ['x'] });
    expect(parseYamlValue('"20"')).toBe('20');
    expect(parseYamlValue('wasm')).toBe('wasm');
    expect(() => parseYamlValue('[1,')).toThrow(/Flow sequence must end with a \] at column \d+$/);
  });
});

describe('parseSearchConfig and the search-config schema', () => {
  const { parseSearchConfig, searchConfigSchema } = require('../src/search/spec') as typeof import('../src/search/spec');
  const { validateOptions } = require('@vaekit/core') as typeof import('@vaekit/core');
  const repoConfigs = path.join(__dirname, '..', '..', '..', 'configs');

  it("accepts every search config in the repository's configs/", () => {
    const files = fs.readdirSync(repoConfigs).filter((f) => /\.ya?ml$/.test(f) && /^search:/m.test(fs.readFileSync(path.join(repoConfigs, f), 'utf8')));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const loaded = loadConfigFile(path.join(repoConfigs, f), { configsDir: repoConfigs, cwd: repoConfigs });
      const spec = parseSearchConfig(loaded.raw, f, { name: 'x' });
      expect(spec.entries.length).toBeGreaterThan(0);
      expect(validateOptions(searchConfigSchema(), loaded.raw, { file: f, path: '' })).toBeDefined();
    }
  });

  it('describes the sampler and pruner options of @vaekit/study in the study: section', () => {
    const study = searchConfigSchema().properties.study;
    const tpe = study.properties.sampler.allOf.find((b: any) => b.if.properties.name.const === 'tpe').then;
    expect(tpe.properties.nStartupTrials).toMatchObject({ type: 'integer', minimum: 0 });
    expect(study.properties.pruner.properties.name.enum).toContain('percentile');
  });

  it('fills study defaults: seed 0, grid when every searched path is a grid, no pruner', () => {
    const spec = parseSearchConfig({ study: { name: 's' }, search: { 'model.beta': { grid: [1, 2] } } }, 'c.yaml', { name: 'x' });
    expect(spec.study.sampler).toEqual({ name: 'grid', seed: 0 });
    expect(spec.study.pruner).toEqual({ name: 'none' });
    expect(spec.study.metric).toBe('negElbo');
    expect(spec.study.direction).toBe('minimize');
    expect(spec.grid).toEqual({ 'model.beta': [1, 2] });
  });

  it('validates the whole config with the searched values in place (a searched path may supply a required key)', () => {
    const raw = { model: { encoder: { hidden: [8] } }, study: { name: 's' }, search: { 'model.encoder.use': { grid: ['mlp'] } } };
    expect(parseSearchConfig(raw, 'c.yaml', { name: 'x' }).entries).toHaveLength(1);
    const e = configError(() =>
      parseSearchConfig({ study: { name: 's' }, search: { 'model.latentDim': { type: 'int', low: 0, high: 4 } } }, 'c.yaml', { name: 'x' }),
    );
    expect(e.message).toMatch(/^c\.yaml: model\.latentDim: expected an integer >= 1 and <= 4096, found 0 \(from search\.model\.latentDim = 0\)$/);
    expect(e.path).toBe('search.model.latentDim');
  });

  it('turns a distribution rule broken in search: into a located ConfigError', () => {
    const e = configError(() =>
      parseSearchConfig({ study: { name: 's' }, search: { 'train.optimizer.lr': { type: 'float', low: 1, high: 2, step: 0.5, log: true } } }, 'c.yaml', { name: 'x' }),
    );
    expect(e.message).toBe('c.yaml: search.train.optimizer.lr: step and log cannot be used together on a float');
    expect(e.path).toBe('search.train.optimizer.lr');
  });
});
