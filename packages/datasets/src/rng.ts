import { mulberry32 as fromState } from '@vaekit/core';

/**
 * Core's mulberry32 seeded from any number: the bits above 2^32 are folded in (core's takes the
 * seed modulo 2^32), so large seeds still give different streams. Uniforms in [0, 1).
 */
export function mulberry32Folded(seed: number): () => number {
  return fromState(toUint32(seed));
}

/** A well-mixed 32-bit seed for sub-stream `stream` of `seed`, so streams do not overlap. */
export function deriveSeed(seed: number, stream: number): number {
  let h = toUint32(seed) ^ Math.imul(toUint32(stream) + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const rand = mulberry32Folded(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function toUint32(x: number): number {
  const f = Math.floor(x);
  // Fold in the bits above 2^32 so large seeds still differ.
  return (f ^ Math.floor(f / 4294967296)) >>> 0;
}
