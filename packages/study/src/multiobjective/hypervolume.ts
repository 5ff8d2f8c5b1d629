/**
 * The hypervolume of a set of points to minimise against a reference point: the volume of the
 * region that some point dominates and that dominates the reference. Exact: a sweep in two
 * dimensions (O(N log N)), slices along the third in three (O(N² log N)), and the WFG algorithm
 * (While, Bradstreet & Barone 2012) in four or more. Points that are not strictly better than the
 * reference in every objective add nothing.
 */

export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const d = reference.length;
  for (const p of points) {
    if (p.length !== d) throw new RangeError(`hypervolume: a point has ${p.length} values, the reference point ${d}`);
  }
  if (reference.some((r) => Number.isNaN(r))) throw new RangeError('hypervolume: the reference point has a NaN');
  const inside = points.filter((p) => p.every((v, i) => v < reference[i]));
  if (inside.length === 0) return 0;
  const front = nondominated(inside);
  if (d === 1) return reference[0] - Math.min(...front.map((p) => p[0]));
  if (d === 2) return hv2(front, reference);
  if (d === 3) return hv3(front, reference);
  return wfg(front.slice().sort((a, b) => b[0] - a[0]), reference);
}

/** The points no other point dominates, one copy of repeated points. */
function nondominated(points: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  outer: for (let i = 0; i < points.length; i++) {
    const p = points[i];
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      const q = points[j];
      let le = true;
      let lt = false;
      for (let k = 0; k < p.length; k++) {
        if (q[k] > p[k]) {
          le = false;
          break;
        }
        if (q[k] < p[k]) lt = true;
      }
      if (le && (lt || j < i)) continue outer; // dominated, or a repeat of an earlier point
    }
    out.push([...p]);
  }
  return out;
}

/** Two objectives, non-dominated points: sorted by the first, the second decreases; sum the rectangles. */
function hv2(front: readonly (readonly number[])[], ref: readonly number[]): number {
  const s = front.slice().sort((a, b) => a[0] - b[0]);
  let volume = 0;
  for (let i = 0; i < s.length; i++) {
    const right = i + 1 < s.length ? s[i + 1][0] : ref[0];
    volume += (right - s[i][0]) * (ref[1] - s[i][1]);
  }
  return volume;
}

/**
 * Three objectives: slices between consecutive values of the third, each the 2-D hypervolume of
 * the points below it, whose 2-D front is kept sorted as points are added.
 */
function hv3(front: readonly (readonly number[])[], ref: readonly number[]): number {
  const s = front.slice().sort((a, b) => a[2] - b[2]);
  let volume = 0;
  const below: number[][] = []; // 2-D front: x increasing, y decreasing
  for (let i = 0; i < s.length; i++) {
    insert2d(below, s[i]);
    const top = i + 1 < s.length ? s[i + 1][2] : ref[2];
    if (top > s[i][2]) volume += hv2(below, ref) * (top - s[i][2]);
  }
  return volume;
}

/** Adds p's first two values to a sorted 2-D front unless a point of it dominates p, dropping those p dominates. */
function insert2d(front: number[][], p: readonly number[]): void {
  let lo = 0;
  let hi = front.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (front[mid][0] <= p[0]) lo = mid + 1;
    else hi = mid;
  }
  // front[lo - 1] is the last point with x <= p.x: it dominates p (or equals it) when its y <= p.y.
  if (lo > 0 && front[lo - 1][1] <= p[1]) return;
  let end = lo;
  while (end < front.length && front[end][1] >= p[1]) end++;
  // A point with equal x before lo and larger y is dominated by p too.
  let start = lo;
  while (start > 0 && front[start - 1][0] === p[0]) start--;
  front.splice(start, end - start, [p[0], p[1]]);
}

/**
 * WFG: the hypervolume of a set is the sum of each point's exclusive contribution, which is its
 * box minus the hypervolume of the other points limited to that box. Points sorted worst first
 * by the first objective keep the limited sets small.
 */
function wfg(points: readonly (readonly number[])[], ref: readonly number[]): number {
  if (points.length === 0) return 0;
  if (points.length === 1) return box(points[0], ref);
  let volume = 0;
  for (let k = 0; k < points.length; k++) {
    const p = points[k];
    const limited = points.slice(k + 1).map((q) => q.map((v, i) => Math.max(v, p[i])));
    volume += box(p, ref) - wfg(nondominated(limited), ref);
  }
  return volume;
}

function box(p: readonly number[], ref: readonly number[]): number {
  let v = 1;
  for (let i = 0; i < p.length; i++) v *= ref[i] - p[i];
  return v;
}
