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
import { StringIndex } from './canonical-set';
import { GrowableColumn } from './growable';
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
 * The MOSES metrics of a set of generated SMILES fed in pieces (`add`, in the order drawn), so that
 * the strings themselves need not be kept. What it keeps: each distinct canonical SMILES once
 * (uniqueness and novelty need the whole set, as MOSES's do), packed as bytes outside the garbage-
 * collected heap (StringIndex), with its four properties in Float64Array columns, computed once per
 * distinct molecule; one index (4 bytes) per
 * valid sample, from which the property distributions are read in order; fingerprints of the first
 * `intDivMax` valid molecules only, and canonical SMILES in order up to the largest k of unique@k.
 */
export class MoleculeSetAccumulator {
  private readonly morgan: MorganOptions;
  private readonly ks: number[];
  private readonly keepOrder: number;
  private readonly intDivMax: number;
  private readonly calc: QedCalculator;
  private readonly first: string[] = []; // canonical SMILES of the first valid molecules, for unique@k
  private readonly index = new StringIndex(); // canonical SMILES → distinct molecule
  private readonly props = PROPERTY_NAMES.map(() => new GrowableColumn(new Float64Array(1024))); // per distinct molecule
  private readonly bitsOf: Array<Uint16Array | undefined> = []; // per distinct molecule, while IntDiv takes molecules
  private readonly bits: Uint16Array[] = []; // the first intDivMax valid samples'
  private readonly samples = new GrowableColumn(new Int32Array(1024)); // the distinct molecule of each valid sample
  private n = 0;

  constructor(
    private readonly chem: Chemistry,
    options: Omit<SetMetricsOptions, 'reference'> = {},
  ) {
    this.morgan = options.morgan ?? MORGAN_DEFAULTS;
    this.ks = options.k ?? [1000, 10000];
    this.keepOrder = Math.max(0, ...this.ks);
    this.intDivMax = options.intDivMax ?? Infinity;
    this.calc = qedCalculator(chem);
  }

  /** Scores one more generated string (invalid ones count towards validity only). */
  add(smiles: string): void {
    this.n++;
    this.chem.withMol(smiles, (m) => {
      const canonical = m.get_smiles();
      const { index: i, added } = this.index.add(canonical);
      if (added) {
        const p = this.calc.properties(m);
        const values = [qedFromProperties(p), p.ALOGP, p.PSA, p.MW];
        values.forEach((v, k) => this.props[k].push(v));
      }
      if (this.first.length < this.keepOrder) this.first.push(canonical);
      if (this.bits.length < this.intDivMax) {
        // Only the molecules met while IntDiv still takes some get a fingerprint (kept for their repeats).
        let fp = this.bitsOf[i];
        if (!fp) this.bitsOf[i] = fp = morganBits(m, this.morgan);
        this.bits.push(fp);
        if (this.bits.length === this.intDivMax) this.bitsOf.length = 0;
      }
      this.samples.push(i);
      return true;
    });
  }

  /** The metrics of everything added so far; novelty and Fréchet distances when a reference set is given. */
  result(reference?: ReferenceSet): SetMetrics {
    const valid = this.samples.length;
    const distinct = this.index.size;
    const uniqueAt: Record<string, number> = {};
    for (const k of this.ks) if (valid >= k) uniqueAt[String(k)] = new Set(this.first.slice(0, k)).size / k;
    const properties = {} as Record<PropertyName, Distribution>;
    const values = new Float64Array(valid); // one property at a time, in sample order
    PROPERTY_NAMES.forEach((name, k) => {
      const column = this.props[k].data;
      for (let j = 0; j < valid; j++) values[j] = column[this.samples.data[j]];
      properties[name] = distribution(values, HISTOGRAM_RANGES[name]);
    });
    const out: SetMetrics = {
      n: this.n,
      valid,
      validity: this.n ? valid / this.n : NaN,
      unique: distinct,
      uniqueness: valid ? distinct / valid : NaN,
      uniqueAt,
      intDiv: internalDiversity(this.bits, this.morgan.nBits),
      intDivOf: this.bits.length,
      properties,
    };
    if (reference) {
      let novel = 0;
      for (const c of this.index) if (!reference.canonical.has(c)) novel++;
      out.novel = novel;
      out.novelty = distinct ? novel / distinct : NaN;
      out.frechet = {} as Record<PropertyName, number>;
      for (const name of PROPERTY_NAMES) out.frechet[name] = frechet1d(properties[name], reference.properties[name]);
    }
    return out;
  }
}

/**
 * The MOSES metrics of `generated` (one SMILES string per sample, in the order drawn): a
 * `MoleculeSetAccumulator` fed the whole array.
 */
export function moleculeSetMetrics(chem: Chemistry, generated: readonly string[], options: SetMetricsOptions = {}): SetMetrics {
  const acc = new MoleculeSetAccumulator(chem, options);
  for (const s of generated) acc.add(s);
  return acc.result(options.reference);
}
