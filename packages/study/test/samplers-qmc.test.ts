import { createSampler, createStudy, QMCSampler, SobolSequence, type Distribution, type FrozenTrial } from '../src';
import { fromUnit, snapUnit, toUnit } from '../src/samplers/qmc/unitCube';

describe('Sobol sequence', () => {
  it('gives the unscrambled points of the Joe-Kuo sequence (SciPy order)', () => {
    const s = new SobolSequence(4, { scramble: false });
    expect(s.points(8).map((p) => Array.from(p))).toEqual([
      [0, 0, 0, 0],
      [0.5, 0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25, 0.25],
      [0.25, 0.75, 0.75, 0.75],
      [0.375, 0.375, 0.625, 0.875],
      [0.875, 0.875, 0.125, 0.375],
      [0.625, 0.125, 0.875, 0.625],
      [0.125, 0.625, 0.375, 0.125],
    ]);
  });

  it('matches scipy.stats.qmc.Sobol(scramble=False, bits=32) in high dimensions and far into the sequence', () => {
    // Reference integers (coordinate · 2^32) printed by SciPy 1.17.
    const s = new SobolSequence(256, { scramble: false });
    const pick = (n: number) => {
      const b = s.pointBits(n);
      return [b[5], b[100], b[255]];
    };
    expect(pick(1000)).toEqual([3896508416, 3300917248, 1069547520]);
    expect(pick(123456)).toEqual([872972288, 2283044864, 2091679744]);
    const first = new SobolSequence(64, { scramble: false, dimensions: Array.from({ length: 64 }, (_, i) => i) });
    expect(first.point(2)[63]).toBe(0.75);
    expect(first.point(4)[63]).toBe(0.125);
  });

  it('scrambled: the first 2^m points put one point in each 1/2^m interval of every one of 64 coordinates', () => {
    const m = 7;
    const s = new SobolSequence(64, { seed: 3 });
    const pts = s.points(2 ** m);
    for (let j = 0; j < 64; j++) {
      const cells = new Set(pts.map((p) => Math.floor(p[j] * 2 ** m)));
      expect(cells.size).toBe(2 ** m);
    }
  });

  it('scrambled: the first two coordinates form a (0, m, 2)-net (one point in every elementary box of area 2^-m)', () => {
    const m = 8;
    const pts = new SobolSequence(2, { seed: 11 }).points(2 ** m);
    for (let a = 0; a <= m; a++) {
      const boxes = new Set(pts.map((p) => `${Math.floor(p[0] * 2 ** a)},${Math.floor(p[1] * 2 ** (m - a))}`));
      expect(boxes.size).toBe(2 ** m);
    }
  });

  it('scrambled points have a lower discrepancy than random points', () => {
    // Centred L2 discrepancy (Hickernell) of 128 points in 5 dimensions.
    const cd2 = (pts: ArrayLike<number>[], d: number) => {
      const n = pts.length;
      let a = 0;
      let b = 0;
      for (const x of pts) {
        let p = 1;
        for (let k = 0; k < d; k++) p *= 1 + 0.5 * Math.abs(x[k] - 0.5) - 0.5 * (x[k] - 0.5) ** 2;
        a += p;
        for (const y of pts) {
          let q = 1;
          for (let k = 0; k < d; k++) q *= 1 + 0.5 * Math.abs(x[k] - 0.5) + 0.5 * Math.abs(y[k] - 0.5) - 0.5 * Math.abs(x[k] - y[k]);
          b += q;
        }
      }
      return (13 / 12) ** d - (2 / n) * a + b / n ** 2;
    };
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const random = Array.from({ length: 128 }, () => Array.from({ length: 5 }, rand));
    const sobol = new SobolSequence(5, { seed: 1 }).points(128);
    expect(cd2(sobol, 5)).toBeLessThan(cd2(random, 5) / 5);
  });

  it('is a pure function of the seed; other seeds give other points', () => {
    const a = new SobolSequence(3, { seed: 5 }).point(17);
    expect(Array.from(new SobolSequence(3, { seed: 5 }).point(17))).toEqual(Array.from(a));
    expect(Array.from(new SobolSequence(3, { seed: 6 }).point(17))).not.toEqual(Array.from(a));
  });
});

