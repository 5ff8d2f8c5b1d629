/**
 * The metrics of a set of generated SMILES as MOSES defines them (Polykovskiy et al. 2020,
 * "Molecular Sets (MOSES): a benchmarking platform for molecular generation models"):
 *
 * - validity: the fraction of strings RDKit parses (an empty string is invalid);
 * - uniqueness: distinct canonical SMILES among the valid ÷ valid; unique@k on the first k valid
 *   ones, reported only when there are at least k;
 * - novelty: distinct valid molecules not in the training set (compared canonically) ÷ distinct valid;
 * - IntDiv: 1 − mean Tanimoto similarity over the full matrix of the valid molecules (duplicates
 *   kept, diagonal included), Morgan fingerprints of radius 2 and 2,048 bits (MOSES's default is
 *   1,024 bits; `morgan` sets them);
 * - the distributions of QED, Crippen logP, TPSA and molecular weight, and their Fréchet distance to
 *   the training set's.
 */
import type { Chemistry } from '../chemistry/chemistry';
import { MORGAN_DEFAULTS, MorganOptions, morganBits } from '../chemistry/fingerprint';
import { QedCalculator, qedFromProperties } from '../chemistry/qed';
import { distribution, Distribution, frechet1d, HISTOGRAM_RANGES, PROPERTY_NAMES, PropertyName } from './distribution';
import { internalDiversity } from './diversity';

/** A training set as the metrics need it: its canonical SMILES and its property distributions. */
export interface ReferenceSet {
  /** Lines given. */
  n: number;
  /** Lines RDKit could not parse. */
  invalid: number;
  canonical: Set<string>;
  /** Distributions over `propertiesOf` molecules (a deterministic, evenly spaced sample). */
  properties: Record<PropertyName, Distribution>;
  propertiesOf: number;
}

export interface SetMetrics {
  n: number;
  valid: number;
  validity: number;
  /** Distinct canonical SMILES among the valid. */
  unique: number;
  uniqueness: number;
  /** unique@k for each k with at least k valid molecules, keyed by k. */
  uniqueAt: Record<string, number>;
  /** Present when a reference set was given. */
  novel?: number;
  novelty?: number;
  intDiv: number;
  /** The valid molecules IntDiv was computed on (all of them unless `intDivMax` cut it to the first ones). */
  intDivOf: number;
  properties: Record<PropertyName, Distribution>;
  /** Fréchet distance of each property's distribution to the reference's (with a reference set). */
  frechet?: Record<PropertyName, number>;
}

export interface SetMetricsOptions {
  reference?: ReferenceSet;
  /** The k of unique@k (default 1,000 and 10,000). */
  k?: number[];
  morgan?: MorganOptions;
  /**
   * IntDiv on at most the first `intDivMax` valid molecules (default: all). Its cost grows as the
   * square of the set: about a second for 10,000 drug-like molecules.
   */
  intDivMax?: number;
}

interface Scored {
  canonical: string;
  qed: number;
  logp: number;
  tpsa: number;
  mw: number;
}

const calculators = new WeakMap<Chemistry, QedCalculator>();
function qedCalculator(chem: Chemistry): QedCalculator {
  let c = calculators.get(chem);
  if (!c) calculators.set(chem, (c = new QedCalculator(chem.rdkit)));
  return c;
}

/** Canonical SMILES and properties from one parse (undefined when invalid). */
function score(chem: Chemistry, smiles: string): Scored | undefined {
  const calc = qedCalculator(chem);
  return chem.withMol(smiles, (m) => {
    const p = calc.properties(m);
    return { canonical: m.get_smiles(), qed: qedFromProperties(p), logp: p.ALOGP, tpsa: p.PSA, mw: p.MW };
  });
}

function distributions(rows: Scored[]): Record<PropertyName, Distribution> {
  const out = {} as Record<PropertyName, Distribution>;
  for (const name of PROPERTY_NAMES) out[name] = distribution(rows.map((r) => r[name]), HISTOGRAM_RANGES[name]);
  return out;
}

