import type { PropertyTargets } from '../model/property';

/** Test metrics of one property, in original units, over the examples whose value is known. */
export interface PropertyMetric {
  rmse: number;
  /** 1 − SS_res / SS_tot, SS_tot about the split's own mean. */
  r2: number;
  /** Examples with a known value. */
  n: number;
}

/** RMSE and R² of predictions against targets, both [n, k] in original units; NaN targets skipped. */
export function propertyMetrics(names: string[], predicted: Float32Array, targets: PropertyTargets): Record<string, PropertyMetric> {
  const k = names.length;
  const n = targets.length / k;
  const out: Record<string, PropertyMetric> = {};
  names.forEach((name, j) => {
    let count = 0;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const v = targets[i * k + j];
      if (!Number.isNaN(v)) mean += (v - mean) / ++count;
    }
    let res = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) {
      const v = targets[i * k + j];
      if (Number.isNaN(v)) continue;
      res += (predicted[i * k + j] - v) ** 2;
      tot += (v - mean) ** 2;
    }
    out[name] = { rmse: count ? Math.sqrt(res / count) : NaN, r2: tot > 0 ? 1 - res / tot : NaN, n: count };
  });
  return out;
}
