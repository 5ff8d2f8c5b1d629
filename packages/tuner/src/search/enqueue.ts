/**
 * `study.enqueue`: trials run first with given values (such as a grid over β to compare a search
 * with), before the sampler's own. Each entry is claimed once through the storage
 * (`createTrial({ claimKey })`, as grid points are), so worker processes never run one twice and
 * a failed one is run again; its trial is marked with the system attribute `enqueued` (the entry's
 * index), and the sampler's relative draw is skipped for it.
 */
import type { BeforeTrialContext, Distribution, ParamValue, Sampler, SamplerContext, TrialClaim } from '@vaekit/study';

export const ENQUEUED_KEY = 'enqueued';

export function withEnqueuedTrials(inner: Sampler, points: Array<Record<string, ParamValue>>, distributions: Record<string, Distribution>): Sampler {
  if (points.length === 0) return inner;
  const enqueued = (ctx: SamplerContext) => typeof ctx.trials.find((t) => t.number === ctx.trialNumber)?.systemAttrs[ENQUEUED_KEY] === 'number';
  const wrapped: Sampler = {
    name: inner.name,
    async beforeTrial(ctx: BeforeTrialContext): Promise<TrialClaim> {
      const held = new Set(ctx.trials.filter((t) => t.state !== 'FAIL').map((t) => t.systemAttrs.claimKey));
      for (let i = 0; i < points.length; i++) {
        const key = `${ENQUEUED_KEY}:${i}`;
        if (held.has(key)) continue;
        const dists = Object.fromEntries(Object.keys(points[i]).map((p) => [p, distributions[p]]));
        return ctx.createTrial({ claimKey: key, params: points[i], distributions: dists, systemAttrs: { [ENQUEUED_KEY]: i } });
      }
      return inner.beforeTrial ? inner.beforeTrial(ctx) : ctx.createTrial();
    },
    inferRelativeSearchSpace: (ctx) => (enqueued(ctx) ? {} : (inner.inferRelativeSearchSpace?.(ctx) ?? {})),
    sampleRelative: (ctx, space) => (enqueued(ctx) ? {} : (inner.sampleRelative?.(ctx, space) ?? {})),
    sampleIndependent: (ctx, name, dist) => inner.sampleIndependent(ctx, name, dist),
  };
  if (inner.afterTrial) wrapped.afterTrial = (ctx, t) => inner.afterTrial!(ctx, t);
  return wrapped;
}
