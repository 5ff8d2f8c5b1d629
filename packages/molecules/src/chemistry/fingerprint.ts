import type { RDKitMol } from '../rdkit';

export interface MorganOptions {
  /** Radius in bonds (2 = ECFP4-like). */
  radius: number;
  /** Length of the folded bit vector. */
  nBits: number;
}

export const MORGAN_DEFAULTS: MorganOptions = { radius: 2, nBits: 2048 };

/**
 * The on-bits of a molecule's folded Morgan fingerprint, ascending. A drug-like molecule sets about
 * 40 of 2,048 bits, so the sparse form is what similarity loops want.
 */
export function morganBits(mol: RDKitMol, options: MorganOptions = MORGAN_DEFAULTS): Uint16Array {
  const packed = mol.get_morgan_fp_as_uint8array(JSON.stringify({ radius: options.radius, nBits: options.nBits })) as Uint8Array;
  const on: number[] = [];
  for (let byte = 0; byte < packed.length; byte++) {
    let v = packed[byte];
    // MinimalLib packs bit i of the vector into byte i >> 3 at position i & 7.
    for (let bit = 0; v !== 0; bit++, v >>= 1) if (v & 1) on.push(byte * 8 + bit);
  }
  return Uint16Array.from(on);
}

/** Tanimoto similarity |a ∩ b| / |a ∪ b| of two ascending on-bit lists; two empty ones are identical (1). */
export function tanimoto(a: Uint16Array, b: Uint16Array): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - both;
  return union === 0 ? 1 : both / union;
}
