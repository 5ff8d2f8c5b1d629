/**
 * Log expected improvement, computed stably far into the tails (Ament et al., "Unexpected
 * improvements to expected improvement for Bayesian optimization", NeurIPS 2023).
 *
 * For a posterior N(μ, σ²) and the best value so far f* (maximising), with z = (μ − f*)/σ:
 *
 *   EI = σ h(z),  h(z) = φ(z) + z Φ(z),  log EI = log σ + log h(z).
 *
 * h(z) underflows for z below about −38, where plain EI is zero and gives the optimiser no
 * gradient. For z ≤ −1, h(z) = φ(z) (1 − |z| R(|z|)) with the Mills ratio R(t) = √(π/2) erfcx(t/√2),
 * so log h(z) = −z²/2 − log √(2π) + log(1 − |z| R(|z|)) is finite for any z; beyond |z| = 100 the
 * asymptotic series of 1 − t R(t) = t⁻² (1 − 3t⁻² + 15t⁻⁴ − …) avoids its cancellation.
 * d log h/dz = Φ(z)/h(z) is computed from the same pieces.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
const ASYMPTOTIC_BEYOND = 100;

/** erf(x) by its Taylor series: accurate for |x| < 2. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * sum;
}

/** erfcx(x) = exp(x²) erfc(x) for x ≥ 2 by Laplace's continued fraction (modified Lentz). */
function erfcxContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    if (D === 0) D = tiny;
    C = x + a / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** The scaled complementary error function exp(x²) erfc(x). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2) return erfcxContinuedFraction(x);
  if (x >= 0) return Math.exp(x * x) * (1 - erfSeries(x));
  // erfc(−t) = 2 − erfc(t).
  return 2 * Math.exp(x * x) - erfcx(-x);
}

/** The complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 0.5) return 1 - erfSeries(x);
  if (x > 0) return x > 27 ? 0 : Math.exp(-x * x) * erfcx(x);
  return 2 - erfc(-x);
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** The standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - HALF_LOG_2PI);
}

/** log(1 − exp(a)) for a < 0, accurate on both sides of −log 2. */
function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/**
 * log h(z) and its derivative Φ(z)/h(z), with h(z) = φ(z) + zΦ(z) (so EI = σ h(z)).
 */
export function logH(z: number): { value: number; deriv: number } {
  if (z > -1) {
    const cdf = normalCdf(z);
    const h = normalPdf(z) + z * cdf;
    return { value: Math.log(h), deriv: cdf / h };
  }
  const t = -z;
  if (t > ASYMPTOTIC_BEYOND) {
    const u = 1 / (t * t);
    // 1 − tR(t) = u (1 − 3u + 15u² − 105u³ + 945u⁴); R(t) = (1/t)(1 − u + 3u² − 15u³ + 105u⁴).
    const tail = 1 + u * (-3 + u * (15 + u * (-105 + u * 945)));
    const mills = 1 + u * (-1 + u * (3 + u * (-15 + u * 105)));
    return { value: -0.5 * z * z - HALF_LOG_2PI + Math.log(u) + Math.log(tail), deriv: (t * mills) / tail };
  }
  const mills = SQRT_HALF_PI * erfcx(t / SQRT2); // R(t) = (1 − Φ(t))/φ(t) = Φ(z)/φ(z)
  const logTail = log1mexp(Math.log(t * mills)); // log(1 − tR(t))
  return { value: -0.5 * z * z - HALF_LOG_2PI + logTail, deriv: mills / Math.exp(logTail) };
}

/**
 * log EI of a posterior N(mean, variance) against `best` (maximising), and its derivatives with
 * respect to the mean and the variance.
 */
export function logExpectedImprovement(mean: number, variance: number, best: number): { value: number; dMean: number; dVar: number } {
  const v = Math.max(variance, 1e-20);
  const sd = Math.sqrt(v);
  const z = (mean - best) / sd;
  const { value, deriv } = logH(z);
  // log EI = ½ log v + log h(z); ∂z/∂μ = 1/σ, ∂z/∂v = −z/(2v).
  return { value: 0.5 * Math.log(v) + value, dMean: deriv / sd, dVar: 0.5 / v - (deriv * z) / (2 * v) };
}
