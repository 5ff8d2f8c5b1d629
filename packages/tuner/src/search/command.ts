import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { announceNativeKernels, backendLabel, ConfigError, machineCores, selectBackend, setDefaultThreads, setPath, threadsPerWorker, wasmExpected } from '@vaekit/core';
import { checkStudyName, loadConfigFile } from '../config';
import { createSampler, createStudy, frontSummary, redactStorageUrl, Study, trialValues } from '@vaekit/study';
import type { FrontSummary, FrozenTrial, ParamValue } from '@vaekit/study';
import { withEnqueuedTrials } from './enqueue';
import { gridSize, parseSearchConfig, SearchSpec } from './spec';
import { vaeObjective } from './objective';
import { checkSearchPlugins } from './preflight';
import { failureOutcome, recordingFailures } from './failures';
import { checkSqliteDriver } from './drivers';
import { reportTrial, runWorkerProcesses } from './workers';
import { writeReportFile } from '@vaekit/report';
import { vaeReportSections } from '@vaekit/pipelines';

export interface SearchArgs {
  config: string;
  configsDir: string;
  sets: string[];
  trials?: number;
  workers?: number;
  storage?: string;
  study?: string;
  out?: string;
  json: boolean;
  /** Set in child processes: run trials, report each on stdout, write no summary. */
  worker?: boolean;
}

export interface SearchSummary {
  study: string;
  /** The (first) metric. */
  metric: string;
  /** The (first) direction. */
  direction: string;
  /** Multi-objective studies: every metric, and one direction per metric. */
  metrics?: string[];
  directions?: string[];
  sampler: string;
  storage: string;
  /** Single-objective studies: the best trial (null for a multi-objective study: see front). */
  best: { number: number; value: number; params: Record<string, ParamValue> } | null;
  /** Multi-objective studies: the Pareto-optimal trials and the hypervolume of the front (null before any trial completed). */
  front?: FrontSummary | null;
  trials: Array<{
    number: number;
    state: string;
    value: number | null;
    values?: number[] | null;
    params: Record<string, ParamValue>;
    metrics: unknown;
    seconds: number | null;
    error?: string;
  }>;
}

/** Everything a search needs, resolved from the config file and the command line. */
function resolve(a: SearchArgs) {
  const loaded = loadConfigFile(a.config, { configsDir: a.configsDir, cwd: process.cwd(), sets: a.sets });
  const file = path.relative(process.cwd(), loaded.file) || loaded.file;
  const name = path.basename(loaded.file).replace(/\.ya?ml$/, '');
  const spec: SearchSpec = parseSearchConfig(loaded.raw, file, { name });
  // Every plugin the base config and the searched values name, before anything is written.
  checkSearchPlugins(spec, { file, baseDir: path.dirname(loaded.file) });
  const s = spec.study;
  if (a.study !== undefined) s.name = checkStudyName(a.study, '--study');
  else checkStudyName(s.name, loaded.raw.study?.name !== undefined ? `${file}: study.name` : `${file}: the study name taken from the file name`);
  const out = path.resolve(a.out ?? 'out');
  const storage = a.storage ?? s.storage ?? `sqlite:${path.join(out, 'studies.db')}`;
  checkSqliteDriver(storage);
  const trials = a.trials ?? s.trials ?? (spec.grid ? gridSize(spec.grid) : 20);
  const workers = a.workers ?? s.workers ?? os.cpus().length;
  if (a.trials !== undefined && (!Number.isInteger(a.trials) || a.trials < 1)) throw new ConfigError(`--trials: expected an integer >= 1, found ${a.trials}`);
  if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1)) throw new ConfigError(`--workers: expected an integer >= 1, found ${a.workers}`);
  if (workers > 1 && storage.startsWith('memory:')) throw new ConfigError(`study.storage: memory: cannot be shared by ${workers} worker processes (use sqlite:PATH or postgres://…, or --workers 1)`);
  // Threads of the native kernels per process: train.threads, else every core shared out among the
  // worker processes (max(1, floor(cores / workers))) so a study never oversubscribes the machine.
  const threads = loaded.config.train.threads ?? (workers > 1 ? threadsPerWorker(workers) : machineCores());
  return { loaded, file, spec, out, storage, trials, workers, threads, studyDir: path.join(out, s.name) };
}

function openStudy(r: ReturnType<typeof resolve>, worker = false): Study {
  const s = r.spec.study;
  // TPE draws as Optuna does (one numpy-compatible sequence) when one process runs the study; worker
  // processes, and studies shared through PostgreSQL by other machines, each hold their own sampler:
  // keyed streams keep them from repeating each other's start-up trials.
  const shared = worker || r.workers > 1 || /^postgres(ql)?:/.test(r.storage);
  const streamed = (s.sampler.name === 'tpe' || s.sampler.name === 'nsga2') && s.sampler.stream === undefined;
  const spec = streamed ? { ...s.sampler, stream: shared ? 'keyed' : 'numpy' } : s.sampler;
  const dists = Object.fromEntries(r.spec.entries.map((e) => [e.path, e.dist]));
  const sampler = withEnqueuedTrials(createSampler(spec, r.spec.grid), s.enqueue ?? [], dists);
  const multi = s.metrics.length > 1;
  return createStudy({
    name: s.name,
    ...(multi ? { directions: s.directions } : { direction: s.direction }),
    sampler,
    pruner: s.pruner,
    storage: r.storage,
    attrs: multi ? { metric: s.metric, metrics: s.metrics, ...(s.referencePoint ? { referencePoint: s.referencePoint } : {}), config: r.file } : { metric: s.metric, config: r.file },
  });
}

