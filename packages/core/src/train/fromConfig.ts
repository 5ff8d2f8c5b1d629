import type { TrainConfig } from '../config/types';
import type { TrainOptions } from './trainer';

/** The trainer's options as a validated config sets them (callbacks are the caller's to add). */
export function trainOptionsFromConfig(config: TrainConfig): TrainOptions {
  const t = config.train;
  return {
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: t.optimizer,
    seed: t.seed,
    beta: config.model.beta,
    klSchedule: config.model.klSchedule,
    freeBits: config.model.freeBits,
    ...(config.model.property ? { propertyWeight: config.model.property.weight } : {}),
    clipNorm: t.clipNorm,
    threads: t.threads,
    earlyStopping: t.earlyStopping,
    evalBatchSize: config.eval.batchSize,
    activeUnitThreshold: config.eval.activeUnitThreshold,
  };
}
