/**
 * NSGA-II (Deb et al. 2002) for multi-objective studies, with Optuna 3.1's NSGAIISampler's
 * defaults and behaviour: a population of 50; each new trial of generation g + 1 takes, with
 * probability 0.9, a uniform crossover (each parameter from either parent with probability 0.5)
 * of two parents picked by binary tournament from generation g's elite, else a copy of one
 * random elite trial; then each parameter mutates with probability 1/(number of parameters),
 * i.e. is drawn at random instead. The first generation is drawn at random. Optional constraints
 * use constrained dominance.
 *
 * Deterministic for a seed, with two sources of random numbers (`stream`): 'numpy' (the default)
 * draws from two sequences as Optuna's sampler does (numpy RandomState(seed) for the genetic
 * operators and another for the random draws), so a sequential study suggests the same trials as
 * Optuna 3.1's NSGAIISampler with that seed; 'keyed' gives each trial its own stream (seed, trial
 * number), so trial n is the same whatever the number of workers. The generations are derived
 * from the trials' system attributes, so workers sharing a storage need no state beyond it.
 */
import type { Distribution, FrozenTrial, ParamValue } from '../../types';
import type { BeforeTrialContext, Sampler, SamplerContext, SearchSpace, TrialClaim } from '../sampler';
import { isSingle, sameDistribution } from '../distributions';
import { RandomSampler } from '../random';
import { KeyedStream, randomSeed, type RandomStream } from '../rng';
import { NumpyRandomState, sampleUniformNumpy } from '../numpyStream';
import { type ConstraintsFunc, GENERATION_KEY, parentPopulation, trialDominance, type TrialDominance } from './population';

/** The draws the genetic operators make. */
type Draws = Pick<RandomStream, 'uniform' | 'int'>;

export interface NSGAIISamplerOptions {
  /** Trials per generation. Default 50. */
  populationSize?: number;
  /** Probability that a parameter of a child is drawn at random instead. Default 1/(number of parameters). */
  mutationProb?: number | null;
  /** Probability that a child is a crossover of two parents (else a copy of one). Default 0.9. */
  crossoverProb?: number;
  /** Uniform crossover: probability that a parameter keeps the first parent's value (else the second's). Default 0.5. */
  swappingProb?: number;
  seed?: number;
  /** Constraint values of a COMPLETE trial (> 0 violates); with it, constrained dominance ranks the trials. */
  constraints?: ConstraintsFunc;
  /** Where random numbers come from: 'numpy' (Optuna's sequences; default) or 'keyed' (per trial, for workers). */
  stream?: 'numpy' | 'keyed';
}

export class NSGAIISampler implements Sampler {
  readonly name = 'nsga2';
  readonly populationSize: number;
  readonly mutationProb: number | null;
  readonly crossoverProb: number;
  readonly swappingProb: number;
  readonly seed: number;
  readonly stream: 'numpy' | 'keyed';
  private readonly constraints?: ConstraintsFunc;
  private readonly random: RandomSampler;
  /** 'numpy': the genetic operators' sequence and the random draws' sequence (both seeded with `seed`, as in Optuna). */
  private readonly rs?: NumpyRandomState;
  private readonly randomRs?: NumpyRandomState;

