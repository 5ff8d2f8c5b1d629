/**
 * The Sobol sequence in base 2 with 32-bit direction numbers (Joe–Kuo), optionally scrambled as
 * SciPy's `qmc.Sobol(scramble=True)` does: a random linear matrix scramble (a random lower
 * triangular binary matrix with unit diagonal applied to each direction number) followed by a random
 * digital shift (an XOR with a random number per dimension). Both keep the net structure: the
 * first 2^m points put exactly one point in each interval [k/2^m, (k+1)/2^m) of every coordinate.
 *
 * Point n is computed directly from the Gray code of n (no state), so any worker can compute any
 * point: a study's trial n takes point n. Points follow SciPy's order: the unscrambled sequence
 * starts 0, 1/2, then (3/4, 1/4), (1/4, 3/4), ...
 */
import { JOE_KUO_D6, MAX_SOBOL_DIMENSION } from './directionNumbers';
import { KeyedStream } from '../rng';

const BITS = 32;
const TWO_POW_32 = 4294967296;

/** The 32 direction numbers of one dimension (0-based), unscrambled: v[k] holds bit weights 2^-(k+1).. as a 32-bit integer. */
export function directionNumbers(dimension: number): Uint32Array {
  if (!Number.isInteger(dimension) || dimension < 0 || dimension >= MAX_SOBOL_DIMENSION) {
    throw new RangeError(`Sobol: dimension ${dimension} is outside 0..${MAX_SOBOL_DIMENSION - 1}`);
  }
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, ...m] = JOE_KUO_D6[dimension - 1];
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (m[k] * 2 ** (BITS - 1 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let x = v[k - s] ^ (v[k - s] >>> s);
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i];
    v[k] = x >>> 0;
  }
  return v;
}

/** Parity (XOR of the bits) of a 32-bit integer. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

export interface SobolOptions {
  /** Linear matrix scramble and digital shift (default true). */
  scramble?: boolean;
  /** Seed of the scramble. */
  seed?: number;
  /** Dimensions to use, 0-based, in order (default 0..dimension-1); lets a caller pick its own. */
  dimensions?: number[];
  /** Extra key parts for the scramble's random numbers (so two users of one seed differ). */
  key?: string;
}

export class SobolSequence {
  readonly dimension: number;
  /** Direction numbers (scrambled if asked), dimension × 32. */
  private readonly v: Uint32Array[];
  /** Digital shift per dimension (0 without scrambling). */
  private readonly shift: Uint32Array;

  constructor(dimension: number, o: SobolOptions = {}) {
    const dims = o.dimensions ?? Array.from({ length: dimension }, (_, i) => i);
    if (dims.length !== dimension) throw new RangeError(`Sobol: ${dims.length} dimensions listed for a ${dimension}-dimensional sequence`);
    this.dimension = dimension;
    this.v = dims.map((d) => directionNumbers(d));
    this.shift = new Uint32Array(dimension);
    if (o.scramble ?? true) {
      dims.forEach((d, j) => {
        const rng = KeyedStream.fromKey('sobol-scramble', o.seed ?? 0, o.key ?? '', d);
        this.v[j] = linearMatrixScramble(this.v[j], rng);
        this.shift[j] = rng.nextUint32();
      });
    }
  }

  /** Point n (0-based) as numbers in [0, 1). */
  point(n: number): Float64Array {
    const bits = this.pointBits(n);
    const out = new Float64Array(this.dimension);
    for (let j = 0; j < this.dimension; j++) out[j] = bits[j] / TWO_POW_32;
    return out;
  }

  /** Point n as 32-bit integers (the coordinates times 2^32). */
  pointBits(n: number): Uint32Array {
    if (!Number.isSafeInteger(n) || n < 0 || n >= TWO_POW_32) throw new RangeError(`Sobol: point index must be an integer in 0..2^32-1, got ${n}`);
    // Gray code of n, computed without 32-bit overflow of the shift.
    const gray = (n ^ Math.floor(n / 2)) >>> 0;
    const out = new Uint32Array(this.dimension);
    for (let j = 0; j < this.dimension; j++) {
      let x = this.shift[j];
      const v = this.v[j];
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) if (g & 1) x ^= v[k];
      out[j] = x >>> 0;
    }
    return out;
  }

  /** Points from..from+count-1, one Float64Array each. */
  points(count: number, from = 0): Float64Array[] {
    return Array.from({ length: count }, (_, i) => this.point(from + i));
  }
}

/**
 * Applies a random lower-triangular binary matrix with unit diagonal (bits ordered from the most
 * significant, weight 1/2, down) to each direction number: output bit i is bit i XOR a random
 * combination of the more significant bits. An invertible linear map of the digits, so the
 * scrambled sequence is still a digital net (Matoušek's linear scrambling, as SciPy's).
 */
function linearMatrixScramble(v: Uint32Array, rng: KeyedStream): Uint32Array {
  // rows[i]: the mask of input bits that make output bit i (bit 31 is the most significant).
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    const self = 2 ** (BITS - 1 - i);
    // Random bits strictly above bit position (31 - i): the more significant digits.
    const above = i === 0 ? 0 : (rng.nextUint32() & ~(2 * self - 1)) >>> 0;
    rows[i] = (above | self) >>> 0;
  }
  const out = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) {
    let y = 0;
    for (let i = 0; i < BITS; i++) if (parity(rows[i] & v[k])) y += 2 ** (BITS - 1 - i);
    out[k] = y >>> 0;
  }
  return out;
}
