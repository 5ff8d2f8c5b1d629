/**
 * Box-constrained quasi-Newton minimisation: projected L-BFGS. Variables at a bound whose gradient
 * pushes outward are held fixed; the others take the L-BFGS direction (two-loop recursion over the
 * last `memory` steps), and a backtracking Armijo search runs along the projected path
 * clip(x + t·d). Simpler than L-BFGS-B's Cauchy point, and enough for the GP's smooth,
 * low-dimensional problems (its hyperparameters, the acquisition function).
 */

export interface MinimizeOptions {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** Iterations (default 100). */
  maxIter?: number;
  /** Stop when the projected gradient's largest entry is below this (default 1e-6). */
  gtol?: number;
  /** Stop when an iteration lowers f by less than ftol·max(1, |f|) (default 1e-10). */
  ftol?: number;
  /** Pairs kept (default 10). */
  memory?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
}

/** f and its gradient at x; f may be Infinity or NaN where it is undefined (the search backs off). */
export type ValueAndGradient = (x: Float64Array) => { f: number; g: Float64Array };

function clip(x: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(x[i], lo[i]), hi[i]);
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Minimises fg over the box [lower, upper] starting from x0 (clipped into the box). */
export function minimizeBox(fg: ValueAndGradient, x0: ArrayLike<number>, o: MinimizeOptions): MinimizeResult {
  const { lower, upper } = o;
  const maxIter = o.maxIter ?? 100;
  const gtol = o.gtol ?? 1e-6;
  const ftol = o.ftol ?? 1e-10;
  const memory = o.memory ?? 10;
  const n = x0.length;
  let x = clip(x0, lower, upper);
  let { f, g } = fg(x);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let iter = 0;
  for (; iter < maxIter; iter++) {
    // Free variables: not held at a bound by a gradient pointing out of the box.
    const free = new Array<boolean>(n);
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(g[i]));
    }
    if (pgMax < gtol) break;
    // Two-loop recursion on the free variables' gradient.
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = free[i] ? g[i] : 0;
    const alpha = new Float64Array(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = dot(S[k], q) / dot(Y[k], S[k]);
      for (let i = 0; i < n; i++) q[i] -= alpha[k] * Y[k][i];
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = dot(Y[k], q) / dot(Y[k], S[k]);
      for (let i = 0; i < n; i++) q[i] += S[k][i] * (alpha[k] - beta);
    }
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = free[i] ? -q[i] : 0;
    if (!(dot(d, g) < 0)) {
      // Not a descent direction: restart from the scaled projected gradient.
      S.length = 0;
      Y.length = 0;
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] * scale : 0;
    }
    // Backtracking along the projected path.
    let t = 1;
    let accepted: { x: Float64Array; f: number; g: Float64Array } | undefined;
    for (let ls = 0; ls < 30; ls++) {
      const xt = new Float64Array(n);
      for (let i = 0; i < n; i++) xt[i] = Math.min(Math.max(x[i] + t * d[i], lower[i]), upper[i]);
      const r = fg(xt);
      evaluations++;
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i] * (xt[i] - x[i]);
      if (Number.isFinite(r.f) && r.f <= f + 1e-4 * decrease) {
        accepted = { x: xt, f: r.f, g: r.g };
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = accepted.x[i] - x[i];
      y[i] = accepted.g[i] - g[i];
    }
    const fPrev = f;
    x = accepted.x;
    f = accepted.f;
    g = accepted.g;
    if (dot(s, y) > 1e-12 * Math.max(1, dot(y, y))) {
      S.push(s);
      Y.push(y);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    if (fPrev - f <= ftol * Math.max(1, Math.abs(f))) {
      iter++;
      break;
    }
  }
  return { x, f, iterations: iter, evaluations };
}
