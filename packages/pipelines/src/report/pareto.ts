/**
 * The Pareto front of the rate–distortion plane (Alemi et al. 2018, "Fixing a Broken ELBO"):
 * each trial is a point (rate R = KL(q(z|x) ‖ p(z)), distortion D = −E log p(x|z)), both to be
 * minimised. A point is on the front when no other point has R and D both no larger and one of
 * them smaller.
 */
export interface RdPoint {
  id: number;
  rate: number;
  distortion: number;
}

/** The non-dominated points, sorted by rate (then distortion). Non-finite points are ignored. */
export function paretoFront<T extends RdPoint>(points: T[]): T[] {
  const ok = points.filter((p) => Number.isFinite(p.rate) && Number.isFinite(p.distortion));
  const front = ok.filter((p) => !ok.some((q) => q !== p && q.rate <= p.rate && q.distortion <= p.distortion && (q.rate < p.rate || q.distortion < p.distortion)));
  return front.sort((a, b) => a.rate - b.rate || a.distortion - b.distortion || a.id - b.id);
}