const fmt = (v: number | undefined | null) => (v === undefined || v === null ? '—' : Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toPrecision(4) : v.toFixed(3));
const showParams = (p: Record<string, ParamValue>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`)
    .join(' ');
const seconds = (t: FrozenTrial) => (t.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : null);

/** A trial's value as the command shows it: its value, or its values (multi-objective) joined by " / ". */
const showValue = (t: { value?: number | null; values?: number[] | null }) => (t.values ? t.values.map(fmt).join(' / ') : fmt(t.value));

function trialLine(t: FrozenTrial, study: Study): string {
  const secs = seconds(t);
  const best = study.isMultiObjective ? undefined : study.bestTrial;
  const front = study.isMultiObjective ? study.bestTrials : undefined;
  return (
    `trial ${t.number}  ${t.state.padEnd(8)} ${showValue(t).padStart(9)}  ${showParams(t.params)}` +
    (secs !== null ? `  ${secs.toFixed(1)} s` : '') +
    (t.error ? `  (${t.error.split('\n')[0]})` : '') +
    (best ? `   best: trial ${best.number} = ${fmt(best.value)}` : '') +
    (front && front.length ? `   front: trial${front.length > 1 ? 's' : ''} ${front.map((f) => f.number).join(', ')}` : '')
  );
}

/** "minimize recon" or "minimize recon, minimize kl". */
const objectives = (s: { metrics: string[]; directions: string[] }) => s.metrics.map((m, i) => `${s.directions[i]} ${m}`).join(', ');

/** `vaekit search`: runs (or resumes) a study, in-process or with worker processes, then writes the summary. */
export async function runSearch(a: SearchArgs): Promise<SearchSummary | undefined> {
  const r = resolve(a);
  const s = r.spec.study;
  const log = a.json ? process.stderr : process.stdout;
  fs.mkdirSync(r.studyDir, { recursive: true });
  const objective = recordingFailures(vaeObjective({ base: r.spec.base, entries: r.spec.entries, metric: s.metric, metrics: s.metrics, file: r.file, baseDir: path.dirname(r.loaded.file), studyDir: r.studyDir, anomaly: r.spec.anomaly }));
  const optimizeOpts = { nTrials: r.trials, timeoutSeconds: s.timeout, heartbeatSeconds: s.heartbeatSeconds, staleSeconds: s.staleSeconds };

  if (a.worker) {
    setDefaultThreads(r.threads);
    await selectBackend(r.loaded.config.train.backend);
    const study = openStudy(r, true);
    await study.optimize(objective, { ...optimizeOpts, workers: 1, onTrialEnd: reportTrial });
    await study.close();
    return undefined;
  }

  const study = await openStudy(r).open();
  const already = study.trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED').length;
  log.write(
    `vaekit: study ${s.name} (${s.sampler.name} sampler, ${s.pruner.name} pruner, ${objectives(s)}) in ${redactStorageUrl(r.storage)}: ` +
      `${already} of ${r.trials} trials finished, ${r.workers} worker${r.workers > 1 ? 's' : ''} × ${r.threads} thread${r.threads > 1 ? 's' : ''}\n`,
  );
  const onEnd = async (t: FrozenTrial) => {
    await study.refresh();
    log.write(trialLine(t, study) + '\n');
  };
  if (r.workers <= 1) {
    await selectBackend(r.loaded.config.train.backend);
    log.write(`vaekit: backend ${backendLabel()}\n`);
    await study.optimize(objective, { ...optimizeOpts, workers: 1, onTrialEnd: onEnd });
  } else {
    // The worker processes choose the backend; the one line about missing native kernels is said here.
    if (wasmExpected(r.loaded.config.train.backend)) announceNativeKernels();
    await runWorkers(a, r.workers, onEnd, log);
  }
  await study.refresh();
  const summary = writeSummary(r, study);
  const report = writeStudyReport(r, study, log);
  await study.close();
  const summaryFile = path.join(r.studyDir, 'summary.json');
  const failures = failureOutcome(study.trials, path.relative(process.cwd(), summaryFile) || summaryFile);
  log.write(table(summary, !failures.error) + `\nwrote ${summaryFile}` + (summary.best ? ` and ${path.join(r.studyDir, 'best.yaml')}` : '') + '\n');
  if (failures.note) log.write(failures.note + '\n');
  if (report) log.write(`report: ${report}\n`);
  if (a.json) process.stdout.write(JSON.stringify(summary) + '\n');
  // Every trial failed: the summary and the report are written, and the command fails.
  if (failures.error) throw failures.error;
  return summary;
}

/** Starts K worker processes on the same study and relays each finished trial. */
async function runWorkers(a: SearchArgs, k: number, onEnd: (t: FrozenTrial) => Promise<void>, log: NodeJS.WritableStream): Promise<void> {
  const args = ['search', '--config', a.config, '--worker', '--json', '--out', path.resolve(a.out ?? 'out'), '--workers', String(k)];
  for (const s of a.sets) args.push('--set', s);
  if (a.trials !== undefined) args.push('--trials', String(a.trials));
  if (a.storage) args.push('--storage', a.storage);
  if (a.study) args.push('--study', a.study);
  await runWorkerProcesses(args, k, onEnd, log);
}

function writeSummary(r: ReturnType<typeof resolve>, study: Study): SearchSummary {
  const s = r.spec.study;
  const multi = study.isMultiObjective;
  const best = multi ? undefined : study.bestTrial;
  const summary: SearchSummary = {
    study: s.name,
    metric: s.metric,
    direction: s.direction,
    ...(multi ? { metrics: s.metrics, directions: s.directions } : {}),
    sampler: s.sampler.name,
    storage: redactStorageUrl(r.storage),
    best: best ? { number: best.number, value: best.value!, params: best.params } : null,
    ...(multi ? { front: frontSummary(study.trials, study.directions, s.referencePoint) ?? null } : {}),
    trials: study.trials.map((t) => ({
      number: t.number,
      state: t.state,
      value: t.value ?? null,
      ...(multi ? { values: trialValues(t) ?? null } : {}),
      params: t.params,
      metrics: t.userAttrs.metrics ?? null,
      seconds: seconds(t),
      ...(t.error ? { error: t.error } : {}),
    })),
  };
  fs.writeFileSync(path.join(r.studyDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (best) {
    // The best trial's config, runnable as is by `vaekit train`.
    const cfg = JSON.parse(JSON.stringify(r.spec.base));
    delete cfg.$schema;
    for (const [p, v] of Object.entries(best.params)) setPath(cfg, p, v);
    const run = r.spec.anomaly ? 'vaekit anomaly' : 'vaekit train';
    const header = `# Best trial ${best.number} of study ${s.name}: ${s.metric} = ${best.value} (${s.direction})\n# ${run} --config ${path.join(r.studyDir, 'best.yaml')}\n`;
    fs.writeFileSync(path.join(r.studyDir, 'best.yaml'), header + stringify(cfg));
  }
  return summary;
}