describe('unit cube mapping', () => {
  it('maps u into each kind of distribution and back to the centre of its cell', () => {
    const logFloat: Distribution = { type: 'float', low: 1e-4, high: 1, log: true };
    expect(fromUnit(logFloat, 0.5)).toBeCloseTo(1e-2, 12);
    expect(toUnit(logFloat, 1e-3)).toBeCloseTo(0.25, 12);
    const stepped: Distribution = { type: 'float', low: 0, high: 0.5, step: 0.1 };
    expect([0, 0.1, 0.17, 0.5, 0.99].map((u) => fromUnit(stepped, u))).toEqual([0, 0, 0.1, 0.3, 0.5]);
    expect(toUnit(stepped, 0.3)).toBeCloseTo(3.5 / 6, 12);
    const ints: Distribution = { type: 'int', low: 1, high: 4 };
    expect([0, 0.26, 0.74, 0.999].map((u) => fromUnit(ints, u))).toEqual([1, 2, 3, 4]);
    expect(snapUnit(ints, 0.3)).toBe(0.375);
    const logInt: Distribution = { type: 'int', low: 1, high: 1000, log: true };
    expect(fromUnit(logInt, 0)).toBe(1);
    expect(fromUnit(logInt, 0.9999)).toBe(1000);
    const u = toUnit(logInt, 30) as number;
    expect(fromUnit(logInt, u)).toBe(30);
    const cat: Distribution = { type: 'categorical', choices: ['a', 'b', 'c'] };
    expect([0.1, 0.4, 0.9].map((x) => fromUnit(cat, x))).toEqual(['a', 'b', 'c']);
  });
});

describe('QMC sampler', () => {
  const space = async (t: { suggestFloat: Function; suggestInt: Function; suggestCategorical: Function }) => {
    const x = (await t.suggestFloat('x', -5, 10)) as number;
    const lr = (await t.suggestFloat('lr', 1e-5, 1, { log: true })) as number;
    const n = (await t.suggestInt('n', 1, 4)) as number;
    const c = (await t.suggestCategorical('c', ['a', 'b', 'c', 'd'])) as string;
    return x * x + Math.log10(lr) ** 2 + n + c.charCodeAt(0);
  };

  it('is built from a spec and stratifies every parameter over a study', async () => {
    const study = createStudy({ direction: 'minimize', sampler: { name: 'qmc', seed: 7 } });
    await study.optimize(space as never, { nTrials: 33 });
    const trials = study.trials.filter((t) => t.state === 'COMPLETE');
    expect(trials).toHaveLength(33);
    // Trials 1..32 are joint Sobol points 1..32; with point 0 excluded, every fourth of the range
    // of n and every choice of c is hit 8 ± 1 times; x's 32 values spread over all 8 eighths.
    const later = trials.filter((t) => t.number >= 1);
    const count = (f: (t: FrozenTrial) => unknown) => {
      const m = new Map<unknown, number>();
      for (const t of later) m.set(f(t), (m.get(f(t)) ?? 0) + 1);
      return m;
    };
    for (const c of count((t) => t.params.c).values()) expect(Math.abs(c - 8)).toBeLessThanOrEqual(1);
    for (const c of count((t) => t.params.n).values()) expect(Math.abs(c - 8)).toBeLessThanOrEqual(1);
    expect(count((t) => Math.floor(((t.params.x as number) + 5) / 15 * 8)).size).toBe(8);
    for (const t of trials) {
      expect(t.params.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(t.params.lr as number).toBeLessThanOrEqual(1);
      expect(Number.isInteger(t.params.n)).toBe(true);
    }
  });

  it('is deterministic for a seed, and concurrent workers never take the same point', async () => {
    const run = async (seed: number, workers: number) => {
      const study = createStudy({ direction: 'minimize', sampler: { name: 'qmc', seed } });
      await study.optimize(
        (async (t: never) => {
          const v = await space(t);
          await new Promise((r) => setTimeout(r, 1));
          return v;
        }) as never,
        { nTrials: 24, workers },
      );
      return study.trials.map((t) => JSON.stringify(t.params));
    };
    expect(await run(3, 1)).toEqual(await run(3, 1));
    expect(await run(3, 1)).not.toEqual(await run(4, 1));
    const parallel = await run(3, 4);
    expect(new Set(parallel).size).toBe(parallel.length);
  });

  it('unscrambled: skips the all-zeros point', () => {
    const s = new QMCSampler({ seed: 0, scramble: false });
    const space = { x: { type: 'float', low: 0, high: 1 } as Distribution, y: { type: 'float', low: 0, high: 1 } as Distribution };
    expect(s.jointPoint(space, 0)).toEqual({ x: 0.5, y: 0.5 });
    expect(s.jointPoint(space, 1)).toEqual({ x: 0.75, y: 0.25 });
  });

  it('refuses bad options with the option path', () => {
    expect(() => createSampler({ name: 'qmc', scramble: 'yes' })).toThrow(/study\.sampler\.scramble: scramble must be true or false/);
    expect(() => createSampler({ name: 'qmc', nStartupTrials: 3 })).toThrow(/unknown option "nStartupTrials" for the qmc sampler/);
  });
});
