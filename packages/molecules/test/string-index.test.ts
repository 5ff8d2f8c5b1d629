/** StringIndex, the packed set of canonical SMILES, against a Map<string, number> over the same insertions. */
import { StringIndex } from '../src/metrics/canonical-set';

describe('StringIndex', () => {
  it('numbers strings in insertion order exactly as a Map does, through many rehashes and non-ASCII text', () => {
    let seed = 1; // a linear congruential generator: the test needs no other package
    const rng = { next: () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 };
    const alphabet = ['C', 'c', '1', '(', ')', '=', 'N', 'O', '[nH]', 'Cl', 'é', '→', '😀'];
    const idx = new StringIndex();
    const map = new Map<string, number>();
    for (let i = 0; i < 30_000; i++) {
      const len = Math.floor(rng.next() * 6); // short strings, so most repeat; '' included
      let s = '';
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rng.next() * alphabet.length)];
      const r = idx.add(s);
      const known = map.get(s);
      expect(r).toEqual({ index: known ?? map.size, added: known === undefined });
      if (known === undefined) map.set(s, map.size);
    }
    expect(idx.size).toBe(map.size);
    expect(map.size).toBeGreaterThan(5000);
    expect([...idx]).toEqual([...map.keys()]);
    expect(idx.get(7)).toBe([...map.keys()][7]);
    // A long string grows the scratch and the byte store.
    const long = 'C'.repeat(100_000) + 'é';
    expect(idx.add(long)).toEqual({ index: map.size, added: true });
    expect(idx.add(long)).toEqual({ index: map.size, added: false });
    expect(idx.get(map.size)).toBe(long);
  });
});
