#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { UsageError, VaekitError } from '@vaekit/study';
import { parseArgs } from './args';
import { checkInputDir, checkInputFile, checkOutputPath, findConfigsDir, isInside, sameFile } from './paths';

const USAGE = `usage: vaekit <command> [options]

commands:
  train --config FILE [--set path=value ...] [--out DIR] [--threads N] [--json]
      train a VAE from a YAML config (a bare name is looked up in configs/);
      writes metrics.json, the checkpoint and PNG pictures to --out (default out/<config name>);
      Ctrl-C stops after the current epoch, keeping metrics.json and the checkpoint (exit code 130);
      --threads N sets train.threads (threads of the native kernels; default every core)

  search --config FILE [--trials N] [--workers K] [--storage URL] [--study NAME] [--out DIR]
         [--set path=value ...] [--json]
      run or resume a hyperparameter study described by the config's study: and search:
      sections; writes OUT/STUDY/trial-N/, OUT/STUDY/summary.json and OUT/STUDY/best.yaml
  bench --model mlp|conv|text [--steps N] [--warmup N] [--backend B] [--threads N] [--json]
      samples/s (tokens/s for text) of training steps of the benchmark models (those of the
      PyTorch references torch_vae.py and torch_seq_vae.py), timed after --warmup untimed steps
      (default: as many as --steps, so that the JIT and the heap are warm); --threads: default every core
  generate --checkpoint DIR [--n 10] [--method greedy|sample|beam] [--beam 5] [--temperature 1]
           [--seed S] [--max-length N] [--json]
           [--reconstruct FILE | --interpolate "first sentence" "second sentence" [--steps 6]]
      text models: decode prior draws (default), each line of FILE through its posterior mean,
      or the straight line between two sentences' posterior means; one sequence per line
  molecules describe --data FILE.smi [--out props.csv] [--json]
      QED, Crippen logP, TPSA and molecular weight of each SMILES (CSV), invalid lines counted
  molecules sample --checkpoint DIR [--n 10000] [--method greedy|sample] [--train FILE]
                   [--out samples.smi] [--json]
      a SMILES model's prior samples scored as MOSES does: validity, uniqueness, novelty,
      internal diversity, QED and logP (needs the optional package @vaekit/molecules)
  score --checkpoint DIR --data FILE [--method elbo|iwae|recon] [--samples k] [--out scores.csv]
        [--scale S] [--label-column C]
      one anomaly score per row of a CSV, .npy or IDX file (higher = more anomalous, nats), streamed
  anomaly --config FILE [--out DIR] [--set path=value ...] [--json]
      the one-class protocol: train on each normal class, score the test set, ROC-AUC and PR-AUC
      beside PCA and k-nearest-neighbour baselines
  studies [--storage URL]             list the studies in a storage (default sqlite:out/studies.db)
  trials --study NAME [--storage URL] list one study's trials
  report --study NAME [--storage URL] [--out FILE]
      write one self-contained HTML report of a study (charts, importance, rate–distortion,
      trials table, the best trials' pictures); default FILE: beside the storage, STUDY/report.html
  dashboard [--storage URL] [--port P] [--host H]
      serve the same views for every study in the storage, live while a search runs
      (default port 8080, bound to 127.0.0.1: other hosts cannot connect unless --host is given)

options common to all commands:
  --help     show this text
  --version  print the version

plugins load only from installed npm packages (use: "package#export"), found from the working
directory; train, search, score and anomaly also take --allow-plugin-path PATH (repeatable) to
load plugin files given by their path (use: "./plugins/enc.js#enc") from that file or folder
`;

/** The commands that load plugins, and so take --allow-plugin-path. */
const PLUGIN_COMMANDS = ['train', 'search', 'score', 'anomaly'];
/** How a search hands the plugin paths its command line allowed to its worker processes. */
const WORKER_PLUGIN_PATHS = 'VAEKIT_WORKER_ALLOWED_PLUGIN_PATHS';

