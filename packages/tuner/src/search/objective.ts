import * as fs from 'fs';
import * as path from 'path';
import { runTraining } from '../commands/train';
import { Trial, TrialPruned } from '../study/trial';
import type { Objective } from '../study/study';
import { Metric, SearchEntry, trialConfig } from './spec';

export interface VaeObjectiveOptions {
  base: Record<string, unknown>;
  entries: SearchEntry[];
  metric: Metric;
  /** The config file, for messages. */
  file: string;
  baseDir: string;
  /** Each trial writes to STUDY_DIR/trial-N/. */
  studyDir: string;
}

/**
 * The VAE as a study objective: the trial's parameters override the base config at their
 * paths, the model trains as `vaekit train` would (metrics, checkpoint and pictures in its own
 * folder), each epoch's validation metric is reported for pruning, and the final value is the
 * metric on the validation split (on the test split when the data has none).
 */
export function vaeObjective(o: VaeObjectiveOptions): Objective {
  return async (trial: Trial) => {
    const params: Record<string, unknown> = {};
    for (const e of o.entries) params[e.path] = await trial.suggest(e.path, e.dist);
    const config = trialConfig(o.base, params as Record<string, string | number | boolean | null>, o.file);
    const out = path.join(o.studyDir, `trial-${trial.number}`);
    fs.mkdirSync(out, { recursive: true });
    const log = fs.createWriteStream(path.join(out, 'train.log'));
    let pruned = false;
    try {
      const result = await runTraining(config, {
        file: o.file,
        baseDir: o.baseDir,
        out,
        log,
        validationIwae: o.metric === 'iwaeNll' ? Math.max(config.eval.iwaeSamples, 50) : 0,
        onEpoch: async (m) => {
          const v = m.validation?.[o.metric as keyof typeof m.validation];
          if (typeof v !== 'number') return;
          await trial.report(v, m.epoch);
          if (await trial.shouldPrune()) {
            pruned = true;
            return false;
          }
        },
      });
      const source = result.validation ?? result.test;
      await trial.setUserAttr('metrics', {
        split: result.validation ? 'validation' : 'test',
        validation: result.validation && pick(result.validation),
        test: pick(result.test),
        samplesPerSec: result.samplesPerSec,
        epochs: result.epochs.length,
        backend: result.backend,
      });
      await trial.setUserAttr('dir', out);
      if (pruned) throw new TrialPruned(`pruned after epoch ${result.epochs.length}`);
      const value = (source as unknown as Record<string, number | undefined>)[o.metric];
      if (typeof value !== 'number') throw new Error(`metric ${o.metric} was not computed`);
      return value;
    } finally {
      await new Promise((r) => log.end(r));
    }
  };
}

function pick(m: { negElbo: number; recon: number; kl: number; activeUnits: number; mutualInfo: number; iwaeNll?: number }) {
  const out: Record<string, number> = { negElbo: m.negElbo, recon: m.recon, kl: m.kl, activeUnits: m.activeUnits, mutualInfo: m.mutualInfo };
  if (m.iwaeNll !== undefined) out.iwaeNll = m.iwaeNll;
  return out;
}