  constructor(o: NSGAIISamplerOptions = {}) {
    const size = o.populationSize ?? 50;
    if (!Number.isInteger(size) || size < 2) throw new RangeError(`NSGAIISampler: populationSize must be an integer >= 2, found ${size}`);
    const prob = (name: string, v: number | null | undefined, dflt: number | null) => {
      if (v === undefined || v === null) return dflt;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`NSGAIISampler: ${name} must be a number from 0 to 1, found ${v}`);
      return v;
    };
    this.populationSize = size;
    this.mutationProb = prob('mutationProb', o.mutationProb, null);
    this.crossoverProb = prob('crossoverProb', o.crossoverProb, 0.9)!;
    this.swappingProb = prob('swappingProb', o.swappingProb, 0.5)!;
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) throw new TypeError(`NSGAIISampler: seed must be a finite number, found ${String(o.seed)}`);
    this.seed = o.seed ?? randomSeed();
    if (o.constraints !== undefined && typeof o.constraints !== 'function') throw new TypeError('NSGAIISampler: constraints must be a function of a trial returning its constraint values');
    this.constraints = o.constraints;
    this.random = new RandomSampler(this.seed);
    if (o.stream !== undefined && o.stream !== 'numpy' && o.stream !== 'keyed') throw new TypeError(`NSGAIISampler: stream must be 'numpy' or 'keyed', found ${String(o.stream)}`);
    this.stream = o.stream ?? 'numpy';
    if (this.stream === 'numpy') {
      if (!Number.isInteger(this.seed) || this.seed < 0 || this.seed > 0xffffffff) {
        throw new RangeError(`NSGAIISampler: with stream 'numpy' the seed must be an integer from 0 to 2^32 - 1, found ${this.seed}`);
      }
      this.rs = new NumpyRandomState(this.seed);
      this.randomRs = new NumpyRandomState(this.seed);
    }
  }

  /** Creates the trial in the generation after the last complete one. */
  async beforeTrial(ctx: BeforeTrialContext): Promise<TrialClaim> {
    const { generation } = parentPopulation(ctx.trials, this.populationSize, this.dominance(ctx));
    return ctx.createTrial({ systemAttrs: { [GENERATION_KEY]: generation + 1 } });
  }

  /**
   * The parameters every COMPLETE trial has with one same distribution (single-valued ones
   * aside), in the order the latest COMPLETE trial suggested them (as Optuna's intersection search
   * space: the order decides which draw goes to which parameter).
   */
  inferRelativeSearchSpace(ctx: SamplerContext): SearchSpace {
    let space: SearchSpace | undefined;
    for (let i = ctx.trials.length - 1; i >= 0; i--) {
      const t = ctx.trials[i];
      if (t.state !== 'COMPLETE') continue;
      if (!space) {
        space = { ...t.distributions };
        continue;
      }
      for (const name of Object.keys(space)) {
        const d = t.distributions[name];
        if (!d || !sameDistribution(d, space[name])) delete space[name];
      }
    }
    const out: SearchSpace = {};
    for (const name of Object.keys(space ?? {})) if (!isSingle(space![name])) out[name] = space![name];
    return out;
  }

  /** A child of the parent generation, crossed and mutated; nothing (so random draws) in the first generation. */
  sampleRelative(ctx: SamplerContext, space: SearchSpace): Record<string, ParamValue> {
    const names = Object.keys(space);
    const dominance = this.dominance(ctx);
    const { generation, population } = parentPopulation(ctx.trials, this.populationSize, dominance);
    if (generation < 0) return {};
    const rng: Draws = this.rs ? numpyChoices(this.rs) : KeyedStream.fromKey('nsga2', this.seed, ctx.trialNumber);
    let child: Record<string, ParamValue>;
    if (rng.uniform() < this.crossoverProb) {
      child = this.crossover(population, space, rng, dominance);
    } else {
      const parent = population[rng.int(population.length)];
      child = Object.fromEntries(names.map((n) => [n, parent.params[n]]));
    }
    const mutation = this.mutationProb ?? 1 / Math.max(1, Object.keys(child).length);
    const out: Record<string, ParamValue> = {};
    for (const name of Object.keys(child)) if (rng.uniform() >= mutation) out[name] = child[name];
    return out;
  }

  /** Parameters outside the relative draw (mutated, new, or the first generation): uniform random. */
  sampleIndependent(ctx: SamplerContext, name: string, dist: Distribution): ParamValue {
    if (this.randomRs) return sampleUniformNumpy(dist, this.randomRs);
    return this.random.sampleIndependent(ctx, name, dist);
  }

  /**
   * Uniform crossover of two parents picked by binary tournament (the second among the others):
   * categorical parameters first, then numerical ones, each from the second parent with
   * probability 1 − `swappingProb` (Optuna's masks; 0.5 either way by default), in the order Optuna draws them.
   */
  private crossover(population: FrozenTrial[], space: SearchSpace, rng: Draws, dominance: TrialDominance): Record<string, ParamValue> {
    const first = tournament(population, rng, dominance);
    const second = tournament(
      population.filter((t) => t !== first),
      rng,
      dominance,
    );
    const names = Object.keys(space);
    const categorical = names.filter((n) => space[n].type === 'categorical');
    const numerical = names.filter((n) => space[n].type !== 'categorical');
    const child: Record<string, ParamValue> = {};
    for (const group of [categorical, numerical]) {
      const from = group.map(() => (rng.uniform() >= this.swappingProb ? second : first));
      group.forEach((n, i) => (child[n] = from[i].params[n]));
    }
    return child;
  }

  private dominance(ctx: { directions: SamplerContext['directions'] }): TrialDominance {
    return trialDominance(ctx.directions, this.constraints);
  }
}

/** Binary tournament: two picks (with replacement); the first wins only if it dominates the second. */
function tournament(population: readonly FrozenTrial[], rng: Draws, dominance: TrialDominance): FrozenTrial {
  const a = population[rng.int(population.length)];
  const b = population[rng.int(population.length)];
  return dominance(a, b) ? a : b;
}

/**
 * A numpy RandomState whose `int(n)` is `choice(n)` as numpy draws it (`randint(0, n)`: 32-bit
 * words masked to the bit width of n − 1, redrawn until one is below n), so that parents are
 * picked as in Optuna.
 */
function numpyChoices(rs: NumpyRandomState): Draws {
  return {
    uniform: () => rs.uniform(),
    int: (n: number) => {
      const max = n - 1;
      if (max <= 0) return 0;
      let mask = max;
      mask |= mask >>> 1;
      mask |= mask >>> 2;
      mask |= mask >>> 4;
      mask |= mask >>> 8;
      mask |= mask >>> 16;
      for (;;) {
        const v = (rs.nextUint32() & mask) >>> 0;
        if (v <= max) return v;
      }
    },
  };
}
