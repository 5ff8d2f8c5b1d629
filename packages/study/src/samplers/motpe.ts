/**
 * Multi-objective TPE (MOTPE; Ozaki et al., GECCO 2020), as Optuna 3.1's TPESampler does it when a
 * study has several directions:
 *
 * - Only COMPLETE trials take part (pruned and running trials are left out), their values turned
 *   into losses to minimise.
 * - The "below" group takes whole non-domination ranks, best first, while they fit in gamma(n);
 *   the rank that does not fit is thinned by greedy hypervolume subset selection. "Above" is the
 *   rest. The below group keeps that order (rank by rank, then the greedy picks), which the
 *   Parzen estimator's kernels see.
 * - The below group's kernels are weighted by hypervolume contribution (relative to the largest),
 *   the above group's by the usual recency weights.
 *
 * Reference points are Optuna's: per objective max(1.1·worst, 0.9·worst), a zero replaced by EPS.
 */
import { hypervolume, paretoRanks } from '../multiobjective';

const EPS = 1e-12;

/** Optuna's reference point for a set of losses: just past the worst value of each objective. */
export function referencePoint(losses: ReadonlyArray<ReadonlyArray<number>>): number[] {
  const d = losses[0].length;
  const ref: number[] = [];
  for (let k = 0; k < d; k++) {
    let worst = -Infinity;
    for (const l of losses) worst = Math.max(worst, l[k]);
    const r = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(r === 0 ? EPS : r);
  }
  return ref;
}

/**
 * Greedy hypervolume subset selection: `size` of `points` (indices into it), each pick the point
 * adding the most hypervolume to those picked so far (the first of equal ones). Contributions are
 * updated lazily as in Optuna: a point's box shrinks by what the last pick already covers.
 */
export function greedyHypervolumeSubset(points: ReadonlyArray<ReadonlyArray<number>>, size: number, reference: ReadonlyArray<number>): number[] {
  const contributions = points.map((p) => hypervolume([p], reference));
  const picked: number[] = [];
  const pickedPoints: number[][] = [];
  let hvPicked = 0;
  while (picked.length < size && picked.length < points.length) {
    let best = -1;
    for (let j = 0; j < points.length; j++) if (contributions[j] !== -1 && (best < 0 || contributions[j] > contributions[best])) best = j;
    contributions[best] = -1;
    const chosen = points[best];
    for (let j = 0; j < points.length; j++) {
      if (contributions[j] === -1) continue;
      const overlap = chosen.map((c, k) => Math.max(c, points[j][k]));
      contributions[j] -= hypervolume([...pickedPoints, overlap], reference) - hvPicked;
    }
    picked.push(best);
    pickedPoints.push([...chosen]);
    hvPicked = hypervolume(pickedPoints, reference);
  }
  return picked;
}

/**
 * Splits observations (losses, one vector each, in chronological order) into the below group
 * (indices in Optuna's order: whole ranks, then the greedy subset of the next rank) and the above
 * group (the other indices, ascending).
 */
export function splitByDominance(losses: ReadonlyArray<ReadonlyArray<number>>, nBelow: number): { below: number[]; above: number[] } {
  const n = losses.length;
  const nb = Math.min(Math.max(nBelow, 0), n);
  const ranks = paretoRanks(losses);
  const below: number[] = [];
  let rank = 0;
  for (;;) {
    const members = ranks.flatMap((r, i) => (r === rank ? [i] : []));
    if (below.length >= nb || below.length + members.length > nb) break;
    below.push(...members);
    rank++;
  }
  const rest = nb - below.length;
  if (rest > 0) {
    const members = ranks.flatMap((r, i) => (r === rank ? [i] : []));
    const points = members.map((i) => losses[i]);
    below.push(...greedyHypervolumeSubset(points, rest, referencePoint(points)).map((j) => members[j]));
  }
  const inBelow = new Set(below);
  const above: number[] = [];
  for (let i = 0; i < n; i++) if (!inBelow.has(i)) above.push(i);
  return { below, above };
}

/**
 * Weights of the below group's observations (`losses` in the below group's order): each one's
 * exclusive hypervolume contribution to the group plus EPS, divided by the largest; 1 for a lone
 * observation.
 */
export function belowWeights(losses: ReadonlyArray<ReadonlyArray<number>>): number[] {
  const n = losses.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  const ref = referencePoint(losses);
  const total = hypervolume(losses, ref);
  const contributions = losses.map((_, i) => total - hypervolume(losses.filter((__, j) => j !== i), ref) + EPS);
  const max = Math.max(...contributions);
  return contributions.map((c) => Math.min(Math.max(c / max, 0), 1));
}
