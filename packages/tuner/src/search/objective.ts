import * as fs from 'fs';
import * as path from 'path';
import { runTraining } from '@vaekit/pipelines';
import { ConfigError, Trial, TrialPruned, VaekitError } from '@vaekit/study';
import type { Objective } from '@vaekit/study';
import { runAnomalyProtocol } from '@vaekit/pipelines';
import { ANOMALY_METRICS, type AnomalySection } from '@vaekit/pipelines';
import { Metric, SearchEntry, trialConfig } from './spec';

export interface VaeObjectiveOptions {
  base: Record<string, unknown>;
  entries: SearchEntry[];
  metric: Metric;
  /** A multi-objective study's metrics: the trial's value is then one number per metric, and nothing is reported per epoch. */
  metrics?: Metric[];
  /** The config file, for messages. */
  file: string;
  baseDir: string;
  /** Each trial writes to STUDY_DIR/trial-N/. */
  studyDir: string;
  /** The validated `anomaly:` section, for the anomaly metrics (rocAuc, prAuc). */
  anomaly?: AnomalySection;
}

/**
 * The VAE as a study objective: the trial's parameters override the base config at their
 * paths, the model trains as `vaekit train` would (metrics, checkpoint and pictures in its own
 * folder), each epoch's validation metric is reported for pruning, and the final value is the
 * metric on the validation split (on the test split when the data has none). With several
 * `metrics` (a multi-objective study), the value is the vector of those metrics, and no epoch is
 * reported (there is no pruning).
 */
export function vaeObjective(o: VaeObjectiveOptions): Objective {
  if (ANOMALY_METRICS.includes(o.metric)) return anomalyObjective(o);
  const multi = (o.metrics?.length ?? 1) > 1;
  return async (trial: Trial) => {
    const { config, out, log } = await startTrial(o, trial, 'train.log');
    let pruned = false;
    try {
      const result = await runTraining(config, {
        file: o.file,
        baseDir: o.baseDir,
        out,
        log,
        validationIwae: (o.metrics ?? [o.metric]).includes('iwaeNll') ? Math.max(config.eval.iwaeSamples, 50) : 0,
        onEpoch: async (m) => {
          if (multi) return;
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
      const measured = source as unknown as Record<string, number | undefined>;
      if (multi) {
        return o.metrics!.map((k) => {
          if (typeof measured[k] !== 'number') throw new VaekitError(`metric ${k} was not computed`);
          return measured[k]!;
        });
      }
      const value = measured[o.metric];
      if (typeof value !== 'number') throw new VaekitError(`metric ${o.metric} was not computed`);
      return value;
    } finally {
      await new Promise((r) => log.end(r));
    }
  };
}

/** The trial's config (its parameters suggested and set at their paths), its folder and its log. */
async function startTrial(o: VaeObjectiveOptions, trial: Trial, logName: string) {
  const params: Record<string, unknown> = {};
  for (const e of o.entries) params[e.path] = await trial.suggest(e.path, e.dist);
  const config = trialConfig(o.base, params as Record<string, string | number | boolean | null>, o.file);
  const out = path.join(o.studyDir, `trial-${trial.number}`);
  fs.mkdirSync(out, { recursive: true });
  return { config, out, log: fs.createWriteStream(path.join(out, logName)) };
}

function pick(m: { negElbo: number; recon: number; kl: number; activeUnits: number; mutualInfo: number; iwaeNll?: number; ppl?: number }) {
  const out: Record<string, number> = { negElbo: m.negElbo, recon: m.recon, kl: m.kl, activeUnits: m.activeUnits, mutualInfo: m.mutualInfo };
  if (m.iwaeNll !== undefined) out.iwaeNll = m.iwaeNll;
  if (m.ppl !== undefined) out.ppl = m.ppl;
  return out;
}

/**
 * Anomaly detection as a study objective: the trial runs the one-class protocol of
 * `vaekit anomaly` with its parameters, and its value is the mean ROC-AUC (or PR-AUC) over the
 * normal classes on the validation split — rows held out of training with every label — so the
 * test split, whose AUCs are kept beside it, is never tuned on. Without a validation split the
 * test split is used, and the trial says so (`split`). After each class the partial sum of the
 * AUCs over the number of classes is reported, so a pruner can stop a trial that detects badly on
 * its first classes.
 */
function anomalyObjective(o: VaeObjectiveOptions): Objective {
  const key = o.metric as 'rocAuc' | 'prAuc';
  if (!o.anomaly) throw new ConfigError(`${o.file}: study.metric: ${o.metric} needs an anomaly: section`, 'study.metric');
  const section = o.anomaly;
  return async (trial: Trial) => {
    const { config, out, log } = await startTrial(o, trial, 'anomaly.log');
    let pruned = false;
    const held = (c: { validation?: { rocAuc: number; prAuc: number }; rocAuc: number; prAuc: number }) => (c.validation ?? c)[key];
    try {
      const r = await runAnomalyProtocol(config, section, {
        file: o.file,
        baseDir: o.baseDir,
        out,
        log,
        validation: true,
        onClass: async (_c, done, total) => {
          // The partial sum over the classes so far, divided by the number of classes: it rises to
          // the final mean at the last class, so it is always a trial's best value so far (what
          // the median and percentile pruners compare, as Optuna's do), and two trials compared
          // at step k are compared on the same k classes. A running mean would fall as the harder
          // classes come in, and its best would stay at the easy first classes.
          await trial.report(done.reduce((a, c) => a + held(c), 0) / total, done.length);
          if (done.length < total && (await trial.shouldPrune())) {
            pruned = true;
            return false;
          }
        },
      });
      fs.writeFileSync(path.join(out, 'anomaly.json'), JSON.stringify(r, null, 2) + '\n');
      const onValidation = !!r.validation;
      await trial.setUserAttr('metrics', {
        split: onValidation ? 'validation' : 'test',
        validation: r.validation && { rocAuc: r.validation.meanRocAuc, prAuc: r.validation.meanPrAuc },
        test: { rocAuc: r.meanRocAuc, prAuc: r.meanPrAuc, ...Object.fromEntries(Object.entries(r.baselines).map(([n, v]) => [`${n}RocAuc`, v])) },
        classes: r.classes.map((c) => ({ normal: c.normal, validation: c.validation, test: { rocAuc: c.rocAuc, prAuc: c.prAuc } })),
      });
      await trial.setUserAttr('dir', out);
      if (pruned) throw new TrialPruned(`pruned after ${r.classes.length} of the normal classes`);
      const value = onValidation ? r.validation![key === 'rocAuc' ? 'meanRocAuc' : 'meanPrAuc'] : key === 'rocAuc' ? r.meanRocAuc : r.meanPrAuc;
      return value;
    } finally {
      await new Promise((res) => log.end(res));
    }
  };
}
