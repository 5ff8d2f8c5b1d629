/**
 * The standard normal pieces the Parzen estimator needs, accurate in the far tails: erfc, log Φ,
 * log of the Gaussian mass of an interval, and the truncated normal's quantile and log density.
 * All in plain doubles (no vectorisation needed at TPE's sizes).
 */

// erfc after Sun's fdlibm s_erf.c (Copyright (C) 1993 Sun Microsystems; "Permission to use, copy,
// modify, and distribute this software is freely granted, provided that this notice is preserved").
const ERX = 8.45062911510467529297e-1;
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
const PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const QA = [1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
const RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const SA = [1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
const RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const SB = [3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];

/** c[0] + z·c[1] + z²·c[2] + … */
function poly(c: readonly number[], z: number): number {
  let r = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) r = r * z + c[i];
  return r;
}

/** 1 + z·c[0] + z²·c[1] + … */
function poly1(c: readonly number[], z: number): number {
  return 1 + z * poly(c, z);
}

const scratch = new DataView(new ArrayBuffer(8));
/** x with the low 32 bits of its mantissa cleared (fdlibm's SET_LOW_WORD(z, 0)). */
function truncateLowWord(x: number): number {
  scratch.setFloat64(0, x);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

/** Complementary error function, ~1 ulp accurate. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = poly(PP, z) / poly1(QQ, z);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const pq = poly(PA, s) / poly1(QA, s);
    return x >= 0 ? 1 - ERX - pq : 1 + ERX + pq;
  }
  if (ax < 28) {
    if (x < -6) return 2;
    const s = 1 / (ax * ax);
    const rs = ax < 1 / 0.35 ? poly(RA, s) / poly1(SA, s) : poly(RB, s) / poly1(SB, s);
    const z = truncateLowWord(ax);
    const r = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rs);
    return x > 0 ? r / ax : 2 - r / ax;
  }
  return x > 0 ? 0 : 2;
}

const SQRT1_2 = Math.SQRT1_2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Φ(a), the standard normal CDF. */
export function ndtr(a: number): number {
  return 0.5 * erfc(-a * SQRT1_2);
}

/** log Φ(a), accurate for very negative a (asymptotic series) and for large a (log1p). */
export function logNdtr(a: number): number {
  if (Number.isNaN(a)) return NaN;
  if (a > 6) return Math.log1p(-ndtr(-a));
  if (a > -20) return Math.log(ndtr(a));
  if (a === -Infinity) return -Infinity;
  // Φ(a) = φ(a)/|a| · (1 − 1/a² + 3/a⁴ − 15/a⁶ + …)
  const inv = 1 / (a * a);
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 50; k++) {
    term *= -(2 * k - 1) * inv;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI + Math.log(sum);
}

/** log φ(x) of the standard normal density. */
export function normLogPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/** log(e^p − e^q) for p >= q. */
function logDiff(p: number, q: number): number {
  if (q === -Infinity) return p;
  return p + Math.log1p(-Math.exp(q - p));
}

/** log(e^p + e^q). */
export function logAddExp(p: number, q: number): number {
  const m = Math.max(p, q);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/** log(Φ(b) − Φ(a)) for a <= b, computed in whichever tail is accurate. */
export function logGaussMass(a: number, b: number): number {
  if (!(a < b)) return -Infinity;
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Straddles 0: Φ(b) − Φ(a) = 1 − Φ(a) − Φ(−b), no cancellation.
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** The x with log Φ(x) = y (y <= 0): Newton's method on the concave log Φ, started left of the root. */
export function ndtriExp(y: number): number {
  if (Number.isNaN(y) || y > 0) return NaN;
  if (y === 0) return Infinity;
  if (y === -Infinity) return -Infinity;
  if (y > -Math.LN2) {
    // Upper half: solve Φ(−x) = 1 − e^y in the lower tail instead, where log Φ is well conditioned.
    return -ndtriExp(Math.log(-Math.expm1(y)));
  }
  // log Φ(x) < −x²/2 for x < 0, so −sqrt(−2y) lies left of the root; Newton on a concave increasing
  // function then climbs monotonically to it.
  let x = -Math.sqrt(-2 * y);
  for (let i = 0; i < 100; i++) {
    const f = logNdtr(x);
    const dx = (f - y) / Math.exp(normLogPdf(x) - f);
    x -= dx;
    if (!Number.isFinite(x)) break;
    if (Math.abs(dx) <= 1e-14 * Math.max(1, Math.abs(x))) break;
  }
  return Math.min(x, 0);
}

/** Quantile q ∈ (0, 1) of the standard normal truncated to [a, b]. */
export function truncnormPpf(q: number, a: number, b: number): number {
  if (a === b) return a;
  if (q <= 0) return a;
  if (q >= 1) return b;
  const mass = logGaussMass(a, b);
  let x: number;
  if (a < 0) {
    x = ndtriExp(logAddExp(logNdtr(a), Math.log(q) + mass));
  } else {
    x = -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + mass));
  }
  return Math.min(Math.max(x, a), b);
}

/**
 * log density at x of N(mu, sigma²) truncated to [low, high]; `logMass` is
 * logGaussMass((low − mu)/sigma, (high − mu)/sigma), passed in when precomputed.
 */
export function truncnormLogPdf(x: number, mu: number, sigma: number, low: number, high: number, logMass?: number): number {
  if (x < low || x > high) return -Infinity;
  const m = logMass ?? logGaussMass((low - mu) / sigma, (high - mu) / sigma);
  const z = (x - mu) / sigma;
  return normLogPdf(z) - Math.log(sigma) - m;
}
