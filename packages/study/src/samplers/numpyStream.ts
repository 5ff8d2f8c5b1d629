/**
 * numpy's legacy `RandomState` (MT19937, seeded by an integer) and the few draws Optuna 3.1's
 * samplers make from it, so that a TPE sampler built with `stream: 'numpy'` consumes random numbers
 * exactly as Optuna's TPESampler does and, for the same seed, suggests the same trials in a
 * sequential study. It is TPE's default in one process; the keyed streams (rng.ts) serve worker
 * processes: they make trial k independent of the number of workers, which one sequence cannot.
 *
 * Written from the published MT19937 algorithm (Matsumoto & Nishimura 1998, init_genrand and
 * genrand_res53) and numpy's documented semantics of random_sample, uniform and choice(p=...).
 */
import type { Distribution, ParamValue } from '../types';
import { isSingle, singleValue } from './distributions';
import type { RandomStream } from './rng';
import { roundHalfEven, snapToStepNumpy } from './round';

const N = 624;
const M = 397;

export class NumpyRandomState implements RandomStream {
  private readonly mt = new Uint32Array(N);
  private mti = N;

  /** `numpy.random.RandomState(seed)` for an integer seed in [0, 2³²). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`numpy-compatible stream: the seed must be an integer in [0, 2^32), got ${seed}`);
    }
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to float rounding.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  nextUint32(): number {
    if (this.mti >= N) this.twist();
    let y = this.mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.mti = 0;
  }

  /** `random_sample()`: a double in [0, 1) with 53 random bits (genrand_res53). */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** numpy draws truncated-normal quantiles from [0, 1) as is; 0 maps to the lower bound. */
  uniformOpen(): number {
    return this.uniform();
  }

  /** Uniform integer in [0, n), from one double. */
  int(n: number): number {
    return Math.min(Math.floor(this.uniform() * n), n - 1);
  }

  /** `choice(len(w), p=w)` for one draw: the cumulative sum normalised by its last entry, searched on the right. */
  weighted(weights: ArrayLike<number>): number {
    const cdf = new Float64Array(weights.length);
    let s = 0;
    for (let i = 0; i < weights.length; i++) cdf[i] = s += weights[i];
    const last = cdf[cdf.length - 1];
    for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
    const u = this.uniform();
    for (let i = 0; i < cdf.length; i++) if (cdf[i] > u) return i;
    return cdf.length - 1;
  }
}

/** numpy.nextafter(x, x - 1): the largest double below x. */
function below(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  v.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return v.getFloat64(0);
}

/**
 * One value of `dist` as Optuna 3.1's RandomSampler draws it: uniform over the transformed bounds
 * (log space for log distributions, widened by half a step for stepped ones; one draw per choice
 * for a categorical, the largest wins), then mapped back and rounded as Optuna does.
 */
export function sampleUniformNumpy(dist: Distribution, rs: NumpyRandomState): ParamValue {
  if (dist.type === 'categorical') {
    let best = 0;
    let top = -Infinity;
    for (let i = 0; i < dist.choices.length; i++) {
      const u = rs.uniform();
      if (u > top) {
        top = u;
        best = i;
      }
    }
    return dist.choices[best];
  }
  if (isSingle(dist)) return singleValue(dist);
  const draw = (lo: number, hi: number) => lo + (hi - lo) * rs.uniform();
  if (dist.type === 'float') {
    if (dist.log) return Math.min(Math.exp(draw(Math.log(dist.low), Math.log(dist.high))), below(dist.high));
    if (dist.step !== undefined) {
      const v = draw(dist.low - dist.step / 2, dist.high + dist.step / 2);
      return snapToStepNumpy(v, dist.low, dist.high, dist.step);
    }
    return Math.min(draw(dist.low, dist.high), below(dist.high));
  }
  const step = dist.step ?? 1;
  if (dist.log) {
    const v = roundHalfEven(Math.exp(draw(Math.log(dist.low - step / 2), Math.log(dist.high + step / 2))));
    return Math.min(Math.max(v, dist.low), dist.high);
  }
  const v = draw(dist.low - step / 2, dist.high + step / 2);
  return snapToStepNumpy(v, dist.low, dist.high, step);
}

/**
 * The order `numpy.argsort(x)` (kind 'quicksort', numpy 1.24) gives: an introsort — median-of-three
 * quicksort while a run has more than 16 keys, then insertion sort, heapsort past a depth of 2·⌊log₂ n⌋. It is
 * not stable, and Optuna's TPE depends on how it orders equal keys (which observation of a repeated
 * value sits next to the prior, which trials make the "below" group when losses tie), so the numpy
 * stream sorts with it. `less` is the strict order of the keys.
 */
export function numpyArgsort<T>(keys: ReadonlyArray<T>, less: (a: T, b: T) => boolean): number[] {
  const n = keys.length;
  const t = Array.from({ length: n }, (_, i) => i);
  if (n < 2) return t;
  const lt = (i: number, j: number) => less(keys[i], keys[j]);
  const swap = (a: number, b: number) => {
    const x = t[a];
    t[a] = t[b];
    t[b] = x;
  };
  const stack: number[] = [];
  const depths: number[] = [];
  let pl = 0;
  let pr = n - 1;
  let depth = 2 * Math.floor(Math.log2(n));
  for (;;) {
    let sorted = false;
    if (depth < 0) {
      heapsortRange(t, pl, pr - pl + 1, lt);
      sorted = true;
    }
    while (!sorted && pr - pl > 15) {
      const pm = pl + ((pr - pl) >> 1);
      if (lt(t[pm], t[pl])) swap(pm, pl);
      if (lt(t[pr], t[pm])) swap(pr, pm);
      if (lt(t[pm], t[pl])) swap(pm, pl);
      const pivot = t[pm];
      let pi = pl;
      let pj = pr - 1;
      swap(pm, pj);
      for (;;) {
        do pi++;
        while (lt(t[pi], pivot));
        do pj--;
        while (lt(pivot, t[pj]));
        if (pi >= pj) break;
        swap(pi, pj);
      }
      swap(pi, pr - 1);
      // The larger part waits on the stack; the smaller is sorted next.
      if (pi - pl < pr - pi) {
        stack.push(pi + 1, pr);
        pr = pi - 1;
      } else {
        stack.push(pl, pi - 1);
        pl = pi + 1;
      }
      depths.push(--depth);
    }
    if (!sorted) {
      for (let i = pl + 1; i <= pr; i++) {
        const vi = t[i];
        let j = i;
        while (j > pl && lt(vi, t[j - 1])) {
          t[j] = t[j - 1];
          j--;
        }
        t[j] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    depth = depths.pop()!;
  }
  return t;
}

/** Heapsort of t[start .. start + n) by `lt`, as numpy's fallback does it (1-based heap). */
function heapsortRange(t: number[], start: number, n: number, lt: (i: number, j: number) => boolean): void {
  const a = (k: number) => start + k - 1; // 1-based position → array index
  const sift = (i: number, tmp: number, size: number) => {
    let j = i << 1;
    while (j <= size) {
      if (j < size && lt(t[a(j)], t[a(j + 1)])) j++;
      if (lt(tmp, t[a(j)])) {
        t[a(i)] = t[a(j)];
        i = j;
        j += j;
      } else break;
    }
    t[a(i)] = tmp;
  };
  for (let l = n >> 1; l > 0; l--) sift(l, t[a(l)], n);
  for (let size = n; size > 1; ) {
    const tmp = t[a(size)];
    t[a(size)] = t[a(1)];
    size--;
    sift(1, tmp, size);
  }
}
