/** The rate–distortion section: the completed trials in the (KL, reconstruction) plane and their Pareto front (Alemi et al. 2018). */
import type { ReportSection } from '@vaekit/report';
import { rateDistortionChart, RdTrial } from './charts/rate-distortion';
import { finite, trialMetrics } from './metrics';
import { paretoFront } from './pareto';

/** What the section puts in the report data: the trials on the Pareto front, by rate. */
export interface RateDistortionData {
  front: number[];
}

export const rateDistortionSection: ReportSection = {
  id: 'rate-distortion',
  build(ctx) {
    const points: RdTrial[] = [];
    let split: string | null = null;
    for (const t of ctx.trials) {
      const { metrics, split: s } = trialMetrics(t);
      split ??= s;
      if (t.state !== 'COMPLETE' || !metrics) continue;
      if (finite(metrics.kl) === undefined || finite(metrics.recon) === undefined) continue;
      const enqueued = typeof t.systemAttrs.enqueued === 'number';
      const beta = typeof t.params['model.beta'] === 'number' ? (t.params['model.beta'] as number) : undefined;
      points.push({ trial: t.number, rate: metrics.kl!, distortion: metrics.recon!, ...(enqueued ? { enqueued, ...(beta !== undefined ? { beta } : {}) } : {}) });
    }
    if (!points.length) return null;
    const front = paretoFront(points.map((p) => ({ id: p.trial, rate: p.rate, distortion: p.distortion }))).map((p) => p.id);
    const data: RateDistortionData = { front };
    const multi = (ctx.study.directions?.length ?? 1) > 1;
    const grid = points.some((p) => p.enqueued);
    return {
      title: 'Rate\u2013distortion plane',
      note:
        'Each completed trial at its ' + (split ?? 'validation') +
        ' rate (KL) and distortion (reconstruction term); \u2212ELBO = R + D, so lines of slope \u22121 have equal ELBO. ' +
        (multi ? 'Red points' : 'Red-ringed points') +
        ' form the Pareto front (no other trial has both lower rate and lower distortion), joined by the dashed red staircase (Alemi et al. 2018)' +
        (multi ? '; grey points are dominated.' : '.') +
        (grid ? ' Diamonds joined by the blue line are the trials run first at given values (study.enqueue), labelled with their \u03b2: the grid the search is compared with.' : ''),
      charts: [rateDistortionChart(ctx, points, front)],
      blocks: [{ type: 'chart', chart: 'rd' }],
      data,
    };
  },
};
