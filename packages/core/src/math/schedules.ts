/**
 * KL weight schedules against posterior collapse. Progress is counted in epochs (fractional), or
 * in optimiser steps when the schedule is given in steps (`warmupSteps`, `cycleSteps`), as text
 * VAEs anneal (Bowman et al. 2016).
 */
export type KlSchedule =
  | { kind: 'constant' }
  | { kind: 'linear'; warmupEpochs?: number; warmupSteps?: number; start?: number }
  | { kind: 'cyclical'; cycles?: number; cycleSteps?: number; ratio?: number };

/**
 * The multiplier in [0, 1] applied to β at progress t (epochs, fractional) of totalEpochs, after
 * `step` optimiser steps (0-based: the weight of the step about to be taken).
 * linear: rises from `start` to 1 over warmupEpochs (or warmupSteps), then stays at 1.
 * cyclical (Fu et al. 2019): training is split into `cycles` equal periods (or periods of
 * cycleSteps steps); in each the weight rises linearly from 0 to 1 over the first `ratio` of the
 * period and stays at 1 for the rest.
 */
export function klWeight(schedule: KlSchedule | undefined, t: number, totalEpochs: number, step?: number): number {
  if (!schedule || schedule.kind === 'constant') return 1;
  if (schedule.kind === 'linear') {
    const start = schedule.start ?? 0;
    if (schedule.warmupSteps !== undefined && step !== undefined) {
      return Math.min(1, start + (1 - start) * (step / schedule.warmupSteps));
    }
    const warm = schedule.warmupEpochs ?? 5;
    return warm <= 0 ? 1 : Math.min(1, start + (1 - start) * (t / warm));
  }
  const ratio = schedule.ratio ?? 0.5;
  if (schedule.cycleSteps !== undefined && step !== undefined) {
    return Math.min(1, (step % schedule.cycleSteps) / schedule.cycleSteps / ratio);
  }
  const cycles = schedule.cycles ?? 4;
  const period = totalEpochs / cycles;
  const tau = (t % period) / period;
  return Math.min(1, tau / ratio);
}
