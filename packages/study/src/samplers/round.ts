/** numpy.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A value snapped to the grid low, low + step, … as Optuna does it with numpy:
 * clip(round((v − low) / step) · step + low, low, high). Unlike roundToStep it keeps the float
 * noise of that formula (0.15000000000000002), which Optuna's later sorting sees.
 */
export function snapToStepNumpy(v: number, low: number, high: number, step: number): number {
  return Math.min(Math.max(roundHalfEven((v - low) / step) * step + low, low), high);
}
