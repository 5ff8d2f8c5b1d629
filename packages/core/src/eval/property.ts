import * as tf from '@tensorflow/tfjs-core';
import type { PropertyTargets } from '../model/property';
import type { VAE } from '../model/vae';
import type { DataSplit } from '../plugins/types';
import { batchRanges, batchTensor } from '../data/batches';

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

/**
 * Each property's RMSE (original units) and R² on a split, predicted from the posterior means of
 * its examples; examples without a known value are left out (`n` counts the others). Undefined
 * when the model has no property head or the split no targets.
 */
export function evaluateProperties(model: VAE, split: DataSplit, batchSize = 256): Record<string, PropertyMetric> | undefined {
  const head = model.property;
  if (!head || !split.targets || split.n === 0) return undefined;
  const k = head.names.length;
  const predicted = new Float32Array(split.n * k);
  for (const [from, to] of batchRanges(split.n, batchSize)) {
    const { x } = batchTensor(split, null, from, to);
    const p = tf.tidy(() => head.predict(model.encoder.encode(x).mean));
    predicted.set(p.dataSync(), from * k);
    tf.dispose([x, p]);
  }
  return propertyMetrics(head.names, predicted, split.targets);
}
