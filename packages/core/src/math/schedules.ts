/** KL weight schedules against posterior collapse. `t` is training progress in epochs (fractional). */
export type KlSchedule =
  | { kind: 'constant' }
  | { kind: 'linear'; warmupEpochs?: number; start?: number }
  | { kind: 'cyclical'; cycles?: number; ratio?: number };

/**
 * The multiplier in [0, 1] applied to β at progress t of totalEpochs.
 * linear: rises from `start` to 1 over warmupEpochs, then stays at 1.
 * cyclical (Fu et al. 2019): training is split into `cycles` equal periods; in each the weight
 * rises linearly from 0 to 1 over the first `ratio` of the period and stays at 1 for the rest.
 */
export function klWeight(schedule: KlSchedule | undefined, t: number, totalEpochs: number): number {
  if (!schedule || schedule.kind === 'constant') return 1;
  if (schedule.kind === 'linear') {
    const warm = schedule.warmupEpochs ?? 5;
    const start = schedule.start ?? 0;
    return warm <= 0 ? 1 : Math.min(1, start + (1 - start) * (t / warm));
  }
  const cycles = schedule.cycles ?? 4;
  const ratio = schedule.ratio ?? 0.5;
  const period = totalEpochs / cycles;
  const tau = (t % period) / period;
  return Math.min(1, tau / ratio);
}