/** OUT/STUDY/report.html (see @vaekit/report); a failure to write it is reported, not fatal: the search itself succeeded. */
function writeStudyReport(r: ReturnType<typeof resolve>, study: Study, log: NodeJS.WritableStream): string | undefined {
  try {
    const s = r.spec.study;
    const multi = s.metrics.length > 1;
    const attrs = multi ? { metric: s.metric, metrics: s.metrics, ...(s.referencePoint ? { referencePoint: s.referencePoint } : {}), config: r.file } : { metric: s.metric, config: r.file };
    const info = { name: s.name, direction: s.direction, ...(multi ? { directions: s.directions } : {}), attrs, storage: redactStorageUrl(r.storage) };
    return writeReportFile(path.join(r.studyDir, 'report.html'), info, study.trials, { sections: vaeReportSections() }).file;
  } catch (e) {
    log.write(`vaekit: could not write the report: ${(e as Error)?.message ?? String(e)}\n`);
    return undefined;
  }
}

function table(s: SearchSummary, withBest = true): string {
  const rows = [...s.trials].sort((a, b) => a.number - b.number);
  const head = (s.metrics ?? [s.metric]).join(' / ');
  const lines = [`${'trial'.padStart(5)}  ${'state'.padEnd(8)} ${head.padStart(10)}  ${'seconds'.padStart(8)}  params`];
  for (const t of rows) lines.push(`${String(t.number).padStart(5)}  ${t.state.padEnd(8)} ${showValue(t).padStart(10)}  ${t.seconds === null ? '—'.padStart(8) : t.seconds.toFixed(1).padStart(8)}  ${showParams(t.params)}`);
  if (withBest && s.metrics) lines.push(...frontLines(s));
  else if (withBest) lines.push(s.best ? `best: trial ${s.best.number}, ${s.metric} ${fmt(s.best.value)}, ${showParams(s.best.params)}` : 'best: none (no trial completed)');
  return lines.join('\n');
}

/** The Pareto front and its hypervolume, for a multi-objective study's table. */
function frontLines(s: SearchSummary): string[] {
  const f = s.front;
  if (!f || !f.front.length) return ['front: none (no trial completed)'];
  const out = [`Pareto front (${s.metrics!.map((m, i) => `${s.directions![i]} ${m}`).join(', ')}): ${f.front.length} trial${f.front.length > 1 ? 's' : ''}`];
  for (const t of f.front) out.push(`  trial ${t.number}: ${t.values.map(fmt).join(' / ')}  ${showParams(t.params)}`);
  out.push(`hypervolume ${fmt(f.hypervolume)} against (${f.reference.map(fmt).join(', ')})${f.referenceGiven ? '' : ', the worst value of each metric'}`);
  return out;
}
