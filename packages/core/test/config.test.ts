import * as fs from 'fs';
import Ajv from 'ajv';
import { parseDocument } from 'yaml';
import { VaekitError } from '@vaekit/study';
import { ConfigError } from '../src/plugins/types';
import {
  CONFIG_SCHEMA_PATH,
  closestMatch,
  configSchema,
  defaultConfig,
  editDistance,
  getPath,
  parseSetArgument as parseSetArgumentWith,
  setPath,
  validateConfig,
  validateOptions,
} from '../src/config';

const FILE = { file: 'configs/x.yaml' };

/** The ConfigError thrown by fn (fails the test if none, or another kind, is thrown). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const message = (raw: unknown, source: { file?: string } = FILE): string => configError(() => validateConfig(raw, source)).message;

describe('config.schema.json', () => {
  const schema = JSON.parse(fs.readFileSync(CONFIG_SCHEMA_PATH, 'utf8'));

  it('is a valid draft-07 schema that compiles in ajv strict mode', () => {
    const ajv = new Ajv({ strict: true, strictTypes: true, useDefaults: true });
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('gives every property a title and a description, and closes every object but plugin blocks', () => {
    const plugins = ['data', 'model.encoder', 'model.decoder', 'model.loss'];
    const free = ['study', 'anomaly', 'search'];
    const walk = (s: any, path: string): void => {
      for (const [key, sub] of Object.entries<any>(s.properties ?? {})) {
        const p = path ? `${path}.${key}` : key;
        expect({ p, title: typeof sub.title, description: typeof sub.description }).toEqual({
          p,
          title: 'string',
          description: 'string',
        });
        if (sub.type === 'object') {
          if (plugins.includes(p)) {
            expect(sub.additionalProperties).toBe(true);
            expect(sub.required).toEqual(['use']);
          } else if (!free.includes(p) && p !== 'model.klSchedule') {
            expect({ p, additionalProperties: sub.additionalProperties }).toEqual({ p, additionalProperties: false });
          }
          walk(sub, p);
        }
      }
    };
    expect(schema.additionalProperties).toBe(false);
    walk(schema, '');
  });

  it('configSchema() returns a copy', () => {
    const a = configSchema();
    a.properties.model = 1;
    expect(configSchema().properties.model.type).toBe('object');
  });
});

describe('validateConfig: defaults', () => {
  it('fills every default into an empty config', () => {
    expect(validateConfig({}, FILE)).toEqual({
      data: { use: 'mnist' },
      model: {
        latentDim: 20,
        encoder: { use: 'mlp', hidden: [400] },
        decoder: { use: 'mlp', hidden: [400] },
        loss: { use: 'bce' },
        beta: 1,
        klSchedule: { kind: 'constant' },
        freeBits: 0,
      },
      train: {
        epochs: 10,
        batchSize: 128,
        optimizer: { name: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        seed: 1,
        backend: 'auto',
        clipNorm: 0,
        earlyStopping: { patience: 0, minDelta: 0 },
      },
      eval: { iwaeSamples: 0, batchSize: 500, activeUnitThreshold: 0.01 },
      output: { images: true, traversalSteps: 9 },
    });
  });

  it('defaultConfig() equals validateConfig({}) and is a fresh object each time', () => {
    const a = defaultConfig();
    expect(a).toEqual(validateConfig({}));
    a.model.encoder.hidden = [1];
    expect(defaultConfig().model.encoder.hidden).toEqual([400]);
  });

  it('fills defaults around what is given and keeps plugin options', () => {
    const raw = {
      data: { use: 'csv', path: 'x.csv' },
      model: { latentDim: 2, encoder: { use: 'conv', channels: [32, 64] } },
      train: { optimizer: { lr: 3e-4 } },
    };
    const c = validateConfig(raw, FILE);
    expect(c.data).toEqual({ use: 'csv', path: 'x.csv' });
    expect(c.model.latentDim).toBe(2);
    expect(c.model.encoder).toEqual({ use: 'conv', channels: [32, 64] });
    expect(c.model.decoder).toEqual({ use: 'mlp', hidden: [400] });
    expect(c.train.optimizer).toEqual({ name: 'adam', lr: 3e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(c.train.epochs).toBe(10);
    // the input is not modified
    expect(raw).toEqual({
      data: { use: 'csv', path: 'x.csv' },
      model: { latentDim: 2, encoder: { use: 'conv', channels: [32, 64] } },
      train: { optimizer: { lr: 3e-4 } },
    });
  });

  it('fills the defaults of each KL schedule kind', () => {
    expect(validateConfig({ model: { klSchedule: { kind: 'linear' } } }).model.klSchedule).toEqual({
      kind: 'linear',
      warmupEpochs: 5,
      start: 0,
    });
    expect(validateConfig({ model: { klSchedule: { kind: 'cyclical', cycles: 2 } } }).model.klSchedule).toEqual({
      kind: 'cyclical',
      cycles: 2,
      ratio: 0.5,
    });
    expect(validateConfig({ model: { klSchedule: { kind: 'constant' } } }).model.klSchedule).toEqual({ kind: 'constant' });
  });

  it('allows study and search as free mappings, and $schema', () => {
    const c = validateConfig({ $schema: './schema.json', study: { trials: 3, anything: [1] }, search: { 'train.optimizer.lr': { log: [1e-4, 1e-2] } } });
    expect(c.study).toEqual({ trials: 3, anything: [1] });
    expect(c.search).toEqual({ 'train.optimizer.lr': { log: [1e-4, 1e-2] } });
  });
});

describe('validateConfig: messages', () => {
  it('type: names file, path, expectation and the found value with its type', () => {
    expect(message({ model: { latentDim: 'abc' } })).toBe(
      'configs/x.yaml: model.latentDim: expected an integer >= 1 and <= 4096, found "abc" (string)',
    );
    expect(message({ model: { latentDim: 2.5 } })).toBe(
      'configs/x.yaml: model.latentDim: expected an integer >= 1 and <= 4096, found 2.5 (number)',
    );
    expect(message({ output: { images: 'yes' } })).toBe(
      'configs/x.yaml: output.images: expected true or false, found "yes" (string)',
    );
    expect(message({ train: 5 })).toBe('configs/x.yaml: train: expected a mapping, found 5 (number)');
    expect(message({ train: null })).toBe('configs/x.yaml: train: expected a mapping, found null (an empty value)');
    expect(message({ study: 'big' })).toBe('configs/x.yaml: study: expected a mapping, found "big" (string)');
    expect(message([1, 2])).toBe('configs/x.yaml: top level: expected a mapping, found [1, 2] (list)');
  });

  it('type on a plugin block given as a bare name suggests the mapping form', () => {
    expect(message({ model: { encoder: 'mlp' } })).toBe(
      'configs/x.yaml: model.encoder: expected a mapping with key "use", found "mlp" (string) (write it as { use: mlp })',
    );
  });

  it('non-finite numbers are rejected', () => {
    expect(message({ model: { beta: Infinity } })).toBe(
      'configs/x.yaml: model.beta: expected a number >= 0, found Infinity (not a finite number)',
    );
  });

  it('minimum / maximum / exclusiveMinimum / exclusiveMaximum', () => {
    expect(message({ model: { latentDim: 0 } })).toBe('configs/x.yaml: model.latentDim: expected an integer >= 1 and <= 4096, found 0');
    expect(message({ train: { optimizer: { lr: 0 } } })).toBe(
      'configs/x.yaml: train.optimizer.lr: expected a number > 0, found 0',
    );
    expect(message({ train: { optimizer: { beta2: 1 } } })).toBe(
      'configs/x.yaml: train.optimizer.beta2: expected a number >= 0 and < 1, found 1',
    );
    expect(message({ model: { klSchedule: { kind: 'linear', start: 1.5 } } })).toBe(
      'configs/x.yaml: model.klSchedule.start: expected a number >= 0 and <= 1, found 1.5',
    );
    expect(message({ model: { klSchedule: { kind: 'cyclical', ratio: 0 } } })).toBe(
      'configs/x.yaml: model.klSchedule.ratio: expected a number > 0 and <= 1, found 0',
    );
    expect(message({ model: { klSchedule: { kind: 'linear', warmupEpochs: -1 } } })).toBe(
      'configs/x.yaml: model.klSchedule.warmupEpochs: expected a number > 0 and <= 100000, found -1',
    );
    expect(message({ train: { earlyStopping: { patience: -2 } } })).toBe(
      'configs/x.yaml: train.earlyStopping.patience: expected an integer >= 0 and <= 100000, found -2',
    );
  });

  it('enum: lists the allowed values and suggests a close one', () => {
    expect(message({ train: { backend: 'gpu' } })).toBe(
      'configs/x.yaml: train.backend: expected one of auto, tensorflow, wasm, cpu, found "gpu"',
    );
    expect(message({ train: { backend: 'tensorfow' } })).toBe(
      'configs/x.yaml: train.backend: expected one of auto, tensorflow, wasm, cpu, found "tensorfow"; did you mean "tensorflow"?',
    );
    expect(message({ train: { optimizer: { name: 3 } } })).toBe(
      'configs/x.yaml: train.optimizer.name: expected one of adam, sgd, rmsprop, found 3 (number)',
    );
    expect(message({ model: { klSchedule: { kind: 'sigmoid' } } })).toBe(
      'configs/x.yaml: model.klSchedule.kind: expected one of constant, linear, cyclical, found "sigmoid"',
    );
  });

  it('additionalProperties: unknown key, the allowed keys, and the closest one', () => {
    expect(message({ train: { epoch: 3 } })).toBe(
      'configs/x.yaml: train: unknown key "epoch" (expected one of: epochs, batchSize, optimizer, seed, backend, threads, clipNorm, earlyStopping); did you mean "epochs"?',
    );
    expect(message({ train: { batch_size: 3 } })).toContain('unknown key "batch_size"');
    expect(message({ train: { batch_size: 3 } })).toContain('did you mean "batchSize"?');
    expect(message({ trian: {} })).toBe(
      'configs/x.yaml: top level: unknown key "trian" (expected one of: data, model, train, eval, output, study, anomaly, search); did you mean "train"?',
    );
    expect(message({ model: { zzz: 1 } })).toBe(
      'configs/x.yaml: model: unknown key "zzz" (expected one of: latentDim, encoder, decoder, loss, beta, klSchedule, freeBits, property)',
    );
  });

  it('additionalProperties in a KL schedule lists the keys of that kind', () => {
    expect(message({ model: { klSchedule: { kind: 'linear', cycles: 2 } } })).toBe(
      'configs/x.yaml: model.klSchedule: unknown key "cycles" (expected one of: kind, warmupEpochs, warmupSteps, start)',
    );
    expect(message({ model: { klSchedule: { kind: 'linear', warmupEpoch: 2 } } })).toBe(
      'configs/x.yaml: model.klSchedule: unknown key "warmupEpoch" (expected one of: kind, warmupEpochs, warmupSteps, start); did you mean "warmupEpochs"?',
    );
    // A prefix of two keys suggests neither.
    expect(message({ model: { klSchedule: { kind: 'linear', warmup: 2 } } })).toBe(
      'configs/x.yaml: model.klSchedule: unknown key "warmup" (expected one of: kind, warmupEpochs, warmupSteps, start)',
    );
    expect(message({ model: { klSchedule: { kind: 'constant', ratio: 0.5 } } })).toBe(
      'configs/x.yaml: model.klSchedule: unknown key "ratio" (expected one of: kind)',
    );
  });

  it('required: the missing key, with a typo hint when a close key is present', () => {
    expect(message({ model: { encoder: { hidden: [100] } } })).toBe(
      'configs/x.yaml: model.encoder: missing required key "use"',
    );
    expect(message({ model: { encoder: { usee: 'mlp' } } })).toBe(
      'configs/x.yaml: model.encoder: missing required key "use" (found "usee": a typo?)',
    );
    expect(message({ model: { klSchedule: { warmupEpochs: 3 } } })).toBe(
      'configs/x.yaml: model.klSchedule: missing required key "kind"',
    );
  });

  it('ConfigError.path is the dotted path of the offending key', () => {
    expect(configError(() => validateConfig({ model: { latentDim: 0 } })).path).toBe('model.latentDim');
    expect(configError(() => validateConfig({ train: { epoch: 3 } })).path).toBe('train.epoch');
    expect(configError(() => validateConfig({ model: { encoder: {} } })).path).toBe('model.encoder.use');
  });

  it('leaves the file out when none is given, and is always one line', () => {
    expect(message({ model: { latentDim: 'x\ny' } }, {})).toBe(
      'model.latentDim: expected an integer >= 1 and <= 4096, found "x\\ny" (string)',
    );
  });

  it('shortens long values', () => {
    const m = message({ model: { latentDim: 'x'.repeat(500) } });
    expect(m.length).toBeLessThan(140);
    expect(m).toContain('…');
  });
});

describe('validateOptions', () => {
  const mlpSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, default: [400] },
      activation: { type: 'string', enum: ['relu', 'tanh', 'elu'], default: 'relu' },
      kernel: {
        anyOf: [
          { type: 'integer', minimum: 1 },
          { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
        ],
      },
      mode: { const: 'fast' },
    },
  };
  const where = { file: 'configs/x.yaml', path: 'model.encoder' };
  const optMessage = (v: unknown): string => configError(() => validateOptions(mlpSchema, v, where)).message;

  it('fills defaults on a copy; undefined counts as {}', () => {
    const given = { hidden: [64] };
    expect(validateOptions(mlpSchema, given, where)).toEqual({ hidden: [64], activation: 'relu' });
    expect(given).toEqual({ hidden: [64] });
    expect(validateOptions(mlpSchema, undefined, where)).toEqual({ hidden: [400], activation: 'relu' });
  });

  it('prefixes paths with the block path and shows list items as [i]', () => {
    expect(optMessage({ hidden: [64, 0] })).toBe(
      'configs/x.yaml: model.encoder.hidden[1]: expected an integer >= 1, found 0',
    );
    expect(optMessage({ hidden: 'big' })).toBe(
      'configs/x.yaml: model.encoder.hidden: expected a list of integers >= 1 with at least 1 item, found "big" (string)',
    );
    expect(optMessage({ hiden: [3] })).toBe(
      'configs/x.yaml: model.encoder: unknown key "hiden" (expected one of: hidden, activation, kernel, mode); did you mean "hidden"?',
    );
    expect(optMessage({ activation: 'rellu' })).toBe(
      'configs/x.yaml: model.encoder.activation: expected one of relu, tanh, elu, found "rellu"; did you mean "relu"?',
    );
    expect(optMessage({ mode: 'slow' })).toBe('configs/x.yaml: model.encoder.mode: expected fast, found "slow"');
    expect(optMessage(3)).toBe('configs/x.yaml: model.encoder: expected a mapping, found 3 (number)');
  });

  it('anyOf: names all forms, or the one branch that fits the value', () => {
    expect(optMessage({ kernel: 'x' })).toBe(
      'configs/x.yaml: model.encoder.kernel: expected an integer >= 1 or a list of integers >= 1 with exactly 2 items, found "x" (string)',
    );
    expect(optMessage({ kernel: [3, 0] })).toBe('configs/x.yaml: model.encoder.kernel[1]: expected an integer >= 1, found 0');
    expect(optMessage({ kernel: [3] })).toBe(
      'configs/x.yaml: model.encoder.kernel: expected a list of integers >= 1 with exactly 2 items, found [3]',
    );
  });

  it('oneOf with no matching branch falls back to the list of forms', () => {
    const s = { type: 'object', properties: { size: { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d+x\\d+$' }] } } };
    expect(configError(() => validateOptions(s, { size: true }, { path: 'data' })).message).toBe(
      'data.size: expected an integer or a string matching /^\\d+x\\d+$/, found true (boolean)',
    );
  });

  it('caches the compiled validator per schema object', () => {
    const s = { type: 'object', properties: { a: { type: 'number', default: 1 } } };
    expect(validateOptions(s, {}, { path: 'p' })).toEqual({ a: 1 });
    expect(validateOptions(s, { a: 2 }, { path: 'p' })).toEqual({ a: 2 });
  });

  it('accepts two schemas with the same $id', () => {
    const a = { $id: 'https://example.org/opts.json', type: 'object', properties: { x: { default: 1 } } };
    const b = { $id: 'https://example.org/opts.json', type: 'object', properties: { y: { default: 2 } } };
    expect(validateOptions(a, {}, { path: 'p' })).toEqual({ x: 1 });
    expect(validateOptions(b, {}, { path: 'p' })).toEqual({ y: 2 });
  });

  it("a broken schema is the plugin's bug: a VaekitError with exit code 1 (not a ConfigError) naming the block", () => {
    let err: unknown;
    try {
      validateOptions({ type: 'nonsense' }, {}, { path: 'model.loss' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VaekitError);
    expect(err).not.toBeInstanceOf(ConfigError);
    expect((err as VaekitError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(/options schema of the plugin at model\.loss/);
  });
});

describe('getPath / setPath', () => {
  it('reads and writes dotted paths, creating mappings on the way', () => {
    const o: any = { train: { optimizer: { lr: 1 } }, model: { encoder: { hidden: [1, 2] } } };
    expect(getPath(o, 'train.optimizer.lr')).toBe(1);
    expect(getPath(o, 'train.nothing.here')).toBeUndefined();
    expect(getPath(o, 'model.encoder.hidden[1]')).toBe(2);
    expect(getPath(o, 'model.encoder.hidden.0')).toBe(1);
    setPath(o, 'train.optimizer.lr', 3e-4);
    setPath(o, 'eval.iwaeSamples', 100);
    setPath(o, 'model.encoder.hidden[0]', 7);
    setPath(o, 'model.decoder.hidden[0]', 5);
    expect(o).toEqual({
      train: { optimizer: { lr: 3e-4 } },
      model: { encoder: { hidden: [7, 2] }, decoder: { hidden: [5] } },
      eval: { iwaeSamples: 100 },
    });
  });

  it('refuses to walk through a scalar, and prototype keys', () => {
    const o: any = { train: { optimizer: 'adam' } };
    expect(configError(() => setPath(o, 'train.optimizer.lr', 1)).message).toBe(
      'cannot set "train.optimizer.lr": train.optimizer is "adam" (string), not a mapping',
    );
    expect(() => setPath(o, '__proto__.polluted', 1)).toThrow(ConfigError);
    expect(({} as any).polluted).toBeUndefined();
  });
});

/** A `--set` value read as YAML by the `yaml` package, as the vaekit CLI reads it. */
function yamlValue(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
  return doc.toJS();
}

