/**
 * Internal diversity as MOSES defines it: IntDiv₁ = 1 − (1/|A|²) Σ_{x,y ∈ A×A} T(x, y), the mean
 * Tanimoto similarity over the full matrix of the set A, the diagonal (T = 1) and both orders of each
 * pair included. (Two empty fingerprints count as identical, as MOSES's NaN → 1.)
 *
 * Computed exactly without the n² bit-vector comparisons: an inverted index from each bit to the
 * molecules that set it, so each pair costs only the bits the two share.
 */
export function internalDiversity(fingerprints: readonly Uint16Array[], nBits = 2048): number {
  const n = fingerprints.length;
  if (n === 0) return NaN;
  // postings[b]: the molecules with bit b on, ascending.
  const sizes = new Int32Array(nBits);
  for (const fp of fingerprints) for (let k = 0; k < fp.length; k++) sizes[fp[k]]++;
  const postings = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(nBits);
  fingerprints.forEach((fp, i) => {
    for (let k = 0; k < fp.length; k++) postings[fp[k]][fill[fp[k]]++] = i;
  });
  const next = new Int32Array(nBits); // postings[b][next[b]] is the first molecule not yet processed
  const shared = new Uint16Array(n);
  const touched = new Int32Array(n);
  let upper = 0; // Σ_{i<j} T(i, j)
  let empty = 0;
  for (let i = 0; i < n; i++) {
    const fp = fingerprints[i];
    if (fp.length === 0) {
      empty++;
      continue;
    }
    let t = 0;
    for (let k = 0; k < fp.length; k++) {
      const list = postings[fp[k]];
      const start = ++next[fp[k]]; // skip i itself
      for (let p = start; p < list.length; p++) {
        const j = list[p];
        if (shared[j]++ === 0) touched[t++] = j;
      }
    }
    for (let q = 0; q < t; q++) {
      const j = touched[q];
      const c = shared[j];
      upper += c / (fp.length + fingerprints[j].length - c);
      shared[j] = 0;
    }
  }
  const pairsOfEmpty = (empty * (empty - 1)) / 2;
  const total = n + 2 * (upper + pairsOfEmpty);
  return 1 - total / (n * n);
}
