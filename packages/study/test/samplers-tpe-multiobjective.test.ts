import type { Direction, Distribution, FrozenTrial, ParamValue } from '../src/types';
import { contains, RandomSampler, TPESampler, type SamplerContext } from '../src/samplers';
import { belowWeights, greedyHypervolumeSubset, referencePoint, splitByDominance } from '../src/samplers/motpe';
import { hypervolume, paretoFront } from '../src/multiobjective';

// Recorded from Optuna 3.1 by `bench/tpe/optuna_trace.py --multiobjective` (Debian's python3-optuna).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const fixture = require('./fixtures/optuna-3.1-motpe-traces.json') as {
  splits: Array<{ losses: number[][]; nBelow: number; below: number[]; above: number[]; weights: number[] }>;
  traces: Array<{ problem: string; seed: number; space: Record<string, Distribution>; trials: Array<{ params: Record<string, ParamValue>; values: number[] }> }>;
};

const MIN2: Direction[] = ['minimize', 'minimize'];
const ctxOf = (trials: FrozenTrial[], k: number, directions = MIN2): SamplerContext => ({ direction: directions[0], directions, trials, trialNumber: k });
const running = (k: number): FrozenTrial => ({ number: k, state: 'RUNNING', params: {}, distributions: {}, intermediate: {}, userAttrs: {}, systemAttrs: {} });

/** A sequential two-objective study driven as a trial does: one sampleIndependent per parameter. */
function optimize(sampler: TPESampler | RandomSampler, space: Record<string, Distribution>, f: (p: Record<string, ParamValue>) => number[], n: number, directions = MIN2): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let k = 0; k < n; k++) {
    const t = running(k);
    trials.push(t);
    for (const [name, d] of Object.entries(space)) {
      t.params[name] = sampler.sampleIndependent(ctxOf(trials, k, directions), name, d);
      t.distributions[name] = d;
    }
    t.values = f(t.params);
    t.value = t.values[0];
    t.state = 'COMPLETE';
  }
  return trials;
}

const zdt1 = (p: Record<string, ParamValue>): number[] => {
  const x = Object.keys(p)
    .sort()
    .map((k) => p[k] as number);
  const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (x.length - 1);
  return [x[0], g * (1 - Math.sqrt(x[0] / g))];
};
const unitSpace = (n: number): Record<string, Distribution> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, { type: 'float', low: 0, high: 1 } as Distribution]));

describe('multi-objective TPE (Optuna 3.1 TPESampler with several directions)', () => {
  it("splits below/above and weighs below as Optuna's _split_observation_pairs and _calculate_weights_below_for_multi_objective", () => {
    for (const c of fixture.splits) {
      const { below, above } = splitByDominance(c.losses, c.nBelow);
      expect(below).toEqual(c.below); // Optuna's order: whole ranks by index, then the greedy picks
      expect(above).toEqual(c.above);
      const w = belowWeights(below.map((i) => c.losses[i]));
      expect(w.length).toBe(c.weights.length);
      w.forEach((v, i) => expect(v).toBeCloseTo(c.weights[i], 12));
    }
  });

  it('greedy hypervolume subset selection picks the points adding most, with a reference past the worst point', () => {
    expect(referencePoint([[1, 0], [2, -3]])).toEqual([2.2, 1e-12]); // max(1.1 w, 0.9 w); a zero becomes EPS
    expect(referencePoint([[-1, -5]])).toEqual([-0.9, -4.5]);
    // On the front x + y = 1 with reference (1, 1): the middle point first (box 0.25), then the two
    // that add most next to it.
    const front = [[0, 1], [0.25, 0.75], [0.5, 0.5], [0.75, 0.25], [1, 0]];
    const picked = greedyHypervolumeSubset(front, 3, [1, 1]);
    expect(picked).toEqual([2, 1, 3]);
    expect(hypervolume(picked.map((i) => front[i]), [1, 1])).toBeCloseTo(0.25 + 2 * 0.0625, 12);
  });

  for (const tr of fixture.traces) {
    it(`suggests Optuna's trials on ${tr.problem} with seed ${tr.seed} (${tr.trials.length} trials)`, () => {
      const sampler = new TPESampler({ seed: tr.seed });
      const trials: FrozenTrial[] = [];
      tr.trials.forEach((expected, k) => {
        const t = running(k);
        trials.push(t);
        for (const [name, dist] of Object.entries(tr.space)) {
          t.params[name] = sampler.sampleIndependent(ctxOf(trials, k), name, dist);
          t.distributions[name] = dist;
          const want = expected.params[name];
          if (dist.type === 'float' && dist.step === undefined) {
            expect(Math.abs((t.params[name] as number) - (want as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want as number)));
          } else {
            expect([k, name, t.params[name]]).toEqual([k, name, want]);
          }
        }
        t.values = expected.values;
        t.value = expected.values[0];
        t.state = 'COMPLETE';
      });
    });
  }

  it('approaches the ZDT1 front better than random search, and keeps values in bounds', () => {
    const space = unitSpace(3);
    const hv = (trials: FrozenTrial[]) => hypervolume(paretoFront(trials, MIN2).map((t) => t.values!), [1.1, 6]);
    const tpe = [0, 1, 2].map((seed) => optimize(new TPESampler({ seed }), space, zdt1, 80));
    const rnd = [0, 1, 2].map((seed) => optimize(new RandomSampler(seed), space, zdt1, 80));
    for (const trials of tpe) for (const t of trials) for (const [n, d] of Object.entries(space)) expect(contains(d, t.params[n])).toBe(true);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    expect(med(tpe.map(hv))).toBeGreaterThan(med(rnd.map(hv)));
    expect(med(tpe.map(hv))).toBeGreaterThan(5.5); // the true front's hypervolume is 6.6 - 2/3 ≈ 5.93
  });

  it('maximised objectives count as their negatives; pruned, failed and running trials take no part', () => {
    const space = unitSpace(3);
    const negZdt = (p: Record<string, ParamValue>) => zdt1(p).map((v) => -v);
    const a = optimize(new TPESampler({ seed: 4 }), space, zdt1, 30).map((t) => t.params);
    const b = optimize(new TPESampler({ seed: 4 }), space, negZdt, 30, ['maximize', 'maximize']).map((t) => t.params);
    expect(b).toEqual(a);
    // Adding trials that are not COMPLETE (or lack a value per direction) changes nothing.
    const base = optimize(new TPESampler({ seed: 9, stream: 'keyed' }), space, zdt1, 20);
    const noisy = [
      ...base,
      { ...running(20), state: 'PRUNED', params: { x0: 0, x1: 0, x2: 0 }, distributions: base[0].distributions, intermediate: { 1: -100 } } as FrozenTrial,
      { ...running(21), state: 'FAIL', params: { x0: 0, x1: 0, x2: 0 }, distributions: base[0].distributions } as FrozenTrial,
      { ...running(22), params: { x0: 0, x1: 0, x2: 0 }, distributions: base[0].distributions },
      { ...running(23), state: 'COMPLETE', params: { x0: 0, x1: 0, x2: 0 }, distributions: base[0].distributions, values: [0], value: 0 } as FrozenTrial,
    ];
    const draw = (trials: FrozenTrial[]) => new TPESampler({ seed: 9, stream: 'keyed' }).sampleIndependent(ctxOf(trials, 30), 'x0', space.x0);
    expect(draw(noisy)).toBe(draw(base));
  });
});