const parseSetArgument = (arg: string, parseValue: (text: string) => unknown = yamlValue) => parseSetArgumentWith(arg, parseValue);

describe('parseSetArgument', () => {
  it('parses numbers, booleans, null, strings, lists and mappings', () => {
    expect(parseSetArgument('train.optimizer.lr=3e-4')).toEqual({ path: 'train.optimizer.lr', value: 3e-4 });
    expect(parseSetArgument('train.epochs=20')).toEqual({ path: 'train.epochs', value: 20 });
    expect(parseSetArgument('model.beta=-0.5').value).toBe(-0.5);
    expect(parseSetArgument('output.images=false').value).toBe(false);
    expect(parseSetArgument('output.images=True').value).toBe(true);
    expect(parseSetArgument('x=null').value).toBeNull();
    expect(parseSetArgument('x=~').value).toBeNull();
    expect(parseSetArgument('x=').value).toBeNull();
    expect(parseSetArgument('train.backend=wasm').value).toBe('wasm');
    expect(parseSetArgument('x="20"').value).toBe('20');
    expect(parseSetArgument("x='it''s'").value).toBe("it's");
    expect(parseSetArgument('x=a=b').value).toBe('a=b');
    expect(parseSetArgument('model.encoder.hidden=[512, 256]').value).toEqual([512, 256]);
    expect(parseSetArgument('x=[1,2]').value).toEqual([1, 2]);
    expect(parseSetArgument('x=[]').value).toEqual([]);
    expect(parseSetArgument('model.klSchedule={kind: linear, warmupEpochs: 3}').value).toEqual({
      kind: 'linear',
      warmupEpochs: 3,
    });
    expect(parseSetArgument('x={a: [1, {b: true}], "c d": "e"}').value).toEqual({ a: [1, { b: true }], 'c d': 'e' });
    expect(parseSetArgument('x=.inf').value).toBe(Infinity);
    expect(parseSetArgument('x=0x10').value).toBe(16);
    expect(parseSetArgument('x=http://host:80/p').value).toBe('http://host:80/p');
    expect(parseSetArgument('model.encoder.hidden[0]=5')).toEqual({ path: 'model.encoder.hidden[0]', value: 5 });
  });

  it('uses an injected value parser', () => {
    const seen: string[] = [];
    const r = parseSetArgument('a.b=xyz', (t) => {
      seen.push(t);
      return 42;
    });
    expect(r).toEqual({ path: 'a.b', value: 42 });
    expect(seen).toEqual(['xyz']);
  });

  it('names the argument in every error', () => {
    expect(configError(() => parseSetArgument('train.epochs')).message).toBe(
      '--set "train.epochs": expected PATH=VALUE, such as train.optimizer.lr=3e-4',
    );
    expect(configError(() => parseSetArgument('=3')).message).toBe(
      '--set "=3": the config path before "=" is empty (expected PATH=VALUE)',
    );
    expect(configError(() => parseSetArgument('train..epochs=3')).message).toBe(
      '--set "train..epochs=3": "train..epochs" is not a dotted config path (such as train.optimizer.lr)',
    );
    expect(configError(() => parseSetArgument('x=[1, 2')).message).toBe(
      '--set "x=[1, 2": cannot read the value "[1, 2": Flow sequence must end with a ]',
    );
    const e = configError(() =>
      parseSetArgument('x.y={a', () => {
        throw new Error('Flow map must end with a } at line 1, column 3:\n\n{a\n  ^\n');
      }),
    );
    expect(e.message).toBe('--set "x.y={a": cannot read the value "{a": Flow map must end with a }');
    expect(e.path).toBe('x.y');
  });
});

