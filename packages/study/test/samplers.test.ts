import type { Distribution, FrozenTrial, ParamValue, TrialState } from '../src/types';
import {
  contains,
  createSampler,
  DistributionError,
  effectiveHigh,
  GridSampler,
  RandomSampler,
  roundToStep,
  TPESampler,
  validateDistribution,
  type SamplerContext,
} from '../src/samplers';

const ctx = (trialNumber: number, extra: Partial<SamplerContext> = {}): SamplerContext => ({
  direction: 'minimize',
  trials: [],
  trialNumber,
  ...extra,
});

describe('distributions', () => {
  it('accepts well-formed distributions', () => {
    const ok: Distribution[] = [
      { type: 'float', low: -1, high: 1 },
      { type: 'float', low: 1e-5, high: 1, log: true },
      { type: 'float', low: 0, high: 1, step: 0.1 },
      { type: 'float', low: 2, high: 2 },
      { type: 'int', low: 16, high: 512, step: 16 },
      { type: 'int', low: 1, high: 1000, log: true },
      { type: 'int', low: 1, high: 1000, log: true, step: 1 },
      { type: 'categorical', choices: ['relu', 1, true, null] },
    ];
    for (const d of ok) expect(() => validateDistribution(d, 'p')).not.toThrow();
  });

  it.each<[string, Distribution, RegExp]>([
    ['low > high', { type: 'float', low: 2, high: 1 }, /"lr": low \(2\) must be <= high \(1\)/],
    ['log with low <= 0', { type: 'float', low: 0, high: 1, log: true }, /log-scaled float needs low > 0/],
    ['step and log', { type: 'float', low: 1, high: 2, log: true, step: 0.1 }, /step and log cannot be used together/],
    ['non-positive step', { type: 'float', low: 0, high: 1, step: 0 }, /step must be a positive number/],
    ['NaN bound', { type: 'float', low: NaN, high: 1 }, /low must be a finite number/],
    ['int non-integer bound', { type: 'int', low: 0.5, high: 3 }, /int low must be an integer/],
    ['int fractional step', { type: 'int', low: 0, high: 10, step: 1.5 }, /int step must be a positive integer/],
    ['int log with low 0', { type: 'int', low: 0, high: 10, log: true }, /log-scaled int needs low >= 1/],
    ['int log with step 2', { type: 'int', low: 1, high: 10, log: true, step: 2 }, /step and log cannot be used together/],
    ['empty choices', { type: 'categorical', choices: [] }, /choices must be a non-empty array/],
    ['duplicate choices', { type: 'categorical', choices: ['a', 'a'] }, /contain "a" twice/],
    ['object choice', { type: 'categorical', choices: [{} as unknown as string] }, /strings, numbers, booleans or null/],
    ['unknown type', { type: 'uniform' } as unknown as Distribution, /unknown distribution type "uniform"/],
  ])('rejects %s with a clear error', (_label, dist, message) => {
    expect(() => validateDistribution(dist, 'lr')).toThrow(DistributionError);
    expect(() => validateDistribution(dist, 'lr')).toThrow(message);
  });

  it('also takes the parameter name first', () => {
    expect(() => validateDistribution('x', { type: 'float', low: 3, high: 1 })).toThrow(/"x": low \(3\)/);
  });

  it('contains() respects bounds, integrality and the step grid', () => {
    expect(contains({ type: 'float', low: 0, high: 1 }, 0.5)).toBe(true);
    expect(contains({ type: 'float', low: 0, high: 1 }, 1.5)).toBe(false);
    expect(contains({ type: 'float', low: 0, high: 1 }, '0.5')).toBe(false);
    expect(contains({ type: 'float', low: 0, high: 1, step: 0.1 }, 0.30000000000000004)).toBe(true);
    expect(contains({ type: 'float', low: 0, high: 1, step: 0.1 }, 0.35)).toBe(false);
    expect(contains({ type: 'int', low: 16, high: 512, step: 16 }, 48)).toBe(true);
    expect(contains({ type: 'int', low: 16, high: 512, step: 16 }, 50)).toBe(false);
    expect(contains({ type: 'int', low: 0, high: 10 }, 2.5)).toBe(false);
    // high off the grid: the last grid point is the effective high (as Optuna).
    expect(contains({ type: 'int', low: 0, high: 10, step: 3 }, 10)).toBe(false);
    expect(effectiveHigh({ type: 'int', low: 0, high: 10, step: 3 })).toBe(9);
    expect(effectiveHigh({ type: 'float', low: 0, high: 1, step: 0.3 })).toBe(0.9);
    expect(contains({ type: 'categorical', choices: ['a', null] }, null)).toBe(true);
    expect(contains({ type: 'categorical', choices: ['a', null] }, 'b')).toBe(false);
  });

  it('roundToStep snaps to the grid, clips, and cleans floating noise', () => {
    expect(roundToStep(0.34, 0, 1, 0.1)).toBe(0.3);
    expect(roundToStep(0.36, 0, 1, 0.1)).toBe(0.4);
    expect(roundToStep(1.7, 0, 1, 0.1)).toBe(1);
    expect(roundToStep(-3, 0, 1, 0.1)).toBe(0);
    expect(roundToStep(500, 16, 512, 16)).toBe(496);
    expect(roundToStep(10, 0, 10, 3)).toBe(9);
  });
});

