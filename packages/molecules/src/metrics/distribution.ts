/** Summaries of a property's values: mean, standard deviation and a histogram on fixed edges. */

export interface Histogram {
  /** Bin edges, ascending (bins + 1 of them); values outside [first, last] are counted in the end bins. */
  edges: number[];
  counts: number[];
}

export interface Distribution {
  n: number;
  mean: number;
  /** Population standard deviation (divides by n, as MOSES's numpy np.var). */
  sd: number;
  min: number;
  max: number;
  histogram: Histogram;
}

/** The properties vaekit reports for a set of molecules. */
export type PropertyName = 'qed' | 'logp' | 'tpsa' | 'mw';
export const PROPERTY_NAMES: PropertyName[] = ['qed', 'logp', 'tpsa', 'mw'];

/** Default histogram ranges, wide enough for drug-like sets (ZINC: logP −3..8, TPSA 0..180 Å², MW 100..520 g/mol). */
export const HISTOGRAM_RANGES: Record<PropertyName, { min: number; max: number; bins: number }> = {
  qed: { min: 0, max: 1, bins: 20 },
  logp: { min: -4, max: 8, bins: 24 },
  tpsa: { min: 0, max: 200, bins: 20 },
  mw: { min: 0, max: 700, bins: 28 },
};

export function histogram(values: ArrayLike<number>, range: { min: number; max: number; bins: number }): Histogram {
  const { min, max, bins } = range;
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => +(min + i * width).toPrecision(12));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i] - min) / width);
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return { edges, counts };
}

export function distribution(values: ArrayLike<number>, range: { min: number; max: number; bins: number }): Distribution {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { n, mean, sd: n ? Math.sqrt(ss / n) : NaN, min: n ? min : NaN, max: n ? max : NaN, histogram: histogram(values, range) };
}

/**
 * The Fréchet distance between two 1-D Gaussians fitted to the distributions,
 * (μ₁ − μ₂)² + σ₁² + σ₂² − 2σ₁σ₂: MOSES's comparison of a property between generated and reference sets.
 */
export function frechet1d(a: Pick<Distribution, 'mean' | 'sd'>, b: Pick<Distribution, 'mean' | 'sd'>): number {
  return (a.mean - b.mean) ** 2 + a.sd ** 2 + b.sd ** 2 - 2 * a.sd * b.sd;
}