describe('--set values read as YAML', () => {
  it('reads YAML core scalars', () => {
    expect(parseSetArgument('x=1e-3').value).toBe(0.001);
    expect(parseSetArgument('x=.5').value).toBe(0.5);
    expect(parseSetArgument('x=+3').value).toBe(3);
    expect(parseSetArgument('x=FALSE').value).toBe(false);
    expect(parseSetArgument('x=yes').value).toBe('yes');
    expect(parseSetArgument('x=12 # comment').value).toBe(12);
  });
  it('rejects trailing junk after a closed value', () => {
    expect(configError(() => parseSetArgument('x=[1] 2')).message).toBe(
      '--set "x=[1] 2": cannot read the value "[1] 2": Unexpected scalar at node end',
    );
  });
});

describe('closestMatch / editDistance', () => {
  it('counts edits, including adjacent swaps', () => {
    expect(editDistance('epoch', 'epochs')).toBe(1);
    expect(editDistance('epcohs', 'epochs')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('suggests close keys, ignoring case and separators, and not far ones', () => {
    const keys = ['epochs', 'batchSize', 'optimizer', 'seed', 'backend', 'clipNorm', 'earlyStopping'];
    expect(closestMatch('epoch', keys)).toBe('epochs');
    expect(closestMatch('batch_size', keys)).toBe('batchSize');
    expect(closestMatch('BATCHSIZE', keys)).toBe('batchSize');
    expect(closestMatch('optimiser', keys)).toBe('optimizer');
    expect(closestMatch('early', keys)).toBe('earlyStopping');
    expect(closestMatch('gpu', ['auto', 'tensorflow', 'wasm', 'cpu'])).toBeUndefined();
    expect(closestMatch('zzzzzz', keys)).toBeUndefined();
  });
});