/**
 * Takes `--allow-plugin-path PATH` out of a plugin command's arguments and allows plugin files
 * there. Only the command line allows them (never a config or a checkpoint); a search passes them
 * on to its worker processes.
 */
async function allowPluginPathFlags(command: string, rest: string[]): Promise<string[]> {
  if (!PLUGIN_COMMANDS.includes(command)) return rest;
  const paths: string[] = [];
  const kept: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--allow-plugin-path') {
      if (i + 1 >= rest.length) throw new UsageError(`vaekit ${command}: --allow-plugin-path needs a value`);
      paths.push(rest[++i]);
    } else if (a.startsWith('--allow-plugin-path=')) paths.push(a.slice('--allow-plugin-path='.length));
    else kept.push(a);
  }
  if (command === 'search' && kept.includes('--worker') && process.env[WORKER_PLUGIN_PATHS]) {
    paths.push(...(JSON.parse(process.env[WORKER_PLUGIN_PATHS]!) as string[]));
  }
  delete process.env[WORKER_PLUGIN_PATHS];
  if (paths.length) {
    if (paths.some((p) => p === '')) throw new UsageError(`vaekit ${command}: --allow-plugin-path needs a file or folder`);
    const { allowPluginPaths, allowedPluginPaths } = await import('@vaekit/core');
    allowPluginPaths(paths);
    if (command === 'search') process.env[WORKER_PLUGIN_PATHS] = JSON.stringify(allowedPluginPaths());
  }
  return kept;
}

