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
