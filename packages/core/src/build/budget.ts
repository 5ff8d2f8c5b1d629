/**
 * A bound on the weight values a model being built may create, so that a model described by
 * untrusted input (a checkpoint's config) cannot allocate more memory than that input justifies.
 * The built-in layers reserve their values here before allocating them.
 */
let budget: { left: number; exceeded: () => Error } | undefined;

/**
 * Runs `build` with at most `values` weight values allowed; the first layer that would go beyond
 * them throws `exceeded()` before allocating anything.
 */
export async function withWeightBudget<T>(values: number, exceeded: () => Error, build: () => Promise<T>): Promise<T> {
  const outer = budget;
  budget = { left: values, exceeded };
  try {
    return await build();
  } finally {
    budget = outer;
  }
}

/** Reserves `n` weight values of the current budget, if any; throws when it is exceeded. */
export function reserveWeightValues(n: number): void {
  if (!budget) return;
  budget.left -= n;
  if (!(budget.left >= 0)) throw budget.exceeded();
}

/** True while a budget is in force (an outer caller, such as checkpoint loading, set a tighter one). */
export function hasWeightBudget(): boolean {
  return budget !== undefined;
}

/**
 * The most weight values a model built from a config may have: 2^26 (256 MiB of float32, about
 * 1 GiB with the optimizer's state), far beyond a VAE that trains on a CPU, so that a config
 * asking for `hidden: [1e9]` is refused before anything is allocated.
 */
export const MAX_MODEL_WEIGHTS = 2 ** 26;