describe('RandomSampler', () => {
  const space: Record<string, Distribution> = {
    x: { type: 'float', low: -5, high: 10 },
    lr: { type: 'float', low: 1e-5, high: 1, log: true },
    q: { type: 'float', low: 0, high: 1, step: 0.1 },
    hidden: { type: 'int', low: 16, high: 512, step: 16 },
    n: { type: 'int', low: 1, high: 1000, log: true },
    k: { type: 'int', low: -3, high: 3 },
    act: { type: 'categorical', choices: ['relu', 'tanh', 'elu'] },
  };

  it('gives trial k the same parameters whatever the order of calls', () => {
    const forward = new RandomSampler(42);
    const backward = new RandomSampler(42);
    const a: Record<string, ParamValue>[] = [];
    for (let t = 0; t < 50; t++) {
      const p: Record<string, ParamValue> = {};
      for (const [name, d] of Object.entries(space)) p[name] = forward.sampleIndependent(ctx(t), name, d);
      a.push(p);
    }
    const b: Record<string, ParamValue>[] = [];
    for (let t = 49; t >= 0; t--) {
      const p: Record<string, ParamValue> = {};
      for (const [name, d] of Object.entries(space).reverse()) p[name] = backward.sampleIndependent(ctx(t), name, d);
      b[t] = p;
    }
    expect(b).toEqual(a);
    // Interleaving other trials' requests (as parallel workers do) changes nothing either.
    const interleaved = new RandomSampler(42);
    expect(interleaved.sampleIndependent(ctx(7), 'x', space.x)).toBe(a[7].x);
    interleaved.sampleIndependent(ctx(3), 'x', space.x);
    expect(interleaved.sampleIndependent(ctx(7), 'x', space.x)).toBe(a[7].x);
    // A different seed gives different values.
    expect(new RandomSampler(43).sampleIndependent(ctx(7), 'x', space.x)).not.toBe(a[7].x);
  });

  it('stays inside every distribution and covers it uniformly', () => {
    const s = new RandomSampler(1);
    const values: Record<string, ParamValue[]> = {};
    const outside: string[] = [];
    for (let t = 0; t < 3000; t++) {
      for (const [name, d] of Object.entries(space)) {
        const v = s.sampleIndependent(ctx(t), name, d);
        if (!contains(d, v)) outside.push(`${name}=${v}`);
        (values[name] ??= []).push(v);
      }
    }
    expect(outside).toEqual([]);
    const mean = (xs: ParamValue[]) => (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(values.x)).toBeCloseTo(2.5, 0);
    // Log-uniform: log10(lr) uniform on [-5, 0].
    expect(mean(values.lr.map((v) => Math.log10(v as number)))).toBeCloseTo(-2.5, 0);
    // Every grid point is reachable, ends included.
    expect(new Set(values.q).size).toBe(11);
    expect(new Set(values.hidden).size).toBe(32);
    expect(new Set(values.k)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    expect(new Set(values.act)).toEqual(new Set(['relu', 'tanh', 'elu']));
    const counts = [0, 0, 0, 0, 0, 0, 0];
    for (const v of values.k) counts[(v as number) + 3]++;
    for (const c of counts) expect(c / 3000).toBeGreaterThan(0.1);
  });

  it('returns the only value of single-valued distributions', () => {
    const s = new RandomSampler(0);
    expect(s.sampleIndependent(ctx(0), 'a', { type: 'float', low: 2, high: 2 })).toBe(2);
    expect(s.sampleIndependent(ctx(0), 'b', { type: 'int', low: 0, high: 2, step: 3 })).toBe(0);
    expect(s.sampleIndependent(ctx(0), 'c', { type: 'categorical', choices: ['only'] })).toBe('only');
  });

  it('validates the distribution', () => {
    expect(() => new RandomSampler(0).sampleIndependent(ctx(0), 'lr', { type: 'float', low: 0, high: 1, log: true })).toThrow(/"lr"/);
  });
});

describe('GridSampler', () => {
  const space = { lr: [0.1, 0.01, 0.001], act: ['relu', 'tanh'], layers: [1, 2, 3, 4] };
  /** A RUNNING trial that claimed grid point `point`, as beforeTrial creates it. */
  const claimed = (number: number, point: number, state: TrialState = 'RUNNING'): FrozenTrial => ({
    number,
    state,
    params: {},
    distributions: {},
    intermediate: {},
    userAttrs: {},
    systemAttrs: { claimKey: String(point) },
  });

  it('enumerates every point of the cartesian product exactly once', () => {
    for (const seed of [undefined, 0, 7]) {
      const g = new GridSampler(space, seed);
      expect(g.size).toBe(24);
      const seen = new Set<string>();
      for (let i = 0; i < g.size; i++) seen.add(JSON.stringify(g.pointAt(i)));
      expect(seen.size).toBe(24);
      for (const lr of space.lr) for (const act of space.act) for (const layers of space.layers) {
        expect(seen.has(JSON.stringify({ act, layers, lr }))).toBe(true);
      }
    }
  });

  it('has a fixed order (sorted names, last varying fastest), shuffled reproducibly by a seed', () => {
    const g = new GridSampler(space);
    expect(g.paramNames).toEqual(['act', 'layers', 'lr']);
    expect(g.pointAt(0)).toEqual({ act: 'relu', layers: 1, lr: 0.1 });
    expect(g.pointAt(1)).toEqual({ act: 'relu', layers: 1, lr: 0.01 });
    expect(g.pointAt(23)).toEqual({ act: 'tanh', layers: 4, lr: 0.001 });
    const order = (s: GridSampler) => Array.from({ length: s.size }, (_, i) => JSON.stringify(s.pointAt(i)));
    expect(order(new GridSampler(space, 5))).toEqual(order(new GridSampler(space, 5)));
    expect(order(new GridSampler(space, 5))).not.toEqual(order(g));
  });

  it('samples the value of the point assigned to the trial', () => {
    const g = new GridSampler(space);
    const c = ctx(99, { trials: [claimed(99, 13)] });
    const point = g.pointAt(13);
    expect(g.sampleIndependent(c, 'lr', { type: 'float', low: 1e-4, high: 1, log: true })).toBe(point.lr);
    expect(g.sampleIndependent(c, 'act', { type: 'categorical', choices: ['relu', 'tanh'] })).toBe(point.act);
    expect(g.sampleIndependent(c, 'layers', { type: 'int', low: 1, high: 4 })).toBe(point.layers);
    expect(g.distributions()).toEqual({
      act: { type: 'categorical', choices: ['relu', 'tanh'] },
      layers: { type: 'categorical', choices: [1, 2, 3, 4] },
      lr: { type: 'categorical', choices: [0.1, 0.01, 0.001] },
    });
  });

  it('explains what is wrong', () => {
    const g = new GridSampler(space);
    expect(() => g.sampleIndependent(ctx(0, { trials: [claimed(0, 0)] }), 'dropout', { type: 'float', low: 0, high: 1 })).toThrow(
      /parameter "dropout" is not in the grid \(grid parameters: act, layers, lr\)/,
    );
    expect(() => g.sampleIndependent(ctx(3), 'lr', { type: 'float', low: 1e-4, high: 1 })).toThrow(/trial 3 has no grid point assigned/);
    expect(() => g.sampleIndependent(ctx(0, { trials: [claimed(0, 0)] }), 'layers', { type: 'int', low: 2, high: 4 })).toThrow(/outside its distribution/);
    expect(() => g.pointAt(24)).toThrow(/out of range \[0, 24\)/);
    expect(() => new GridSampler({ a: [] })).toThrow(/"a" needs a non-empty array/);
    expect(() => new GridSampler({ a: [1, 1] })).toThrow(/lists a value twice/);
  });

  it('claims the first point no live trial holds in beforeTrial, with its values fixed', async () => {
    const g = new GridSampler(space);
    const calls: unknown[] = [];
    const claim = (trials: FrozenTrial[], refuse = false) =>
      g.beforeTrial({
        direction: 'minimize',
        trials,
        createTrial: async (opts) => {
          calls.push(opts);
          return refuse ? undefined : { ...claimed(trials.length, Number(opts?.claimKey)), params: { ...opts?.params } };
        },
      });
    // Points 0 and 1 are held (running, finished); point 2's trial failed, so it is free again.
    const t = await claim([claimed(0, 0), claimed(1, 1, 'COMPLETE'), claimed(2, 2, 'FAIL')]);
    expect(calls).toEqual([{ claimKey: '2', params: g.pointAt(2), distributions: g.distributions() }]);
    expect(t).toMatchObject({ number: 3, params: g.pointAt(2), systemAttrs: { claimKey: '2' } });
    // A refusal (another worker took the point, or the study is full) is passed on to the study.
    expect(await claim([], true)).toBeUndefined();
    // Every point held: exhausted.
    const all = Array.from({ length: g.size }, (_, i) => claimed(i, i, i % 2 ? 'COMPLETE' : 'PRUNED'));
    calls.length = 0;
    expect(await claim(all)).toBe('exhausted');
    expect(calls).toEqual([]);
  });
});

describe('createSampler', () => {
  it('builds each sampler with its options', () => {
    const tpe = createSampler({ name: 'tpe', seed: 3, nStartupTrials: 5, constantLiar: false });
    expect(tpe).toBeInstanceOf(TPESampler);
    expect((tpe as TPESampler).nStartupTrials).toBe(5);
    expect((tpe as TPESampler).constantLiar).toBe(false);
    expect((tpe as TPESampler).seed).toBe(3);
    expect(createSampler({ name: 'random', seed: 1 })).toBeInstanceOf(RandomSampler);
    const grid = createSampler({ name: 'grid' }, { a: [1, 2], b: ['x'] });
    expect(grid).toBeInstanceOf(GridSampler);
    expect((grid as GridSampler).size).toBe(2);
  });

  it('rejects unknown names and options clearly', () => {
    expect(() => createSampler({ name: 'cmaes' as 'tpe' })).toThrow(/unknown sampler "cmaes" \(expected one of: tpe, random, grid, qmc, gp, nsga2\)/);
    expect(() => createSampler({ name: 'tpe', nStartup: 3 })).toThrow(/unknown option "nStartup" for the tpe sampler \(allowed: seed, nStartupTrials/);
    expect(() => createSampler({ name: 'random', gamma: 1 })).toThrow(/unknown option "gamma" for the random sampler/);
    expect(() => createSampler({ name: 'grid' })).toThrow(/grid sampler needs a search space/);
    expect(() => createSampler({ name: 'tpe', nEiCandidates: 0 })).toThrow(/nEiCandidates must be an integer >= 1/);
    expect(() => createSampler({ name: 'tpe', priorWeight: -1 })).toThrow(/priorWeight must be a positive number/);
    expect(() => createSampler({ name: 'tpe', multivariate: 'yes' })).toThrow(/multivariate must be true or false/);
  });
});
