/**
 * Pareto utilities against hand values and brute force: dominance, non-dominated sorting,
 * crowding distance (Optuna 3.1's definition), the Pareto front of trials and the hypervolume
 * (against inclusion–exclusion over every subset of points, exact for small sets).
 */
import { crowdingDistances, dominates, hypervolume, nonDominatedFronts, paretoFront, paretoRanks } from '../src/multiobjective';
import { KeyedStream } from '../src/samplers/rng';
import type { FrozenTrial } from '../src/types';

const dominatesMinNaive = (a: number[], b: number[]) => a.every((v, i) => v <= b[i]) && a.some((v, i) => v < b[i]);

/** Peels the non-dominated points off, one front at a time, checking every pair. */
function naiveRanks(points: number[][]): number[] {
  const rank = new Array(points.length).fill(-1);
  let left = points.map((_, i) => i);
  for (let r = 0; left.length; r++) {
    const front = left.filter((i) => !left.some((j) => dominatesMinNaive(points[j], points[i])));
    front.forEach((i) => (rank[i] = r));
    left = left.filter((i) => rank[i] < 0);
  }
  return rank;
}

/** Inclusion–exclusion: the union of the boxes [p, ref] is Σ over subsets of (−1)^(|S|+1) · box(max of S). */
function bruteHypervolume(points: number[][], ref: number[]): number {
  const inside = points.filter((p) => p.every((v, i) => v < ref[i]));
  let total = 0;
  for (let mask = 1; mask < 1 << inside.length; mask++) {
    const corner = ref.map(() => -Infinity);
    let bits = 0;
    inside.forEach((p, i) => {
      if (mask & (1 << i)) {
        bits++;
        p.forEach((v, k) => (corner[k] = Math.max(corner[k], v)));
      }
    });
    total += (bits % 2 ? 1 : -1) * corner.reduce((acc, v, k) => acc * (ref[k] - v), 1);
  }
  return total;
}

function randomPoints(rng: KeyedStream, n: number, d: number, discrete: boolean): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => (discrete ? Math.floor(rng.uniform() * 5) : rng.uniform())));
}

const trial = (number: number, values: number[] | undefined, state: FrozenTrial['state'] = 'COMPLETE'): FrozenTrial => ({
  number,
  state,
  params: {},
  distributions: {},
  intermediate: {},
  userAttrs: {},
  systemAttrs: {},
  ...(values ? { value: values[0], values } : {}),
});

describe('dominance and non-dominated sorting', () => {
  test('dominance follows the directions; equal vectors do not dominate each other', () => {
    expect(dominates([1, 2], [2, 2], ['minimize', 'minimize'])).toBe(true);
    expect(dominates([1, 2], [1, 2], ['minimize', 'minimize'])).toBe(false);
    expect(dominates([1, 3], [2, 2], ['minimize', 'maximize'])).toBe(true);
    expect(dominates([1, 1], [2, 2], ['minimize', 'maximize'])).toBe(false);
  });

  test('fronts of a hand example', () => {
    //   0:(1,4) 1:(2,2) 2:(4,1) are non-dominated; 3:(3,3) is dominated by 1; 4:(4,4) by 3; 5:(2,2) equals 1.
    const pts = [[1, 4], [2, 2], [4, 1], [3, 3], [4, 4], [2, 2]];
    expect(nonDominatedFronts(pts)).toEqual([[0, 1, 2, 5], [3], [4]]);
  });

  test('ranks equal the brute-force peeling on random sets (2 to 4 objectives, ties included)', () => {
    const rng = KeyedStream.fromKey('multiobjective-test', 7);
    for (let k = 0; k < 60; k++) {
      const pts = randomPoints(rng, 5 + (k % 40), 2 + (k % 3), k % 2 === 0);
      expect(paretoRanks(pts)).toEqual(naiveRanks(pts));
    }
  });
});

