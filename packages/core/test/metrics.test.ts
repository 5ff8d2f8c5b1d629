import { averagePrecision, rocAuc } from '../src';

describe('detection metrics', () => {
  it('ROC-AUC is the probability a random anomaly outscores a random normal, ties half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 10);
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
    expect(rocAuc([5, 5, 5, 5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([1, 2], [0, 0])).toBeNaN();
  });

  it('average precision matches scikit-learn on a worked example', () => {
    // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333…
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333, 6);
    expect(averagePrecision([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
  });
});
