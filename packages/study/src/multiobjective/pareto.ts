/**
 * Pareto dominance, non-dominated sorting and crowding distance, on vectors of objective values
 * with a direction each. Every function first turns the values into ones to minimise (a
 * maximised objective is negated), as Optuna does, so the rest of the code has one sense only.
 */
import type { Direction, FrozenTrial } from '../types';

/** The values to minimise: maximised objectives negated. */
export function toMinimize(values: readonly number[], directions: readonly Direction[]): number[] {
  return values.map((v, i) => (directions[i] === 'maximize' ? -v : v));
}

/**
 * Whether `a` dominates `b` (both already to minimise): no worse in every objective and not
 * equal in all of them (Optuna's `_dominates`: equal vectors do not dominate each other).
 */
export function dominatesMin(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

/** Whether `a` dominates `b` under `directions`. */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly Direction[]): boolean {
  return dominatesMin(toMinimize(a, directions), toMinimize(b, directions));
}

/**
 * Fast non-dominated sorting (Deb et al. 2002), O(M N²): the indices of `points` (to minimise)
 * in fronts, the first front the non-dominated points, each front's indices in increasing order.
 * `dominance` replaces Pareto dominance (e.g. constrained dominance).
 */
export function nonDominatedFronts(points: readonly (readonly number[])[], dominance: (i: number, j: number) => boolean = (i, j) => dominatesMin(points[i], points[j])): number[][] {
  const n = points.length;
  const dominatedBy = new Int32Array(n);
  const dominated: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominance(i, j)) {
        dominated[i].push(j);
        dominatedBy[j]++;
      } else if (dominance(j, i)) {
        dominated[j].push(i);
        dominatedBy[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) for (const j of dominated[i]) if (--dominatedBy[j] === 0) next.push(j);
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/** Each point's front (0: non-dominated), from `nonDominatedFronts`. */
export function paretoRanks(points: readonly (readonly number[])[]): number[] {
  const ranks = new Array<number>(points.length).fill(0);
  nonDominatedFronts(points).forEach((front, r) => front.forEach((i) => (ranks[i] = r)));
  return ranks;
}

/**
 * The crowding distance of each point of one front, as Optuna 3.1 computes it: per objective,
 * the gap between the two neighbours in sorted order divided by the range of the finite values
 * (the extremes have infinite neighbours, so an infinite distance); an objective where all
 * points are equal adds nothing; inf − inf counts as 0. Summed over the objectives.
 */
export function crowdingDistances(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  const out = new Array<number>(n).fill(0);
  if (n === 0) return out;
  for (let k = 0; k < points[0].length; k++) {
    // Stable sort by this objective (Python's sort is stable too).
    const order = [...Array(n).keys()].sort((a, b) => cmp(points[a][k], points[b][k]));
    if (points[order[0]][k] === points[order[n - 1]][k]) continue;
    const vs = [-Infinity, ...order.map((i) => points[i][k]), Infinity];
    const vMin = vs.find((x) => x !== -Infinity)!;
    let vMax = vs[vs.length - 1];
    for (let j = vs.length - 1; j >= 0 && vMax === Infinity; j--) vMax = vs[j];
    let width = vMax - vMin;
    if (!(width > 0)) width = 1;
    for (let j = 0; j < n; j++) {
      const gap = vs[j] === vs[j + 2] ? 0 : vs[j + 2] - vs[j];
      out[order[j]] += gap / width;
    }
  }
  return out;
}

/** A trial's objective values: its vector (multi-objective), `[value]` (single), or undefined when it has none. */
export function trialValues(t: FrozenTrial): number[] | undefined {
  if (t.values && t.values.length > 0) return t.values;
  return typeof t.value === 'number' ? [t.value] : undefined;
}

/**
 * The Pareto-optimal trials (Optuna's `best_trials`): the COMPLETE trials with a value per
 * direction that no other such trial dominates, by number. Trials with equal values are all kept.
 */
export function paretoFront<T extends FrozenTrial>(trials: readonly T[], directions: readonly Direction[]): T[] {
  const complete = trials.filter((t) => t.state === 'COMPLETE' && trialValues(t)?.length === directions.length && !trialValues(t)!.some(Number.isNaN));
  const points = complete.map((t) => toMinimize(trialValues(t)!, directions));
  if (points.length === 0) return [];
  if (directions.length === 2) return front2d(complete, points);
  return complete.filter((_, i) => !points.some((p, j) => j !== i && dominatesMin(p, points[i])));
}

/** Two objectives: sort by (first, second) and sweep, O(N log N). */
function front2d<T extends FrozenTrial>(trials: readonly T[], points: number[][]): T[] {
  const order = [...points.keys()].sort((a, b) => cmp(points[a][0], points[b][0]) || cmp(points[a][1], points[b][1]) || a - b);
  const keep: number[] = [order[0]];
  let last = points[order[0]];
  for (const i of order.slice(1)) {
    if (dominatesMin(last, points[i])) continue;
    keep.push(i);
    last = points[i];
  }
  return keep.sort((a, b) => trials[a].number - trials[b].number).map((i) => trials[i]);
}

/** A comparator of numbers that ±Infinity cannot turn into NaN. */
function cmp(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
