/**
 * The NSGA-II sampler against Optuna 3.1's NSGAIISampler: with the 'numpy' stream a sequential
 * study suggests the very trials Optuna's does (traces recorded by Optuna in
 * fixtures/optuna-3.1-nsga2-traces.json: ZDT1 with 4 variables, and a mixed problem with a
 * categorical and an integer and one maximised objective); the elite is the non-dominated trials
 * first; generations, mutation and crossover statistics; constraints; determinism of the keyed
 * stream; random and grid samplers on multi-objective studies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createSampler, createStudy, crowdingDistances, GridSampler, NSGAIISampler, paretoRanks, RandomSampler, type Direction, type FrozenTrial, type Trial } from '../src';
import { GENERATION_KEY, parentPopulation, selectElite, trialDominance } from '../src/samplers/nsga2';

interface Trace {
  seed: number;
  populationSize: number;
  trials: number;
  mixed: boolean;
  params: Array<Record<string, number | string>>;
  generations: number[];
  values: number[][];
}
const TRACES: Trace[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/optuna-3.1-nsga2-traces.json'), 'utf8'));

const g = (x: number[]) => 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (x.length - 1);
const zdt1 = (x: number[]) => [x[0], g(x) * (1 - Math.sqrt(x[0] / g(x)))];
const ACT: Record<string, number> = { relu: 0, tanh: 0.2, elu: 0.1 };

function objective(mixed: boolean) {
  return async (t: Trial) => {
    const x: number[] = [];
    for (let i = 0; i < 4; i++) x.push(await t.suggestFloat(`x${i}`, 0, 1));
    const v = zdt1(x);
    if (!mixed) return v;
    const act = await t.suggestCategorical('act', ['relu', 'tanh', 'elu']);
    const k = await t.suggestInt('k', 1, 9);
    return [v[0] + ACT[act] + 0.05 * k, -v[1] + 0.1 * k];
  };
}

describe('NSGA-II against Optuna 3.1 (numpy stream, sequential study)', () => {
  for (const trace of TRACES) {
    test(`${trace.mixed ? 'mixed parameters, (minimize, maximize)' : 'ZDT1'}, seed ${trace.seed}, population ${trace.populationSize}: the same ${trace.trials} trials`, async () => {
      const directions: Direction[] = trace.mixed ? ['minimize', 'maximize'] : ['minimize', 'minimize'];
      const study = createStudy({ directions, sampler: new NSGAIISampler({ seed: trace.seed, populationSize: trace.populationSize }) });
      await study.optimize(objective(trace.mixed), { nTrials: trace.trials });
      expect(study.trials.map((t) => t.systemAttrs[GENERATION_KEY])).toEqual(trace.generations);
      study.trials.forEach((t, i) => {
        for (const [name, v] of Object.entries(trace.params[i])) {
          if (typeof v === 'number') expect([i, name, t.params[name]]).toEqual([i, name, expect.closeTo(v, 14)]);
          else expect([i, name, t.params[name]]).toEqual([i, name, v]);
        }
        expect(t.values!.map((x, k) => Math.abs(x - trace.values[i][k]) < 1e-12)).toEqual([true, true]);
      });
    });
  }
});

describe('NSGA-II behaviour', () => {
  test('the elite takes whole non-domination ranks first and cuts the last one by crowding distance', () => {
    const rng = createSampler({ name: 'random', seed: 1 }) as RandomSampler;
    const pts = Array.from({ length: 40 }, (_, i) => [rng.streamFor(i, 'a').uniform(), rng.streamFor(i, 'b').uniform()]);
    const trials: FrozenTrial[] = pts.map((v, number) => ({ number, state: 'COMPLETE', params: {}, distributions: {}, intermediate: {}, userAttrs: {}, systemAttrs: {}, value: v[0], values: v }));
    const ranks = paretoRanks(pts);
    const elite = selectElite(trials, 15, trialDominance(['minimize', 'minimize']));
    expect(elite).toHaveLength(15);
    const eliteRanks = elite.map((t) => ranks[t.number]);
    const cut = Math.max(...eliteRanks);
    // Every trial of a better rank than the cut is in; none of a worse one.
    for (const t of trials) {
      if (ranks[t.number] < cut) expect(elite).toContain(t);
      if (ranks[t.number] > cut) expect(elite).not.toContain(t);
    }
    // Within the cut rank, every kept trial is at least as isolated (crowding distance) as every dropped one.
    const lastRank = trials.filter((t) => ranks[t.number] === cut);
    const distance = crowdingDistances(lastRank.map((t) => t.values!));
    const kept = lastRank.map((t, i) => [elite.includes(t), distance[i]] as const);
    const minKept = Math.min(...kept.filter(([k]) => k).map(([, d]) => d));
    const maxDropped = Math.max(...kept.filter(([k]) => !k).map(([, d]) => d));
    expect(minKept).toBeGreaterThanOrEqual(maxDropped);
  });

  test('generations of populationSize COMPLETE trials; failed trials do not count; the elite of each generation is its best ranks', async () => {
    const study = createStudy({ directions: ['minimize', 'minimize'], sampler: new NSGAIISampler({ seed: 5, populationSize: 10 }) });
    let n = 0;
    await study.optimize(
      async (t) => {
        const x = [await t.suggestFloat('x0', 0, 1), await t.suggestFloat('x1', 0, 1), await t.suggestFloat('x2', 0, 1)];
        if (++n % 7 === 0) throw new Error('a failing trial');
        return zdt1(x);
      },
      { nTrials: 40, maxFailures: 100 },
    );
    const complete = study.trials.filter((t) => t.state === 'COMPLETE');
    const perGeneration = [0, 1, 2, 3].map((gen) => complete.filter((t) => t.systemAttrs[GENERATION_KEY] === gen).length);
    expect(perGeneration).toEqual([10, 10, 10, 10]);
    const { generation, population } = parentPopulation(study.trials, 10, trialDominance(['minimize', 'minimize']));
    expect(generation).toBe(3);
    // The final parents include every trial of the Pareto front of all COMPLETE trials, when it fits.
    const front = study.bestTrials;
    if (front.length <= 10) for (const t of front) expect(population.map((p) => p.number)).toContain(t.number);
  });

  test('children: most parameters come from the parents; about 1/(number of parameters) are mutated', async () => {
    const study = createStudy({ directions: ['minimize', 'minimize'], sampler: new NSGAIISampler({ seed: 2, populationSize: 20, stream: 'keyed' }) });
    await study.optimize(objective(false), { nTrials: 220 });
    const { population } = parentPopulation(study.trials.slice(0, 20), 20, trialDominance(['minimize', 'minimize']));
    const parents = new Set(population.flatMap((t) => Object.entries(t.params).map(([k, v]) => `${k}=${v}`)));
    const gen1 = study.trials.filter((t) => t.systemAttrs[GENERATION_KEY] === 1);
    let inherited = 0;
    let total = 0;
    for (const t of gen1) for (const [k, v] of Object.entries(t.params)) (total++, parents.has(`${k}=${v}`) && inherited++);
    // Mutation probability 1/4: about 75% inherited (20 children × 4 parameters).
    expect(inherited / total).toBeGreaterThan(0.6);
    expect(inherited / total).toBeLessThan(0.9);
  });

  test('constraints: feasible trials dominate infeasible ones; the front of the last parents is feasible when some are', async () => {
    const study = createStudy({
      directions: ['minimize', 'minimize'],
      sampler: new NSGAIISampler({ seed: 1, populationSize: 10, constraints: (t) => [0.3 - (t.params.x0 as number)] }),
    });
    await study.optimize(objective(false), { nTrials: 60 });
    const dom = trialDominance(['minimize', 'minimize'], (t) => [0.3 - (t.params.x0 as number)]);
    const { population } = parentPopulation(study.trials, 10, dom);
    const feasible = population.filter((t) => (t.params.x0 as number) >= 0.3);
    expect(feasible.length).toBeGreaterThanOrEqual(Math.min(10, study.trials.filter((t) => (t.params.x0 as number) >= 0.3).length));
    const a = { ...study.trials[0], params: { x0: 0.5 }, values: [9, 9] };
    const b = { ...study.trials[0], params: { x0: 0.1 }, values: [0, 0] };
    expect(dom(a, b)).toBe(true);
    expect(dom(b, a)).toBe(false);
  });

  test('the keyed stream is deterministic and independent of the order trials run in', async () => {
    const run = async () => {
      const study = createStudy({ directions: ['minimize', 'minimize'], sampler: createSampler({ name: 'nsga2', seed: 9, populationSize: 8, stream: 'keyed' }) });
      await study.optimize(objective(false), { nTrials: 30 });
      return study.trials.map((t) => t.params);
    };
    expect(await run()).toEqual(await run());
  });

  test('options are checked', () => {
    expect(() => createSampler({ name: 'nsga2', populationSize: 1 })).toThrow(/study\.sampler\.populationSize/);
    expect(() => createSampler({ name: 'nsga2', crossoverProb: 2 })).toThrow(/study\.sampler\.crossoverProb/);
    expect(() => createSampler({ name: 'nsga2', crossover: 'sbx' })).toThrow(/crossover/);
    expect(createSampler({ name: 'nsga2', seed: 0 }).name).toBe('nsga2');
  });
});

describe('random and grid samplers on multi-objective studies', () => {
  test('random: a seeded study gives the same vectors twice', async () => {
    const run = async () => {
      const s = createStudy({ directions: ['minimize', 'minimize'], sampler: new RandomSampler(4) });
      await s.optimize(objective(false), { nTrials: 12 });
      return s.trials.map((t) => t.values);
    };
    const a = await run();
    expect(a).toHaveLength(12);
    expect(await run()).toEqual(a);
  });

  test('grid: every point once, the front among them', async () => {
    const s = createStudy({ directions: ['minimize', 'minimize'], sampler: new GridSampler({ x: [0, 0.25, 0.5, 0.75, 1], y: [0, 1] }) });
    await s.optimize(async (t) => {
      const x = (await t.suggestCategorical('x', [0, 0.25, 0.5, 0.75, 1])) as number;
      const y = (await t.suggestCategorical('y', [0, 1])) as number;
      return [x + y, 1 - x + y];
    }, { nTrials: 100 });
    expect(s.trials).toHaveLength(10);
    expect(s.bestTrials.map((t) => t.params.y)).toEqual([0, 0, 0, 0, 0]);
    // The staircase (0, 1), (0.25, 0.75), (0.5, 0.5), (0.75, 0.25), (1, 0) against (2, 2).
    expect(s.hypervolume([2, 2])).toBeCloseTo(0.25 * 1 + 0.25 * 1.25 + 0.25 * 1.5 + 0.25 * 1.75 + 1 * 2, 12);
  });
});