async function train(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['config', 'out', 'threads'], repeatable: ['set'], booleans: ['json'] }, 'train');
  if (!a.flags.config) throw new UsageError('vaekit train: --config FILE is required');
  const threads = intFlag(a.flags.threads, 'threads');
  if (a.flags.out !== undefined) checkOutputPath(String(a.flags.out), 'dir', 'vaekit train: --out');
  const { loadConfigFile } = await import('../config');
  const { runTraining, INTERRUPTED_EXIT_CODE } = await import('@vaekit/pipelines');
  const loaded = loadConfigFile(String(a.flags.config), {
    configsDir: findConfigsDir(),
    cwd: process.cwd(),
    // --threads wins over a --set of train.threads (it comes last).
    sets: [...((a.flags.set as string[]) ?? []), ...(threads !== undefined ? [`train.threads=${threads}`] : [])],
  });
  const json = !!a.flags.json;
  const name = path.basename(loaded.file).replace(/\.ya?ml$/, '');
  const out = checkOutputPath(String(a.flags.out ?? path.join('out', name)), 'dir', 'vaekit train: --out');
  const shown = path.relative(process.cwd(), loaded.file) || loaded.file;
  // Ctrl-C stops after the current epoch (metrics.json and the checkpoint keep what was done, exit
  // code 130); a second Ctrl-C stops at once.
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    stop.abort();
    process.stderr.write('\nvaekit: stopping after the current epoch (Ctrl-C again to stop now)\n');
  };
  process.on('SIGINT', onSigint);
  let result;
  try {
    result = await runTraining(loaded.config, {
      file: shown,
      baseDir: path.dirname(loaded.file),
      out,
      log: json ? process.stderr : process.stdout,
      signal: stop.signal,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const t = result.test;
  const log = json ? process.stderr : process.stdout;
  const perSequence = t.ppl !== undefined ? ' per sequence' : '';
  log.write(
    `test: −ELBO ${t.negElbo.toFixed(2)} nats${perSequence} (recon ${t.recon.toFixed(2)}, KL ${t.kl.toFixed(2)}), active units ${t.activeUnits}/${t.klPerDim.length}` +
      (t.iwaeNll !== undefined ? `, IWAE NLL ${t.iwaeNll.toFixed(2)} nats (k=${loaded.config.eval.iwaeSamples})` : '') +
      (t.ppl !== undefined ? `, perplexity ${t.ppl.toFixed(1)} (from the ${t.pplBound === 'iwae' ? 'IWAE' : 'ELBO'} bound)` : '') +
      `; ${Math.round(result.samplesPerSec)} samples/s` +
      (result.tokensPerSec !== undefined ? `, ${Math.round(result.tokensPerSec)} tokens/s` : '') +
      ` on ${result.backend}\n` +
      (t.property ? `test properties from the posterior means: ${Object.entries(t.property).map(([k, p]) => `${k} RMSE ${p.rmse.toPrecision(3)}, R² ${p.r2.toFixed(3)}`).join('; ')}\n` : '') +
      `wrote ${out}\n`,
  );
  if (json) {
    const test: Record<string, unknown> = { negElbo: t.negElbo, recon: t.recon, kl: t.kl, activeUnits: t.activeUnits, mutualInfo: t.mutualInfo };
    if (t.iwaeNll !== undefined) test.iwaeNll = t.iwaeNll;
    if (t.ppl !== undefined) Object.assign(test, { ppl: t.ppl, pplBound: t.pplBound! });
    if (t.property) test.property = t.property;
    const speed = result.tokensPerSec !== undefined ? { tokensPerSec: result.tokensPerSec } : {};
    process.stdout.write(JSON.stringify({ backend: result.backend, samplesPerSec: result.samplesPerSec, ...speed, test }) + '\n');
  }
}

/** Upper bounds of the numeric flags: generous, but finite. */
export const FLAG_LIMITS = { trials: 1_000_000, workers: 256, threads: 256, steps: 1_000_000, warmup: 1_000_000, samples: 10_000, n: 100_000, beam: 100, 'max-length': 10_000 } as const;

function intFlag(v: unknown, name: keyof typeof FLAG_LIMITS, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const max = FLAG_LIMITS[name];
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, found "${v}"`);
  }
  return n;
}

async function search(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['config', 'out', 'trials', 'workers', 'storage', 'study'], repeatable: ['set'], booleans: ['json', 'worker'] }, 'search');
  if (!a.flags.config) throw new UsageError('vaekit search: --config FILE is required');
  checkOutputPath(String(a.flags.out ?? 'out'), 'dir', 'vaekit search: --out');
  const { runSearch } = await import('../search/command');
  await runSearch({
    config: String(a.flags.config),
    configsDir: findConfigsDir(),
    sets: (a.flags.set as string[]) ?? [],
    trials: intFlag(a.flags.trials, 'trials'),
    workers: intFlag(a.flags.workers, 'workers'),
    storage: a.flags.storage as string | undefined,
    study: a.flags.study as string | undefined,
    out: a.flags.out as string | undefined,
    json: !!a.flags.json,
    worker: !!a.flags.worker,
  });
}

async function bench(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['model', 'steps', 'warmup', 'backend', 'threads'], booleans: ['json'] }, 'bench');
  const model = String(a.flags.model ?? 'mlp');
  if (model !== 'mlp' && model !== 'conv' && model !== 'text') throw new UsageError(`vaekit bench: --model: expected mlp, conv or text, found "${model}"`);
  const backend = String(a.flags.backend ?? 'auto');
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(backend)) throw new UsageError(`vaekit bench: --backend: expected auto, tensorflow, wasm or cpu, found "${backend}"`);
  const threads = intFlag(a.flags.threads, 'threads');
  const warmup = intFlag(a.flags.warmup, 'warmup', 0);
  const { runBench, runTextBench } = await import('@vaekit/pipelines');
  const timed = (steps: number, what: string, seconds: number, warm: number) =>
    `${steps} steps of ${what} in ${seconds.toFixed(2)} s, after ${warm} untimed`;
  if (model === 'text') {
    const r = await runTextBench({ steps: intFlag(a.flags.steps, 'steps') ?? 30, warmup, backend: backend as 'auto', threads });
    const line = `text on ${r.backend}, ${r.threads} thread${r.threads > 1 ? 's' : ''}: ${Math.round(r.tokensPerSec)} tokens/s (${timed(r.steps, '32 sequences of 22 tokens', r.seconds, r.warmup)})`;
    if (a.flags.json) {
      process.stderr.write(line + '\n');
      process.stdout.write(JSON.stringify({ model: r.model, backend: r.backend, threads: r.threads, tokensPerSec: r.tokensPerSec, steps: r.steps, warmup: r.warmup }) + '\n');
    } else process.stdout.write(line + '\n');
    return;
  }
  const r = await runBench({ model: model as 'mlp', steps: intFlag(a.flags.steps, 'steps') ?? (model === 'mlp' ? 100 : 20), warmup, backend: backend as 'auto', threads });
  const line = `${r.model} on ${r.backend}, ${r.threads} thread${r.threads > 1 ? 's' : ''}: ${Math.round(r.samplesPerSec)} samples/s (${timed(r.steps, '128', r.seconds, r.warmup)})`;
  if (a.flags.json) {
    process.stderr.write(line + '\n');
    process.stdout.write(JSON.stringify({ model: r.model, backend: r.backend, threads: r.threads, samplesPerSec: r.samplesPerSec, steps: r.steps, warmup: r.warmup }) + '\n');
  } else process.stdout.write(line + '\n');
}

async function score(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['checkpoint', 'data', 'method', 'samples', 'out', 'scale', 'label-column'] }, 'score');
  if (!a.flags.checkpoint) throw new UsageError('vaekit score: --checkpoint DIR is required');
  if (!a.flags.data) throw new UsageError('vaekit score: --data FILE is required');
  checkInputDir(String(a.flags.checkpoint), 'vaekit score: --checkpoint');
  checkInputFile(String(a.flags.data), 'vaekit score: --data');
  if (a.flags.out !== undefined) {
    const out = String(a.flags.out);
    checkOutputPath(out, 'file', 'vaekit score: --out');
    // The scores file is truncated when scoring starts: never the data being read or a checkpoint file.
    if (sameFile(out, String(a.flags.data))) throw new UsageError(`vaekit score: --out ${out}: is the --data file itself (choose another file name, such as scores.csv)`);
    if (isInside(out, String(a.flags.checkpoint))) throw new UsageError(`vaekit score: --out ${out}: is inside the --checkpoint folder (choose a file outside it)`);
  }
  const method = String(a.flags.method ?? 'elbo');
  if (!['elbo', 'iwae', 'recon'].includes(method)) throw new UsageError(`vaekit score: --method: expected elbo, iwae or recon, found "${method}"`);
  const scale = a.flags.scale === undefined ? 1 : Number(a.flags.scale);
  if (!(scale > 0)) throw new UsageError(`vaekit score: --scale: expected a number > 0, found "${a.flags.scale}"`);
  const label = a.flags['label-column'];
  if (label !== undefined && !(Number.isInteger(Number(label)) && Number(label) >= 0)) throw new UsageError(`vaekit score: --label-column: expected a 0-based column index, found "${label}"`);
  const { runScore } = await import('@vaekit/pipelines');
  await runScore(
    {
      checkpoint: String(a.flags.checkpoint),
      data: String(a.flags.data),
      method: method as 'elbo',
      samples: intFlag(a.flags.samples, 'samples') ?? 10,
      out: a.flags.out as string | undefined,
      scale,
      labelColumn: label === undefined ? undefined : Number(label),
    },
    process.stderr,
  );
}

async function generate(argv: string[]): Promise<void> {
  const a = parseArgs(
    argv,
    { values: ['checkpoint', 'n', 'method', 'beam', 'temperature', 'seed', 'max-length', 'reconstruct', 'interpolate', 'steps'], booleans: ['json'] },
    'generate',
  );
  if (!a.flags.checkpoint) throw new UsageError('vaekit generate: --checkpoint DIR is required');
  checkInputDir(String(a.flags.checkpoint), 'vaekit generate: --checkpoint');
  const method = String(a.flags.method ?? 'greedy');
  if (!['greedy', 'sample', 'beam'].includes(method)) throw new UsageError(`vaekit generate: --method: expected greedy, sample or beam, found "${method}"`);
  const temperature = a.flags.temperature === undefined ? 1 : Number(a.flags.temperature);
  if (!(temperature > 0 && temperature <= 100)) throw new UsageError(`vaekit generate: --temperature: expected a number above 0 and at most 100, found "${a.flags.temperature}"`);
  const seed = a.flags.seed === undefined ? 0 : Number(a.flags.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`vaekit generate: --seed: expected an integer >= 0, found "${a.flags.seed}"`);
  let interpolate: [string, string] | undefined;
  if (a.flags.interpolate !== undefined) {
    // --interpolate takes two sentences: the flag's value and the one positional after it.
    if (a.positionals.length !== 1) {
      throw new UsageError(
        `vaekit generate: --interpolate needs two sentences, found ${a.positionals.length + 1} (quote each: --interpolate "the first one" "the second one")`,
      );
    }
    interpolate = [String(a.flags.interpolate), a.positionals[0]];
    if (a.flags.reconstruct !== undefined) throw new UsageError('vaekit generate: give --reconstruct or --interpolate, not both');
  } else if (a.positionals.length) {
    throw new UsageError(`vaekit generate: unexpected argument "${a.positionals[0]}"`);
  }
  if (a.flags.steps !== undefined && !interpolate) throw new UsageError('vaekit generate: --steps goes with --interpolate');
  if (a.flags.reconstruct !== undefined) checkInputFile(String(a.flags.reconstruct), 'vaekit generate: --reconstruct');
  const steps = a.flags.steps === undefined ? 6 : Number(a.flags.steps);
  if (!Number.isInteger(steps) || steps < 2 || steps > 1000) throw new UsageError(`vaekit generate: --steps: expected an integer from 2 to 1000, found "${a.flags.steps}"`);
  const { runGenerate } = await import('@vaekit/pipelines');
  const r = await runGenerate({
    checkpoint: String(a.flags.checkpoint),
    n: intFlag(a.flags.n, 'n'),
    method: method as 'greedy',
    beam: intFlag(a.flags.beam, 'beam'),
    temperature,
    seed,
    maxLength: intFlag(a.flags['max-length'], 'max-length'),
    reconstruct: a.flags.reconstruct as string | undefined,
    interpolate,
    steps,
  });
  if (a.flags.json) {
    const body =
      r.mode === 'reconstruct'
        ? { mode: r.mode, method: r.method, reconstructions: r.inputs!.map((input, i) => ({ input, output: r.sequences[i] })) }
        : { mode: r.mode, method: r.method, sequences: r.sequences };
    process.stdout.write(JSON.stringify(body) + '\n');
  } else {
    // Only the sequences on stdout, one per line (a sequence's own line breaks would split it: shown escaped).
    process.stdout.write(r.sequences.map((l) => l.replace(/\r?\n/g, '\\n') + '\n').join(''));
  }
}

async function anomaly(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['config', 'out'], repeatable: ['set'], booleans: ['json'] }, 'anomaly');
  if (!a.flags.config) throw new UsageError('vaekit anomaly: --config FILE is required');
  if (a.flags.out !== undefined) checkOutputPath(String(a.flags.out), 'dir', 'vaekit anomaly: --out');
  const { loadConfigFile } = await import('../config');
  const { validateOptions } = await import('@vaekit/core');
  const { anomalySchema, anomalyTable, runAnomalyProtocol } = await import('@vaekit/pipelines');
  const loaded = loadConfigFile(String(a.flags.config), { configsDir: findConfigsDir(), cwd: process.cwd(), sets: (a.flags.set as string[]) ?? [] });
  const file = path.relative(process.cwd(), loaded.file) || loaded.file;
  const section = validateOptions(anomalySchema, loaded.raw.anomaly ?? {}, { file, path: 'anomaly' });
  const json = !!a.flags.json;
  const log = json ? process.stderr : process.stdout;
  const out = checkOutputPath(String(a.flags.out ?? path.join('out', path.basename(loaded.file).replace(/\.ya?ml$/, ''))), 'dir', 'vaekit anomaly: --out');
  const r = await runAnomalyProtocol(loaded.config, section, { file, baseDir: path.dirname(loaded.file), out, log });
  fs.writeFileSync(path.join(out, 'anomaly.json'), JSON.stringify(r, null, 2) + '\n');
  log.write(anomalyTable(r) + `\nwrote ${path.join(out, 'anomaly.json')}\n`);
  if (json) {
    const classes = r.classes.map((c) => ({ normal: c.normal, rocAuc: c.rocAuc, prAuc: c.prAuc }));
    process.stdout.write(JSON.stringify({ classes, meanRocAuc: r.meanRocAuc, baselines: r.baselines }) + '\n');
  }
}

async function listing(command: 'studies' | 'trials', argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['storage', 'study'], booleans: ['json'] }, command);
  const { runListing } = await import('./listing');
  await runListing(command, a.flags);
}

async function report(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['study', 'storage', 'out'] }, 'report');
  if (!a.flags.study) throw new UsageError('vaekit report: --study NAME is required');
  const { runReport } = await import('@vaekit/report');
  const { vaeReportSections } = await import('@vaekit/pipelines');
  const file = await runReport({ study: String(a.flags.study), storage: a.flags.storage as string | undefined, out: a.flags.out as string | undefined, sections: vaeReportSections() });
  process.stdout.write(`wrote ${file}\n`);
}

async function dashboard(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['storage', 'port', 'host'] }, 'dashboard');
  const port = a.flags.port === undefined ? 8080 : Number(a.flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`vaekit dashboard: --port: expected an integer from 0 to 65535, found "${a.flags.port}"`);
  const { openExistingStorage, startDashboard, DEFAULT_STORAGE } = await import('@vaekit/report');
  const { vaeReportSections } = await import('@vaekit/pipelines');
  const url = String(a.flags.storage ?? DEFAULT_STORAGE);
  const storage = await openExistingStorage(url, 'dashboard');
  let d;
  try {
    d = await startDashboard({ storage, storageLabel: url, port, host: a.flags.host as string | undefined, sections: vaeReportSections() });
  } catch (e) {
    await storage.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
      throw new UsageError(`vaekit dashboard: cannot listen on ${a.flags.host ?? '127.0.0.1'}:${port}: ${err.message}`);
    }
    throw e;
  }
  const { redactStorageUrl } = await import('@vaekit/study');
  process.stdout.write(`vaekit dashboard: ${d.url} (storage ${redactStorageUrl(url)}; Ctrl-C to stop)\n`);
  const dash = d;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      dash.close().then(() => storage.close()).then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  let rest = args;
  try {
    if (!command || command === '--help' || command === 'help' || rest.includes('--help')) {
      process.stdout.write(USAGE);
      return command ? 0 : 2;
    }
    rest = await allowPluginPathFlags(command, rest);
    if (command === '--version') {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
      process.stdout.write(pkg.version + '\n');
      return 0;
    }
    switch (command) {
      case 'train':
        await train(rest);
        return 0;
      case 'search':
        await search(rest);
        return 0;
      case 'bench':
        await bench(rest);
        return 0;
      case 'score':
        await score(rest);
        return 0;
      case 'generate':
        await generate(rest);
        return 0;
      case 'anomaly':
        await anomaly(rest);
        return 0;
      case 'molecules': {
        const { molecules } = await import('./molecules');
        await molecules(rest);
        return 0;
      }
      case 'studies':
      case 'trials':
        await listing(command, rest);
        return 0;
      case 'report':
        await report(rest);
        return 0;
      case 'dashboard':
        await dashboard(rest);
        return 0;
      default:
        throw new UsageError(`vaekit: unknown command "${command}" (try vaekit --help)`);
    }
  } catch (e) {
    // A vaekit error says how to end: 2 for the user's mistake (its message alone), 1 for a failure.
    const code = e instanceof VaekitError ? e.exitCode : 1;
    const err = e as Error;
    process.stderr.write(`vaekit: ${err?.message ?? String(e)}\n`);
    if (code !== 2 && process.env.VAEKIT_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return code;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
