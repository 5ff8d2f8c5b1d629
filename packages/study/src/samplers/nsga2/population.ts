/**
 * NSGA-II's generations, as Optuna 3.1 keeps them: every trial records the generation it was
 * created in (a system attribute); generation g + 1 starts once generation g holds
 * `populationSize` COMPLETE trials, and its parents are the elite of generation g's trials
 * together with the parents of generation g: the best non-domination ranks, the last rank that
 * does not fit whole cut by crowding distance.
 */
import type { Direction, FrozenTrial } from '../../types';
import { dominatesMin, toMinimize, trialValues } from '../../multiobjective/pareto';

/** The system attribute holding a trial's generation (Optuna's key). */
export const GENERATION_KEY = 'nsga2:generation';

/** Returns the constraint values of a COMPLETE trial; a value > 0 is a violation. */
export type ConstraintsFunc = (trial: FrozenTrial) => number[];

/** Whether trial a dominates trial b: Pareto dominance, or Optuna's constrained dominance with constraints. */
export type TrialDominance = (a: FrozenTrial, b: FrozenTrial) => boolean;

export function trialDominance(directions: readonly Direction[], constraints?: ConstraintsFunc): TrialDominance {
  const cache = new Map<FrozenTrial, number[]>();
  const min = (t: FrozenTrial) => {
    let v = cache.get(t);
    if (!v) cache.set(t, (v = toMinimize(trialValues(t) ?? directions.map(() => Infinity), directions)));
    return v;
  };
  const pareto = (a: FrozenTrial, b: FrozenTrial) => {
    if (a.state !== 'COMPLETE') return false;
    if (b.state !== 'COMPLETE') return true;
    return dominatesMin(min(a), min(b));
  };
  if (!constraints) return pareto;
  const violations = new Map<FrozenTrial, number[] | undefined>();
  const of = (t: FrozenTrial) => {
    if (!violations.has(t)) violations.set(t, t.state === 'COMPLETE' ? checkedConstraints(constraints(t), t) : undefined);
    return violations.get(t);
  };
  // Constrained dominance (Deb 2002, as Optuna 3.1): feasible beats infeasible; between infeasible
  // trials the smaller total violation wins; between feasible ones, Pareto dominance. A trial
  // without constraint values is beaten by every trial that has some.
  return (a, b) => {
    const ca = of(a);
    const cb = of(b);
    if (!ca && !cb) return pareto(a, b);
    if (!cb) return true;
    if (!ca) return false;
    if (ca.length !== cb.length) throw new Error(`NSGA-II: trials ${a.number} and ${b.number} have different numbers of constraints (${ca.length} and ${cb.length})`);
    const feasibleA = ca.every((v) => v <= 0);
    const feasibleB = cb.every((v) => v <= 0);
    if (feasibleA && feasibleB) return pareto(a, b);
    if (feasibleA) return true;
    if (feasibleB) return false;
    const violation = (c: number[]) => c.reduce((s, v) => s + (v > 0 ? v : 0), 0);
    return violation(ca) < violation(cb);
  };
}

function checkedConstraints(c: unknown, t: FrozenTrial): number[] {
  if (!Array.isArray(c) || c.some((v) => typeof v !== 'number' || Number.isNaN(v))) {
    throw new Error(`NSGA-II: the constraints function returned ${JSON.stringify(c)} for trial ${t.number}, not a list of numbers (NaN is not accepted)`);
  }
  return c;
}

/**
 * The elite of `population`: `size` trials, whole fronts first, the last front cut by crowding
 * distance. The order of the result is Optuna 3.1's (it matters: parents are picked by index):
 * its front extraction moves the last trial into a taken one's place, and its crowding sort
 * re-sorts the front by each objective, then by distance (stably), then reverses it.
 */
export function selectElite(population: readonly FrozenTrial[], size: number, dominance: TrialDominance): FrozenTrial[] {
  const elite: FrozenTrial[] = [];
  for (const front of optunaFronts(population, dominance)) {
    if (elite.length + front.length < size) {
      elite.push(...front);
      continue;
    }
    crowdingSort(front);
    elite.push(...front.slice(0, size - elite.length));
    break;
  }
  return elite;
}

/** Non-dominated fronts in the order Optuna 3.1's `_fast_non_dominated_sort` lists them. */
function optunaFronts(population: readonly FrozenTrial[], dominance: TrialDominance): FrozenTrial[][] {
  const n = population.length;
  const count = new Int32Array(n);
  const beats: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominance(population[i], population[j])) {
        beats[i].push(j);
        count[j]++;
      } else if (dominance(population[j], population[i])) {
        beats[j].push(i);
        count[i]++;
      }
    }
  }
  const left = [...Array(n).keys()];
  const fronts: FrozenTrial[][] = [];
  while (left.length > 0) {
    const front: number[] = [];
    for (let i = 0; i < left.length; ) {
      if (count[left[i]] === 0) {
        front.push(left[i]);
        const last = left.pop()!;
        if (i < left.length) left[i] = last;
      } else {
        i++;
      }
    }
    if (front.length === 0) throw new Error('NSGA-II: the dominance relation has a cycle (inconsistent constraints?)');
    for (const i of front) for (const j of beats[i]) count[j]--;
    fronts.push(front.map((i) => population[i]));
  }
  return fronts;
}

/** Sorts a front as Optuna 3.1's `_crowding_distance_sort` does: most isolated first. */
function crowdingSort(front: FrozenTrial[]): void {
  if (front.length === 0) return;
  const distance = new Map<FrozenTrial, number>(front.map((t) => [t, 0]));
  const m = trialValues(front[0])!.length;
  for (let k = 0; k < m; k++) {
    front.sort((a, b) => cmp(trialValues(a)![k], trialValues(b)![k]));
    const lo = trialValues(front[0])![k];
    const hi = trialValues(front[front.length - 1])![k];
    if (lo === hi) continue;
    const vs = [-Infinity, ...front.map((t) => trialValues(t)![k]), Infinity];
    const vMin = vs.find((x) => x !== -Infinity)!;
    let vMax = Infinity;
    for (let j = vs.length - 1; j >= 0 && vMax === Infinity; j--) vMax = vs[j];
    let width = vMax - vMin;
    if (!(width > 0)) width = 1;
    front.forEach((t, j) => distance.set(t, distance.get(t)! + (vs[j] === vs[j + 2] ? 0 : vs[j + 2] - vs[j]) / width));
  }
  front.sort((a, b) => cmp(distance.get(a)!, distance.get(b)!));
  front.reverse();
}

function cmp(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The parents of the next generation: its number (-1 before the first population is complete) and its elite. */
export function parentPopulation(trials: readonly FrozenTrial[], size: number, dominance: TrialDominance): { generation: number; population: FrozenTrial[] } {
  const byGeneration = new Map<number, FrozenTrial[]>();
  for (const t of trials) {
    const g = t.systemAttrs[GENERATION_KEY];
    if (typeof g !== 'number' || !Number.isInteger(g) || t.state !== 'COMPLETE') continue;
    if (!byGeneration.has(g)) byGeneration.set(g, []);
    byGeneration.get(g)!.push(t);
  }
  let generation = -1;
  let population: FrozenTrial[] = [];
  for (;;) {
    const next = byGeneration.get(generation + 1) ?? [];
    if (next.length < size) break;
    population = selectElite([...next, ...population], size, dominance);
    generation++;
  }
  return { generation, population };
}
