/**
 * Keyed pseudo-random streams. A KeyedStream is not seeded with one number but with a key, such as
 * (seed, purpose, trial number, parameter name), and a sampler never shares one sequential stream
 * between trials: each key gets its own stream, so trial k draws the same numbers however many
 * workers run and in whatever order trials start.
 *
 * The key is hashed to 128 bits (four 32-bit lanes, each mixed with the murmur3 finaliser) which
 * seed an sfc32 generator (Chris Doty-Humphrey's Small Fast Counting generator).
 */

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a string to four 32-bit words. */
export function hash128(key: string): [number, number, number, number] {
  let h1 = 0x6a09e667;
  let h2 = 0xbb67ae85;
  let h3 = 0x3c6ef372;
  let h4 = 0xa54ff53a;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ c, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ c, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ c, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ c, 2716044179);
  }
  h1 ^= key.length;
  return [fmix32(h1 ^ 0x9e3779b9), fmix32(h2 + h1), fmix32(h3 ^ h2), fmix32(h4 + h3)];
}

/** What the samplers draw from: a KeyedStream, or the numpy-compatible stream (numpyStream.ts). */
export interface RandomStream {
  /** Uniform double in [0, 1). */
  uniform(): number;
  /** Uniform double for a quantile (open at 0 for KeyedStream). */
  uniformOpen(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Index drawn with probability proportional to `weights`. */
  weighted(weights: ArrayLike<number>): number;
}

/** An sfc32 generator seeded by the 128-bit hash of a key (see `fromKey`). */
export class KeyedStream implements RandomStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream determined by the parts of the key (numbers and strings; order matters). */
  static fromKey(...parts: Array<string | number>): KeyedStream {
    return new KeyedStream(hash128(parts.map((p) => (typeof p === 'number' ? `n${p}` : `s${p.length}:${p}`)).join('\u0000')));
  }

  constructor(state: [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = state;
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in the open interval (0, 1). */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`KeyedStream.int needs n >= 1, got ${n}`);
    return Math.min(Math.floor(this.uniform() * n), n - 1);
  }

  /** Index drawn with probability proportional to `weights` (non-negative, positive sum). */
  weighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let u = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    // Rounding left u >= 0: return the last index with positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** @deprecated Renamed KeyedStream (it is seeded by a key, not by one number). */
export const Rng = KeyedStream;
/** @deprecated Renamed KeyedStream (it is seeded by a key, not by one number). */
export type Rng = KeyedStream;

/** A seed for samplers built without one (not reproducible across instances, by design). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
