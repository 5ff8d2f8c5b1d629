/**
 * Maximising the acquisition function (log EI) over the search space, multi-start as BoTorch and
 * Optuna's GPSampler do: score many scrambled-Sobol candidates (and the best trials so far), then
 * refine the best few: the continuous inputs by box-constrained quasi-Newton on log EI's gradient,
 * the discrete and categorical ones by a local search over neighbouring values, in turns until
 * neither improves.
 */
import { logExpectedImprovement } from './acquisition';
import type { GaussianProcess } from './model';
import type { EncodedSpace } from './space';
import { minimizeBox } from './lbfgsb';
import { SobolSequence } from '../qmc/sobol';

export interface AcquisitionOptions {
  /** Quasi-random candidates scored first. */
  nCandidates: number;
  /** Candidates refined. */
  nRefine: number;
  /** Seed and key of the candidates' scramble (the sampler passes its seed and the trial number). */
  seed: number;
  key: string;
  /** Extra starting points (inputs), such as the best trials'. */
  starts?: Float64Array[];
  /**
   * Points not to suggest again (the trials' own, as `JSON.stringify(space.decode(x))`): the best
   * point that is not one of them wins, unless every candidate is.
   */
  exclude?: Set<string>;
}

/** log EI at x (snapped), and its gradient with respect to x's continuous inputs. */
export function logEIAt(gp: GaussianProcess, best: number, x: Float64Array, grad: boolean): { value: number; grad?: Float64Array } {
  const p = gp.predict(x, grad);
  const l = logExpectedImprovement(p.mean, p.variance, best);
  if (!grad) return { value: l.value };
  const g = new Float64Array(x.length);
  for (let d = 0; d < x.length; d++) g[d] = l.dMean * (p.dMean as Float64Array)[d] + l.dVar * (p.dVar as Float64Array)[d];
  return { value: l.value, grad: g };
}

/** Quasi-Newton ascent on the continuous inputs of x, the others held fixed. */
function refineContinuous(gp: GaussianProcess, best: number, space: EncodedSpace, x: Float64Array, value: number): { x: Float64Array; value: number } {
  const free = space.kinds.map((k, d) => (k === 'continuous' ? d : -1)).filter((d) => d >= 0);
  if (free.length === 0) return { x, value };
  const full = (z: Float64Array) => {
    const y = Float64Array.from(x);
    free.forEach((d, i) => (y[d] = z[i]));
    return y;
  };
  const r = minimizeBox(
    (z) => {
      const e = logEIAt(gp, best, full(z), true);
      const g = new Float64Array(free.length);
      free.forEach((d, i) => (g[i] = -(e.grad as Float64Array)[d]));
      return { f: Number.isFinite(e.value) ? -e.value : Infinity, g };
    },
    Float64Array.from(free.map((d) => x[d])),
    { lower: new Float64Array(free.length), upper: new Float64Array(free.length).fill(1), maxIter: 50, gtol: 1e-7, ftol: 1e-9 },
  );
  return -r.f > value ? { x: full(r.x), value: -r.f } : { x, value };
}

/** Greedy moves of the discrete and categorical inputs to a neighbouring value while log EI improves. */
function localSearchDiscrete(gp: GaussianProcess, best: number, space: EncodedSpace, x: Float64Array, value: number): { x: Float64Array; value: number; moved: boolean } {
  let moved = false;
  for (let round = 0; round < 20; round++) {
    let improved = false;
    for (let d = 0; d < x.length; d++) {
      if (space.kinds[d] === 'continuous') continue;
      for (const v of space.neighbours(d, x[d])) {
        const y = Float64Array.from(x);
        y[d] = v;
        const e = logEIAt(gp, best, y, false).value;
        if (e > value) {
          x = y;
          value = e;
          improved = true;
        }
      }
    }
    if (!improved) break;
    moved = true;
  }
  return { x, value, moved };
}

/** The input maximising log EI (found by the multi-start search), and its value. */
export function maximizeLogEI(gp: GaussianProcess, best: number, space: EncodedSpace, o: AcquisitionOptions): { x: Float64Array; value: number } {
  const D = space.dimension;
  const sobol = new SobolSequence(D, { seed: o.seed, key: o.key });
  const scored: Array<{ x: Float64Array; value: number }> = [];
  for (let i = 0; i < o.nCandidates; i++) {
    const x = space.fromUnitPoint(sobol.point(i));
    scored.push({ x, value: logEIAt(gp, best, x, false).value });
  }
  for (const s of o.starts ?? []) {
    const x = space.snap(Float64Array.from(s));
    scored.push({ x, value: logEIAt(gp, best, x, false).value });
  }
  scored.sort((a, b) => b.value - a.value);
  const results: Array<{ x: Float64Array; value: number }> = [];
  const seen = new Set<string>();
  let refined = 0;
  for (const start of scored) {
    if (refined >= o.nRefine) break;
    const key = Array.from(start.x).join(',');
    if (seen.has(key) || !Number.isFinite(start.value)) continue;
    seen.add(key);
    refined++;
    let cur = refineContinuous(gp, best, space, start.x, start.value);
    for (let turn = 0; turn < 3; turn++) {
      const moved = localSearchDiscrete(gp, best, space, cur.x, cur.value);
      if (!moved.moved) break;
      cur = refineContinuous(gp, best, space, moved.x, moved.value);
    }
    results.push({ x: space.snap(Float64Array.from(cur.x)), value: cur.value });
  }
  // The best refined point, else the best candidate, that is not a point already tried.
  results.sort((a, b) => b.value - a.value);
  const isNew = (x: Float64Array) => !o.exclude?.has(JSON.stringify(space.decode(x)));
  const winner = results.find((r) => isNew(r.x)) ?? scored.find((r) => isNew(r.x)) ?? results[0] ?? scored[0];
  return { x: space.snap(Float64Array.from(winner.x)), value: winner.value };
}