/**
 * Reads a training set for novelty and property comparisons: every line canonicalised, the
 * properties of at most `propertySample` of them (evenly spaced, default 5,000: QED costs about a
 * millisecond per molecule).
 */
export function referenceSet(chem: Chemistry, smiles: readonly string[], propertySample = 5000): ReferenceSet {
  const canonical = new Set<string>();
  let invalid = 0;
  const stride = Math.max(1, Math.ceil(smiles.length / propertySample));
  const rows: Scored[] = [];
  smiles.forEach((s, i) => {
    if (i % stride === 0) {
      const r = score(chem, s);
      if (!r) invalid++;
      else {
        canonical.add(r.canonical);
        rows.push(r);
      }
    } else {
      const c = chem.canonical(s);
      if (c === undefined) invalid++;
      else canonical.add(c);
    }
  });
  return { n: smiles.length, invalid, canonical, properties: distributions(rows), propertiesOf: rows.length };
}

/**
 * The MOSES metrics of `generated` (one SMILES string per sample, in the order drawn). Memory grows
 * with the distinct molecules (their properties, computed once each) and four numbers per valid
 * sample; fingerprints are kept only for the molecules IntDiv uses, and canonical SMILES in order
 * only up to the largest k of unique@k.
 */
export function moleculeSetMetrics(chem: Chemistry, generated: readonly string[], options: SetMetricsOptions = {}): SetMetrics {
  const morgan = options.morgan ?? MORGAN_DEFAULTS;
  const ks = options.k ?? [1000, 10000];
  const keepOrder = Math.max(0, ...ks);
  const intDivMax = options.intDivMax ?? Infinity;
  const calc = qedCalculator(chem);
  const first: string[] = []; // canonical SMILES of the first valid molecules, for unique@k
  // Each distinct molecule's properties, computed once (a collapsed model repeats a few molecules);
  // its fingerprint too while IntDiv still takes molecules.
  const seen = new Map<string, { props: number[]; bits?: Uint16Array }>();
  const bits: Uint16Array[] = [];
  const values: Record<PropertyName, number[]> = { qed: [], logp: [], tpsa: [], mw: [] };
  let valid = 0;
  for (const s of generated) {
    const ok = chem.withMol(s, (m) => {
      const canonical = m.get_smiles();
      let entry = seen.get(canonical);
      if (!entry) {
        const p = calc.properties(m);
        entry = { props: [qedFromProperties(p), p.ALOGP, p.PSA, p.MW] };
        seen.set(canonical, entry);
      }
      if (first.length < keepOrder) first.push(canonical);
      if (bits.length < intDivMax) bits.push((entry.bits ??= morganBits(m, morgan)));
      PROPERTY_NAMES.forEach((name, i) => values[name].push(entry!.props[i]));
      return true;
    });
    if (ok) valid++;
  }
  const distinct = seen;
  const uniqueAt: Record<string, number> = {};
  for (const k of ks) if (valid >= k) uniqueAt[String(k)] = new Set(first.slice(0, k)).size / k;
  const properties = {} as Record<PropertyName, Distribution>;
  for (const name of PROPERTY_NAMES) properties[name] = distribution(values[name], HISTOGRAM_RANGES[name]);
  const out: SetMetrics = {
    n: generated.length,
    valid,
    validity: generated.length ? valid / generated.length : NaN,
    unique: distinct.size,
    uniqueness: valid ? distinct.size / valid : NaN,
    uniqueAt,
    intDiv: internalDiversity(bits, morgan.nBits),
    intDivOf: bits.length,
    properties,
  };
  const ref = options.reference;
  if (ref) {
    let novel = 0;
    for (const c of distinct.keys()) if (!ref.canonical.has(c)) novel++;
    out.novel = novel;
    out.novelty = distinct.size ? novel / distinct.size : NaN;
    out.frechet = {} as Record<PropertyName, number>;
    for (const name of PROPERTY_NAMES) out.frechet[name] = frechet1d(properties[name], ref.properties[name]);
  }
  return out;
}
