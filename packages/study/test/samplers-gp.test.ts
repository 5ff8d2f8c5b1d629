import { ConfigError, createSampler, createStudy, GPSampler, type Distribution, type FrozenTrial, type SamplerContext } from '../src';
import { cholesky, choleskyInverse, choleskySolve, logDet, solveLower, solveUpperT } from '../src/samplers/gp/linalg';
import { crossCovariance, kernelMatrix, matern52, type KernelParams } from '../src/samplers/gp/kernel';
import { fitKernelParams, fromLog, logMarginalLikelihood, logPrior, toLog } from '../src/samplers/gp/fit';
import { erfcx, logExpectedImprovement, logH, normalCdf, normalPdf } from '../src/samplers/gp/acquisition';
import { GaussianProcess } from '../src/samplers/gp/model';
import { minimizeBox } from '../src/samplers/gp/lbfgsb';
import { EncodedSpace } from '../src/samplers/gp/space';

/** A small deterministic generator for test data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function spd(n: number, rand: () => number): Float64Array {
  const B = Array.from({ length: n * n }, () => rand() - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 0.1 : 0;
    for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
    A[i * n + j] = s;
  }
  return A;
}

describe('linear algebra', () => {
  it('factors a positive definite matrix (L Lᵀ = A) and solves with it', () => {
    const n = 7;
    const A = spd(n, lcg(1));
    const c = cholesky(A, n);
    expect(c.jitter).toBe(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += c.L[i * n + k] * c.L[j * n + k];
      expect(s).toBeCloseTo(A[i * n + j], 12);
      if (j > i) expect(c.L[i * n + j]).toBe(0);
    }
    const b = Array.from({ length: n }, (_, i) => i - 3);
    const x = choleskySolve(c, b);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k] * x[k];
      expect(s).toBeCloseTo(b[i], 10);
    }
    // Triangular solves on their own, and the inverse.
    const y = solveLower(c.L, n, b);
    const z = solveUpperT(c.L, n, y);
    expect(Array.from(z)).toEqual(Array.from(x));
    const inv = choleskyInverse(c);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k] * inv[k * n + j];
      expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
    }
    // log det against the product of the 2×2 case done by hand.
    const two = cholesky(Float64Array.from([4, 2, 2, 3]), 2);
    expect(logDet(two)).toBeCloseTo(Math.log(4 * 3 - 2 * 2), 14);
  });

  it('adds jitter when the matrix is singular in floating point', () => {
    const n = 5;
    const ones = new Float64Array(n * n).fill(1); // rank one
    const c = cholesky(ones, n);
    expect(c.jitter).toBeGreaterThan(0);
    expect(c.jitter).toBeLessThanOrEqual(1e-2);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += c.L[i * n + k] * c.L[j * n + k];
      expect(s).toBeCloseTo(1 + (i === j ? c.jitter : 0), 12);
    }
    expect(() => cholesky(Float64Array.from([NaN]), 1)).toThrow(/not positive definite/);
  });

  it('minimises a bounded quadratic with the projected quasi-Newton method', () => {
    // f = (x0 − 2)² + 10 (x1 + 1)² + x0 x1 on [−1, 1]²: the minimum is on the edge x0 = 1.
    const r = minimizeBox(
      (x) => ({ f: (x[0] - 2) ** 2 + 10 * (x[1] + 1) ** 2 + x[0] * x[1], g: Float64Array.from([2 * (x[0] - 2) + x[1], 20 * (x[1] + 1) + x[0]]) }),
      [0, 0],
      { lower: [-1, -1], upper: [1, 1] },
    );
    // With x0 = 1: minimise 10 (x1 + 1)² + x1 → x1 = −1 − 1/20.
    expect(r.x[0]).toBe(1);
    expect(r.x[1]).toBe(-1);
  });
});

describe('Matérn 5/2 kernel and the marginal likelihood', () => {
  const X = [Float64Array.from([0.1, 0.2, 1]), Float64Array.from([0.4, 0.9, 0]), Float64Array.from([0.7, 0.3, 1]), Float64Array.from([0.95, 0.6, 2])];
  const categorical = [false, false, true];
  const p: KernelParams = { rho: Float64Array.from([2, 0.5, 1.5]), signal: 1.3, noise: 0.01 };

  it('has the closed form (1 + √5 r + 5/3 r²) exp(−√5 r), a Hamming distance for categoricals', () => {
    const r = 0.7;
    expect(matern52(r * r)).toBeCloseTo((1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r), 15);
    expect(matern52(0)).toBe(1);
    const K = kernelMatrix(X, p, categorical);
    // X0 and X1: r² = 2·0.3² + 0.5·0.7² + 1.5·[1 ≠ 0].
    expect(K[1]).toBeCloseTo(1.3 * matern52(2 * 0.09 + 0.5 * 0.49 + 1.5), 14);
    // X0 and X2: the same choice adds nothing.
    expect(K[2]).toBeCloseTo(1.3 * matern52(2 * 0.36 + 0.5 * 0.01), 14);
  });

  it('gives the gradient of k(x, X) with respect to x (finite differences)', () => {
    const x = Float64Array.from([0.33, 0.71, 2]);
    const { k, dk } = crossCovariance(x, X, p, categorical, true);
    const h = 1e-6;
    for (let d = 0; d < 2; d++) {
      const up = Float64Array.from(x);
      const dn = Float64Array.from(x);
      up[d] += h;
      dn[d] -= h;
      const ku = crossCovariance(up, X, p, categorical).k;
      const kd = crossCovariance(dn, X, p, categorical).k;
      for (let i = 0; i < X.length; i++) expect((dk as Float64Array)[i * 3 + d]).toBeCloseTo((ku[i] - kd[i]) / (2 * h), 7);
    }
    expect(k[3]).toBeCloseTo(1.3 * matern52(2 * 0.62 ** 2 + 0.5 * 0.11 ** 2), 14);
  });

  it('gives the log marginal likelihood and its gradient (finite differences), and the prior’s', () => {
    const y = [0.5, -1.2, 0.3, 1.1];
    const l = logMarginalLikelihood(X, y, p, categorical);
    // Direct: −½ yᵀK⁻¹y − ½ log det K − n/2 log 2π.
    const n = 4;
    const K = kernelMatrix(X, p, categorical);
    for (let i = 0; i < n; i++) K[i * n + i] += p.noise;
    const c = cholesky(K, n);
    const a = choleskySolve(c, y);
    const direct = -0.5 * y.reduce((s, v, i) => s + v * a[i], 0) - 0.5 * logDet(c) - 2 * Math.log(2 * Math.PI);
    expect(l.value).toBeCloseTo(direct, 12);
    const theta = toLog(p);
    const h = 1e-6;
    for (let j = 0; j < theta.length; j++) {
      const up = Float64Array.from(theta);
      const dn = Float64Array.from(theta);
      up[j] += h;
      dn[j] -= h;
      const fd = (logMarginalLikelihood(X, y, fromLog(up), categorical).value - logMarginalLikelihood(X, y, fromLog(dn), categorical).value) / (2 * h);
      expect(l.grad[j]).toBeCloseTo(fd, 6);
      const pd = (logPrior(fromLog(up)).value - logPrior(fromLog(dn)).value) / (2 * h);
      expect(logPrior(p).grad[j]).toBeCloseTo(pd, 6);
    }
  });

  it('fits hyperparameters that explain the data: a long length scale for an irrelevant input', () => {
    const rand = lcg(7);
    const Xs = Array.from({ length: 30 }, () => Float64Array.from([rand(), rand()]));
    const y = Xs.map((x) => Math.sin(6 * x[0]));
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    const fit = fitKernelParams(Xs, y.map((v) => (v - mean) / sd), [false, false]);
    expect(fit.rho[0]).toBeGreaterThan(10 * fit.rho[1]);
    expect(fit.noise).toBeLessThan(1e-2);
  });
});

describe('log expected improvement', () => {
  // log h(z) and Φ(z)/h(z), h(z) = φ(z) + zΦ(z), from mpmath at 60 digits.
  const reference: Array<[number, number, number]> = [
    [-1e5, -5000000023.9447894634, 100000.00001999999999],
    [-1000, -500014.73445209115845, 1000.001999994000042],
    [-101, -5110.6494735548640203, 101.01979616064943129],
    [-99, -4910.6094842154551178, 99.020195840953121206],
    [-40, -808.29856835661996024, 40.049906657648518193],
    [-10, -55.553122036122355927, 10.194383033412553306],
    [-5, -16.744301162660990143, 5.3618162412880885298],
    [-1.5, -3.5299359208057098515, 2.2795806941564461644],
    [-1, -2.4851210257126413368, 1.9042712333296918229],
    [-0.5, -1.6205162643873199193, 1.5598731483480796712],
    [0, -0.91893853320467274178, 1.2533141373155002512],
    [0.5, -0.35982768374506381859, 0.99092271800410996015],
    [3, 1.0987396653277077727, 0.33284096845179523558],
    [40, 3.6888794541139363029, 0.025],
  ];

  it.each(reference)('log h(%p) is finite and accurate far into the tail', (z, value, deriv) => {
    const r = logH(z);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(Math.abs(r.value - value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
    expect(Math.abs(r.deriv - deriv)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(deriv)));
  });

  it('erfcx matches mpmath', () => {
    const ref: Array<[number, number]> = [
      [0.1, 0.89645697996912664193],
      [0.7, 0.52593033734944094108],
      [1.9, 0.26650937366167264968],
      [2.1, 0.24511912334517234674],
      [5, 0.11070463773306862637],
      [30, 0.018795888861416751497],
    ];
    for (const [x, v] of ref) expect(Math.abs(erfcx(x) - v)).toBeLessThanOrEqual(2e-13 * v);
  });

  it('equals log(EI) computed plainly where EI is representable, and has the right gradient', () => {
    for (const [mean, variance, best] of [[0.3, 0.5, 0.1], [-0.2, 0.04, 0.5], [1, 2, 3], [0, 1e-4, 0.01]]) {
      const sd = Math.sqrt(variance);
      const z = (mean - best) / sd;
      const ei = sd * (normalPdf(z) + z * normalCdf(z));
      const l = logExpectedImprovement(mean, variance, best);
      expect(l.value).toBeCloseTo(Math.log(ei), 10);
      const h = 1e-7;
      expect(l.dMean).toBeCloseTo((logExpectedImprovement(mean + h, variance, best).value - logExpectedImprovement(mean - h, variance, best).value) / (2 * h), 5);
      expect(l.dVar).toBeCloseTo((logExpectedImprovement(mean, variance + h * variance, best).value - logExpectedImprovement(mean, variance - h * variance, best).value) / (2 * h * variance), 4);
    }
    // Plain EI underflows to 0 at z = −40; log EI does not.
    expect(Math.log(normalPdf(-40) + -40 * normalCdf(-40))).toBe(-Infinity);
    expect(logExpectedImprovement(-40, 1, 0).value).toBeCloseTo(-808.29856835662, 8);
  });
});

describe('GP posterior', () => {
  it('matches the hand-computed posterior of two observations', () => {
    // Inputs 0 and 1 (one dimension), ρ = 4 (length scale 1/2), s² = 2, noise 0.1, y = (1, −1).
    const p: KernelParams = { rho: Float64Array.from([4]), signal: 2, noise: 0.1 };
    const gp = new GaussianProcess([Float64Array.from([0]), Float64Array.from([1])], Float64Array.from([1, -1]), p, [false]);
    const k01 = 2 * matern52(4); // r² = 4 · 1²
    const a = 2 + 0.1; // diagonal
    const det = a * a - k01 * k01;
    // K⁻¹ = [[a, −k01], [−k01, a]] / det.
    const at = (x: number) => {
      const k0 = 2 * matern52(4 * x * x);
      const k1 = 2 * matern52(4 * (1 - x) ** 2);
      const w0 = (a * k0 - k01 * k1) / det;
      const w1 = (-k01 * k0 + a * k1) / det;
      return { mean: w0 * 1 + w1 * -1, variance: 2 - (w0 * k0 + w1 * k1) };
    };
    for (const x of [0, 0.25, 0.5, 0.8, 1.7]) {
      const pr = gp.predict([x], true);
      expect(pr.mean).toBeCloseTo(at(x).mean, 13);
      expect(pr.variance).toBeCloseTo(at(x).variance, 13);
      const h = 1e-6;
      expect((pr.dMean as Float64Array)[0]).toBeCloseTo((at(x + h).mean - at(x - h).mean) / (2 * h), 6);
      expect((pr.dVar as Float64Array)[0]).toBeCloseTo((at(x + h).variance - at(x - h).variance) / (2 * h), 6);
    }
    expect(at(0.5).mean).toBeCloseTo(0, 14);
  });
});

describe('GP input space', () => {
  const enc = new EncodedSpace({
    lr: { type: 'float', low: 1e-4, high: 1, log: true },
    n: { type: 'int', low: 1, high: 4 },
    w: { type: 'int', low: 16, high: 1024, log: true },
    c: { type: 'categorical', choices: ['x', 'y', 'z'] },
    d: { type: 'float', low: 0, high: 0.5, step: 0.1 },
  });

  it('maps parameters into [0, 1] (log where log) and back; categoricals by index', () => {
    expect(enc.names).toEqual(['c', 'd', 'lr', 'n', 'w']);
    const x = enc.encode({ lr: 1e-2, n: 3, w: 256, c: 'z', d: 0.2 }) as Float64Array;
    expect(x[0]).toBe(2);
    expect(x[1]).toBeCloseTo(2.5 / 6, 14);
    expect(x[2]).toBeCloseTo(0.5, 14);
    expect(x[3]).toBe(2.5 / 4);
    expect(enc.decode(x)).toEqual({ lr: expect.closeTo(1e-2, 14), n: 3, w: 256, c: 'z', d: 0.2 });
    expect(enc.encode({ lr: 1e-2, n: 9, w: 256, c: 'z', d: 0.2 })).toBeUndefined();
  });

  it('snaps points that round to the same value onto one input, so the kernel sees one point', () => {
    const a = enc.fromUnitPoint([0.1, 0.41, 0.3, 0.51, 0.7]);
    const b = enc.fromUnitPoint([0.2, 0.49, 0.3, 0.74, 0.7]);
    expect(Array.from(a)).toEqual(Array.from(b));
    // A log int: its value's cell centre and points just beside it are one input.
    for (const off of [-1e-4, 1e-4]) expect(enc.fromUnitPoint([0.1, 0.41, 0.3, 0.51, a[4] + off])[4]).toBe(a[4]);
    expect(enc.decode(a)).toEqual(enc.decode(b));
    // Neighbours: the next integers (also on a log scale), every other choice.
    expect(enc.neighbours(3, a[3]).map((u) => enc.decode(Float64Array.from([0, 0, 0.5, u, a[4]])).n)).toEqual([2, 4]);
    const w = enc.decode(a).w as number;
    expect(enc.neighbours(4, a[4]).map((u) => enc.decode(Float64Array.from([0, 0, 0.5, a[3], u])).w)).toEqual([w - 1, w + 1]);
    expect(enc.neighbours(0, 1)).toEqual([0, 2]);
  });
});

describe('GP sampler', () => {
  const branin = (x: number, y: number) =>
    (y - (5.1 / (4 * Math.PI ** 2)) * x ** 2 + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;

  const runBranin = async (seed: number, nTrials: number) => {
    const study = createStudy({ direction: 'minimize', sampler: { name: 'gp', seed } });
    await study.optimize(async (t) => branin(await t.suggestFloat('x', -5, 10), await t.suggestFloat('y', 0, 15)), { nTrials });
    return study;
  };

  it('finds Branin’s minimum (0.397887) within 30 trials, deterministically for a seed', async () => {
    const a = await runBranin(0, 30);
    const b = await runBranin(0, 30);
    expect(a.trials.map((t) => t.params)).toEqual(b.trials.map((t) => t.params));
    expect(a.bestTrial!.value!).toBeLessThan(0.41);
    // The first ten trials are the scrambled Sobol points, as the qmc sampler gives them.
    const qmc = await (async () => {
      const s = createStudy({ direction: 'minimize', sampler: { name: 'qmc', seed: 0 } });
      await s.optimize(async (t) => branin(await t.suggestFloat('x', -5, 10), await t.suggestFloat('y', 0, 15)), { nTrials: 10 });
      return s.trials.map((t) => t.params);
    })();
    expect(a.trials.slice(0, 10).map((t) => t.params)).toEqual(qmc);
  }, 30000);

  const ctxOf = (trials: FrozenTrial[], trialNumber: number, direction: 'minimize' | 'maximize' = 'minimize'): SamplerContext => ({ direction, trials, trialNumber } as SamplerContext);
  const space: Record<string, Distribution> = {
    x: { type: 'float', low: -5, high: 10 },
    n: { type: 'int', low: 1, high: 8 },
    c: { type: 'categorical', choices: ['a', 'b', 'c'] },
  };
  const objective = (p: Record<string, unknown>) => ((p.x as number) - 1) ** 2 + ((p.n as number) - 3) ** 2 + (p.c === 'b' ? 0 : 2);
  const history = (): FrozenTrial[] => {
    const rand = lcg(3);
    return Array.from({ length: 12 }, (_, i) => {
      const params = { x: -5 + 15 * rand(), n: 1 + Math.floor(8 * rand()), c: ['a', 'b', 'c'][Math.floor(3 * rand())] };
      return { number: i, state: 'COMPLETE', params, distributions: space, value: objective(params), intermediate: {}, userAttrs: {}, systemAttrs: {} } as FrozenTrial;
    });
  };
  const suggest = (trials: FrozenTrial[], number: number, direction: 'minimize' | 'maximize' = 'minimize') => {
    const s = new GPSampler({ seed: 1 });
    const ctx = ctxOf(trials, number, direction);
    return s.sampleRelative(ctx, s.inferRelativeSearchSpace(ctx));
  };

  it('suggests valid integers and choices, ignores PRUNED and FAILED trials, and handles maximising by sign', () => {
    const trials = history();
    const p = suggest(trials, 12);
    expect(Number.isInteger(p.n)).toBe(true);
    expect(['a', 'b', 'c']).toContain(p.c);
    expect(Object.keys(p).sort()).toEqual(['c', 'n', 'x']);
    // Trials that are not COMPLETE are no observations (as Optuna's GPSampler).
    const extra: FrozenTrial[] = [
      { ...trials[0], number: 12, state: 'PRUNED', value: -100, params: { x: 9, n: 8, c: 'a' } },
      { ...trials[0], number: 13, state: 'FAIL', value: undefined, params: { x: -4, n: 1, c: 'c' } },
    ];
    expect(suggest([...trials, ...extra], 14)).toEqual(suggest(trials, 14));
    // Maximising −f is minimising f.
    const negated = trials.map((t) => ({ ...t, value: -(t.value as number) }));
    expect(suggest(negated, 12, 'maximize')).toEqual(p);
  });

  it('treats other workers’ RUNNING trials as observed at the posterior mean, so the next suggestion goes elsewhere', () => {
    const trials = history();
    const first = suggest(trials, 13);
    const running: FrozenTrial = { ...trials[0], number: 12, state: 'RUNNING', value: undefined, params: first };
    const second = suggest([...trials, running], 13);
    expect(second).not.toEqual(first);
  });

  it('works out the suggestion of an earlier trial that is running but has not drawn yet, and goes elsewhere', () => {
    const trials = history();
    const running = (number: number): FrozenTrial => ({ ...trials[0], number, state: 'RUNNING', value: undefined, params: {} });
    // Trial 12 ignores the later trial 13; trial 13 counts trial 12 as pending at 12's own suggestion.
    const twelve = suggest([...trials, running(12), running(13)], 12);
    expect(twelve).toEqual(suggest([...trials, running(12)], 12));
    const thirteen = suggest([...trials, running(12), running(13)], 13);
    expect(thirteen).not.toEqual(twelve);
    expect(thirteen).not.toEqual(suggest([...trials, running(13)], 13));
    // Had trial 12 already drawn, trial 13 would see the same pending point (up to the rounding of
    // the round trip through the parameter's value).
    const drawn = suggest([...trials, { ...running(12), params: twelve }, running(13)], 13);
    expect({ ...drawn, x: undefined }).toEqual({ ...thirteen, x: undefined });
    expect(drawn.x as number).toBeCloseTo(thirteen.x as number, 9);
  });

  it('does not suggest a point already tried, unless every point was', () => {
    const grid: Record<string, Distribution> = { n: { type: 'int', low: 1, high: 4 }, m: { type: 'int', low: 1, high: 3 } };
    const trial = (number: number, n: number, m: number): FrozenTrial =>
      ({ number, state: 'COMPLETE', params: { n, m }, distributions: grid, value: (n - 4) ** 2 + (m - 3) ** 2, intermediate: {}, userAttrs: {}, systemAttrs: {} }) as FrozenTrial;
    const points = [[1, 1], [2, 2], [3, 3], [4, 3], [4, 1], [1, 3], [2, 1], [3, 1], [1, 2], [4, 2], [3, 2]];
    const trials = points.map(([n, m], i) => trial(i, n, m));
    const s = new GPSampler({ seed: 0 });
    const ctx = ctxOf(trials, 11);
    // The only untried point is (2, 3), though the best, (4, 3), is at the range's end.
    expect(s.sampleRelative(ctx, s.inferRelativeSearchSpace(ctx))).toEqual({ n: 2, m: 3 });
    const all = [...trials, trial(11, 2, 3)];
    const full = ctxOf(all, 12);
    const p = s.sampleRelative(full, s.inferRelativeSearchSpace(full));
    expect(points.concat([[2, 3]]).some(([n, m]) => p.n === n && p.m === m)).toBe(true);
  });

  it('refuses bad options with the option path', () => {
    expect(() => createSampler({ name: 'gp', nStartupTrials: -1 })).toThrow(ConfigError);
    expect(() => createSampler({ name: 'gp', nStartupTrials: -1 })).toThrow(/study\.sampler\.nStartupTrials: nStartupTrials must be an integer >= 0, got -1/);
    expect(() => createSampler({ name: 'gp', nEiCandidates: 5 })).toThrow(/unknown option "nEiCandidates" for the gp sampler/);
    expect(createSampler({ name: 'gp', seed: 3, nStartupTrials: 5, deterministicObjective: true })).toBeInstanceOf(GPSampler);
  });
});