describe('crowding distance (Optuna 3.1)', () => {
  test('hand values: extremes infinite, inner points the neighbours\' gap over the range', () => {
    // Objective 1: 0, 1, 3, 4 (range 4); objective 2: 4, 3, 1, 0 (range 4).
    const d = crowdingDistances([[0, 4], [1, 3], [3, 1], [4, 0]]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo((3 - 0) / 4 + (4 - 1) / 4, 14);
    expect(d[2]).toBeCloseTo((4 - 1) / 4 + (3 - 0) / 4, 14);
  });

  test('an objective where all points are equal adds nothing; infinite values use the finite range', () => {
    expect(crowdingDistances([[1, 5], [2, 5], [3, 5]])).toEqual([Infinity, 1, Infinity]);
    const d = crowdingDistances([[-Infinity], [0], [2], [Infinity]]);
    // vs = [-inf, -inf, 0, 2, inf, inf]: gaps inf-(-inf)… the first: 0 - (-inf) = inf; the last: inf - 2 = inf.
    expect(d).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect(crowdingDistances([[0], [0], [1]])).toEqual([Infinity, 1, Infinity]);
  });
});

describe('Pareto front of trials (best_trials)', () => {
  test('COMPLETE trials with a full vector only; equal values all kept; ordered by number', () => {
    const trials = [
      trial(0, [2, 2]),
      trial(1, [1, 3]),
      trial(2, [0, 0], 'PRUNED'),
      trial(3, [3, 1]),
      trial(4, undefined, 'FAIL'),
      trial(5, [2, 2]),
      trial(6, [3, 3]),
    ];
    expect(paretoFront(trials, ['minimize', 'minimize']).map((t) => t.number)).toEqual([0, 1, 3, 5]);
    expect(paretoFront(trials, ['maximize', 'maximize']).map((t) => t.number)).toEqual([6]);
  });

  test('the 2-D sweep and the general rule agree with brute force on random sets', () => {
    const rng = KeyedStream.fromKey('multiobjective-test', 11);
    for (let k = 0; k < 40; k++) {
      const d = 2 + (k % 2);
      const pts = randomPoints(rng, 30, d, k % 4 < 2);
      const trials = pts.map((p, i) => trial(i, p));
      const expected = pts.map((_, i) => i).filter((i) => !pts.some((q) => dominatesMinNaive(q, pts[i])));
      expect(paretoFront(trials, Array(d).fill('minimize')).map((t) => t.number)).toEqual(expected);
    }
  });
});

describe('hypervolume', () => {
  test('hand values in 1, 2 and 3 dimensions', () => {
    expect(hypervolume([[1], [3]], [5])).toBe(4);
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4])).toBe(1 * 1 + 1 * 2 + 1 * 3);
    expect(hypervolume([[0, 0, 0]], [1, 2, 3])).toBe(6);
    // Two unit-overlapping boxes: 8 + 8 - 1.
    // Boxes 2·2·1 and 1·1·2 overlapping in 1·1·1.
    expect(hypervolume([[0, 0, 1], [1, 1, 0]], [2, 2, 2])).toBe(4 + 2 - 1);
    expect(hypervolume([[0, 0, 0, 0]], [1, 1, 1, 2])).toBe(2);
  });

  test('points outside the reference add nothing; dominated and repeated points add nothing', () => {
    expect(hypervolume([[5, 0]], [4, 4])).toBe(0);
    expect(hypervolume([[4, 0]], [4, 4])).toBe(0);
    expect(hypervolume([], [1, 1])).toBe(0);
    expect(hypervolume([[1, 1], [1, 1], [2, 2]], [3, 3])).toBe(4);
  });

  test('equals inclusion–exclusion on random sets of 2 to 5 objectives', () => {
    const rng = KeyedStream.fromKey('multiobjective-test', 3);
    for (let k = 0; k < 80; k++) {
      const d = 2 + (k % 4);
      const pts = randomPoints(rng, 1 + (k % 11), d, k % 3 === 0);
      const ref = Array(d).fill(k % 3 === 0 ? 4.5 : 1.1);
      expect(hypervolume(pts, ref)).toBeCloseTo(bruteHypervolume(pts, ref), 10);
    }
  });

  test('a front of 2000 points in 3-D and 200 in 4-D is computed in well under a second', () => {
    const rng = KeyedStream.fromKey('multiobjective-test', 5);
    const sphere = (d: number, n: number) =>
      Array.from({ length: n }, () => {
        const v = Array.from({ length: d }, () => Math.abs(Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform())) + 1e-9);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
    const t0 = Date.now();
    const hv3 = hypervolume(sphere(3, 2000), [1.1, 1.1, 1.1]);
    const hv4 = hypervolume(sphere(4, 200), [1.1, 1.1, 1.1, 1.1]);
    expect(Date.now() - t0).toBeLessThan(3000);
    // Points on the unit sphere's positive orthant: the volume lies between the cube minus the ball's octant and the cube.
    expect(hv3).toBeGreaterThan(1.1 ** 3 - (4 / 3) * Math.PI / 8 - 0.1);
    expect(hv3).toBeLessThan(1.1 ** 3 - (4 / 3) * Math.PI / 8 + 1e-9);
    expect(hv4).toBeGreaterThan(0);
  });
});
