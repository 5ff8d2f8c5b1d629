/**
 * Detection metrics of scores against binary labels (1 = anomaly = positive; higher score = more
 * anomalous). ROC-AUC is the Mann–Whitney statistic with ties counted half; PR-AUC is the
 * average precision (the step-wise area, as scikit-learn's average_precision_score).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (labels[idx[t]]) {
        rankSumPos += avgRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const totalPos = Array.from({ length: n }, (_, i) => (labels[i] ? 1 : 0) as number).reduce((a, b) => a + b, 0);
  if (totalPos === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    for (let t = i; t <= j; t++) (labels[idx[t]] ? tp++ : fp++);
    const recall = tp / totalPos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    i = j + 1;
  }
  return ap;
}
