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
import { effectiveHigh, isSingle, singleValue } from './distributions';
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
      // Optuna moves a high that is off the grid down to the last grid point first.
      const high = effectiveHigh(dist);
      const v = draw(dist.low - dist.step / 2, high + dist.step / 2);
      return snapToStepNumpy(v, dist.low, high, dist.step);
    }
    return Math.min(draw(dist.low, dist.high), below(dist.high));
  }
  const step = dist.step ?? 1;
  if (dist.log) {
    const v = roundHalfEven(Math.exp(draw(Math.log(dist.low - step / 2), Math.log(dist.high + step / 2))));
    return Math.min(Math.max(v, dist.low), dist.high);
  }
  const high = effectiveHigh(dist);
  const v = draw(dist.low - step / 2, high + step / 2);
  return snapToStepNumpy(v, dist.low, high, step);
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

/*
 * numpy's and OpenBLAS's floating-point summation orders. Optuna breaks ties between candidates by
 * argmax (the first of equal scores), and whether two scores that are mathematically equal come out
 * bit-for-bit equal depends on the order of the additions: to suggest Optuna's categorical values
 * the numpy stream reproduces those orders exactly.
 */

/**
 * `numpy.sum` of a contiguous float64 array: numpy's pairwise summation (blocks of up to 128 added
 * with 8 accumulators, halves above that), starting from 0.
 */
export function numpySum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[start + i];
    return s;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => a[start + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    let s = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) s += a[start + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, start, n2) + numpySum(a, start + n2, n - n2);
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp's split of a double into two 26-bit halves)

/** a·b as an unevaluated sum hi + lo, exactly (Dekker), barring overflow and underflow. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const ca = SPLITTER * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLITTER * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return [p, al * bl - (((p - ah * bh) - al * bh) - ah * bl)];
}

/** a + b as hi + lo, exactly (Knuth). */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

const bits = new DataView(new ArrayBuffer(8));

/** a + b rounded to odd: the neighbour with an odd last bit when the sum is not a double. */
function addRoundToOdd(a: number, b: number): number {
  const [s, e] = twoSum(a, b);
  if (e === 0 || !Number.isFinite(s)) return s;
  bits.setFloat64(0, s);
  const word = bits.getBigUint64(0);
  if ((word & 1n) === 1n) return s;
  // s is even: step one ulp towards the exact sum s + e.
  bits.setBigUint64(0, (s > 0) === (e > 0) ? word + 1n : word - 1n);
  return bits.getFloat64(0);
}

/**
 * The fused multiply-add a·b + c with one rounding, as the FMA instruction computes it
 * (Boldo & Melquiond 2008: the exact product, an exact sum and one addition rounded to odd).
 * Exact for the magnitudes of TPE's weights and probabilities (no overflow, no subnormals).
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (p === 0 || !Number.isFinite(p) || !Number.isFinite(c) || Math.abs(p) < 1e-290) return p + c;
  const [uh, ul] = twoProduct(a, b);
  const [th, tl] = twoSum(c, uh);
  return th + addRoundToOdd(tl, ul);
}

/**
 * `numpy.inner(M.T, w)` for M given as rows (rows[j][i] = M[j][i], j < w.length): y[i] = Σ_j
 * M[j][i]·w[j], added in the order numpy 1.24 with OpenBLAS 0.3.21 adds them (column-major dgemv
 * with the SkylakeX/Cooperlake kernel, GCC contracting a·b + c into FMAs): rows of M four at a time
 * as fma(a₀, x₀, a₁x₁) then two more FMAs, the remaining two with one FMA, the last one with a
 * product and an add; for the one to three columns of i past a multiple of four, one FMA per term
 * (with two terms per FMA pair when M has only two or three columns). Checked against numpy on
 * thousands of random matrices (bench/tpe/optuna_trace.py records a few of them).
 */
export function openblasInner(rows: ReadonlyArray<ArrayLike<number>>, w: ArrayLike<number>): Float64Array {
  const n = w.length;
  const m = n > 0 ? rows[0].length : 0;
  const y = new Float64Array(m);
  const m3 = m & 3;
  const m4 = m - m3;
  for (let i = 0; i < m4; i++) {
    let acc = 0;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let s = fma(rows[j][i], w[j], rows[j + 1][i] * w[j + 1]);
      s = fma(rows[j + 2][i], w[j + 2], s);
      acc += fma(rows[j + 3][i], w[j + 3], s);
    }
    if ((n - j) & 2) {
      acc += fma(rows[j][i], w[j], rows[j + 1][i] * w[j + 1]);
      j += 2;
    }
    if ((n - j) & 1) acc += rows[j][i] * w[j];
    y[i] = acc;
  }
  for (let i = m4; i < m; i++) {
    let acc = 0;
    let j = 0;
    if (m4 === 0) {
      // Two or three columns: OpenBLAS's unrolled loop adds the terms in pairs.
      for (; j + 4 <= n; j += 4) {
        acc += fma(rows[j][i], w[j], rows[j + 1][i] * w[j + 1]);
        acc += fma(rows[j + 2][i], w[j + 2], rows[j + 3][i] * w[j + 3]);
      }
    }
    for (; j < n; j++) acc = fma(rows[j][i], w[j], acc);
    y[i] = acc;
  }
  return y;
}

/** A double from its IEEE-754 bit pattern, high word first. */
function fromWords(hi: number, lo: number): number {
  bits.setUint32(0, hi);
  bits.setUint32(4, lo);
  return bits.getFloat64(0);
}

/*
 * Constants of numpy 1.24's float64 log on AVX-512 machines (Intel SVML's log8, which numpy links
 * there): log(1 + r) ≈ r + r²·P(r) with P of degree 7 in r, and T[i] = −log of the reciprocal
 * 0.5·(1 + i/16) or 1 (+ log 2 for i ≥ 8), as doubles.
 */
const LOG_POLY = [
  fromWords(0xbfdfffff, 0xffffffc6), // ≈ −1/2
  fromWords(0x3fd55555, 0x55555466), // ≈ 1/3
  fromWords(0xbfd00000, 0x000c05bd), // ≈ −1/4
  fromWords(0x3fc99999, 0x99cc9f5c), // ≈ 1/5
  fromWords(0xbfc55553, 0xfb28db06), // ≈ −1/6
  fromWords(0x3fc24922, 0x9cee81ef), // ≈ 1/7
  fromWords(0xbfc00735, 0x7e93af62), // ≈ −1/8
  fromWords(0x3fbc81cd, 0x309d7c70), // ≈ 1/9
];
const LOG_TABLE = [
  [0x00000000, 0x00000000], [0xbfaf0a30, 0xc01162a6], [0xbfbe2707, 0x6e2af2e6], [0xbfc5ff30, 0x70a793d4],
  [0xbfcc8ff7, 0xc79a9a22], [0xbfd1675c, 0xababa60e], [0xbfd4618b, 0xc21c5ec2], [0xbfd739d7, 0xf6bbd007],
  [0x3fd26962, 0x1134db92], [0x3fcf991c, 0x6cb3b379], [0x3fca93ed, 0x3c8ad9e3], [0x3fc5bf40, 0x6b543db2],
  [0x3fc1178e, 0x8227e47c], [0x3fb9335e, 0x5d594989], [0x3fb08598, 0xb59e3a07], [0x3fa0415d, 0x89e74444],
].map(([hi, lo]) => fromWords(hi, lo));
const LN2 = fromWords(0x3fe62e42, 0xfefa39ef);

/**
 * Where the hardware's reciprocal estimate (VRCP14PD), rounded to 1/32, steps from (k + 1)/32 down
 * to k/32 near the midpoint m = 64/(2k + 1), k = 16…31: the first mantissa giving k/32 (measured
 * on the instruction by bisection, bench/tpe/rcp14_steps.c; it is monotone there). TPE's values
 * are ratios of small integers and land on these midpoints often (2/45 has m = 64/45), where the
 * exact 1/m would round the other way.
 */
const RCP_STEPS = [
  1.939453125, 1.82855224609375, 1.729736328125, 1.641021728515625, 1.56097412109375, 1.4883880615234375,
  1.4221954345703125, 1.3617095947265625, 1.3061370849609375, 1.2549285888671875, 1.2075653076171875,
  1.163665771484375, 1.122802734375, 1.08477783203125, 1.0491790771484375, 1.0158538818359375,
];

/** SVML's reduction point for a mantissa m in [1, 2): VRCP14PD(m) rounded to a multiple of 1/32. */
function svmlReciprocal(m: number): number {
  const q = 32 / m;
  const k = Math.floor(q);
  // Away from a midpoint the estimate (relative error < 2^-14) rounds as 1/m does.
  if (k >= 16 && k < 32 && Math.abs(q - (k + 0.5)) < (k + 0.5) / 2048) return (m < RCP_STEPS[k - 16] ? k + 1 : k) / 32;
  return roundHalfEven(q) / 32;
}

/**
 * `numpy.log` of a float64 array element as numpy 1.24 computes it on an AVX-512 machine (SVML's
 * log8, which is not correctly rounded: it differs from Math.log in the last bit for about one
 * value in five). x = 2^e·m with m in [1, 2); c ≈ 1/m rounded to 1/32 (svmlReciprocal); r = c·m − 1;
 * log x = (e + [c < 3/4])·log 2 + (T[c] + r + r²·P(r)), P evaluated by Estrin's scheme with FMAs.
 * Zero, negatives, infinities, subnormals and NaN go to Math.log.
 */
export function numpyLog(x: number): number {
  if (!(x > 0) || x === Infinity || x < 2.2250738585072014e-308) return Math.log(x);
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const e = (hi >>> 20) - 1023;
  bits.setUint32(0, (hi & 0x000fffff) | 0x3ff00000);
  const m = bits.getFloat64(0);
  const c = svmlReciprocal(m);
  const r = fma(c, m, -1);
  const [c2, c3, c4, c5, c6, c7, c8, c9] = LOG_POLY;
  const p76 = fma(c7, r, c6);
  let p98 = fma(c9, r, c8);
  const p32 = fma(c3, r, c2);
  const r2 = r * r;
  let p54 = fma(c5, r, c4);
  const r4 = r2 * r2;
  p98 = fma(r2, p98, p76);
  p54 = fma(r2, p54, p32);
  let p = fma(r4, p98, p54);
  p = fma(r2, p, r);
  bits.setFloat64(0, c);
  const index = (bits.getUint32(0) >>> 16) & 15;
  return fma(LN2, c < 0.75 ? e + 1 : e, LOG_TABLE[index] + p);
}
