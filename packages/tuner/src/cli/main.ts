#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, UsageError } from './args';
import { findConfigsDir } from './paths';

const USAGE = `usage: vaekit <command> [options]

commands:
  train --config FILE [--set path=value ...] [--out DIR] [--json]
      train a VAE from a YAML config (a bare name is looked up in configs/);
      writes metrics.json, the checkpoint and PNG pictures to --out (default out/<config name>)

  search --config FILE [--trials N] [--workers K] [--storage URL] [--study NAME] [--out DIR]
         [--set path=value ...] [--json]
      run or resume a hyperparameter study described by the config's study: and search:
      sections; writes OUT/STUDY/trial-N/, OUT/STUDY/summary.json and OUT/STUDY/best.yaml
  bench --model mlp|conv [--steps N] [--backend B] [--json]
      samples/s of training steps of the benchmark specs (as ../shared/bench/torch_vae.py)
  studies [--storage URL]             list the studies in a storage (default sqlite:out/studies.db)
  trials --study NAME [--storage URL] list one study's trials

options common to all commands:
  --help     show this text
  --version  print the version
`;

/** Errors caused by what the user asked for: shown as one paragraph, exit code 2, no stack trace. */
function isUserError(e: unknown): e is Error {
  return e instanceof Error && (e.name === 'ConfigError' || e.name === 'UsageError');
}

async function train(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['config', 'out'], repeatable: ['set'], booleans: ['json'] }, 'train');
  if (!a.flags.config) throw new UsageError('vaekit train: --config FILE is required');
  const { loadConfigFile } = await import('../config');
  const { runTraining } = await import('../commands/train');
  const loaded = loadConfigFile(String(a.flags.config), {
    configsDir: findConfigsDir(),
    cwd: process.cwd(),
    sets: (a.flags.set as string[]) ?? [],
  });
  const json = !!a.flags.json;
  const name = path.basename(loaded.file).replace(/\.ya?ml$/, '');
  const out = path.resolve(String(a.flags.out ?? path.join('out', name)));
  const shown = path.relative(process.cwd(), loaded.file) || loaded.file;
  const result = await runTraining(loaded.config, {
    file: shown,
    baseDir: path.dirname(loaded.file),
    out,
    log: json ? process.stderr : process.stdout,
  });
  const t = result.test;
  const log = json ? process.stderr : process.stdout;
  log.write(
    `test: −ELBO ${t.negElbo.toFixed(2)} nats (recon ${t.recon.toFixed(2)}, KL ${t.kl.toFixed(2)}), active units ${t.activeUnits}/${t.klPerDim.length}` +
      (t.iwaeNll !== undefined ? `, IWAE NLL ${t.iwaeNll.toFixed(2)} nats (k=${loaded.config.eval.iwaeSamples})` : '') +
      `; ${Math.round(result.samplesPerSec)} samples/s on ${result.backend}\nwrote ${out}\n`,
  );
  if (json) {
    const test: Record<string, number> = { negElbo: t.negElbo, recon: t.recon, kl: t.kl, activeUnits: t.activeUnits };
    if (t.iwaeNll !== undefined) test.iwaeNll = t.iwaeNll;
    process.stdout.write(JSON.stringify({ backend: result.backend, samplesPerSec: result.samplesPerSec, test }) + '\n');
  }
}

function intFlag(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: expected an integer >= 1, found "${v}"`);
  return n;
}

async function search(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['config', 'out', 'trials', 'workers', 'storage', 'study'], repeatable: ['set'], booleans: ['json', 'worker'] }, 'search');
  if (!a.flags.config) throw new UsageError('vaekit search: --config FILE is required');
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
  const a = parseArgs(argv, { values: ['model', 'steps', 'backend'], booleans: ['json'] }, 'bench');
  const model = String(a.flags.model ?? 'mlp');
  if (model !== 'mlp' && model !== 'conv') throw new UsageError(`vaekit bench: --model: expected mlp or conv, found "${model}"`);
  const backend = String(a.flags.backend ?? 'auto');
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(backend)) throw new UsageError(`vaekit bench: --backend: expected auto, tensorflow, wasm or cpu, found "${backend}"`);
  const { runBench } = await import('../commands/bench');
  const r = await runBench({ model, steps: intFlag(a.flags.steps, 'steps') ?? (model === 'mlp' ? 100 : 20), backend: backend as 'auto' });
  const line = `${r.model} on ${r.backend}: ${Math.round(r.samplesPerSec)} samples/s (${r.steps} steps of 128 in ${r.seconds.toFixed(2)} s)`;
  if (a.flags.json) {
    process.stderr.write(line + '\n');
    process.stdout.write(JSON.stringify({ model: r.model, backend: r.backend, samplesPerSec: r.samplesPerSec }) + '\n');
  } else process.stdout.write(line + '\n');
}

async function listing(command: 'studies' | 'trials', argv: string[]): Promise<void> {
  const a = parseArgs(argv, { values: ['storage', 'study'], booleans: ['json'] }, command);
  const { openStorage } = await import('../study/storages');
  const url = String(a.flags.storage ?? `sqlite:${path.join('out', 'studies.db')}`);
  if (url.startsWith('sqlite:') && !fs.existsSync(url.replace(/^sqlite:(\/\/)?/, ''))) {
    throw new UsageError(`vaekit ${command}: no study storage at ${url} (run vaekit search first, or pass --storage URL)`);
  }
  const storage = await openStorage(url, { defaultSqlitePath: path.join('out', 'studies.db') });
  try {
    if (command === 'studies') {
      const list = await storage.listStudies();
      if (a.flags.json) return void process.stdout.write(JSON.stringify(list) + '\n');
      for (const st of list) {
        const c = st.counts;
        process.stdout.write(
          `${st.name}  ${st.direction}  complete ${c.COMPLETE ?? 0}  pruned ${c.PRUNED ?? 0}  running ${c.RUNNING ?? 0}  failed ${c.FAIL ?? 0}` +
            (st.best ? `  best: trial ${st.best.number} = ${st.best.value}` : '') + '\n',
        );
      }
      if (!list.length) process.stdout.write(`no studies in ${url}\n`);
      return;
    }
    if (!a.flags.study) throw new UsageError('vaekit trials: --study NAME is required');
    const st = await storage.getStudy(String(a.flags.study));
    if (!st) throw new UsageError(`vaekit trials: no study "${a.flags.study}" in ${url} (vaekit studies --storage ${url} lists them)`);
    const trials = await storage.getTrials(st.id);
    if (a.flags.json) return void process.stdout.write(JSON.stringify(trials) + '\n');
    for (const t of trials) {
      process.stdout.write(`${t.number}\t${t.state}\t${t.value ?? ''}\t${JSON.stringify(t.params)}${t.error ? '\t' + t.error : ''}\n`);
    }
  } finally {
    await storage.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === 'help' || rest.includes('--help')) {
      process.stdout.write(USAGE);
      return command ? 0 : 2;
    }
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
      case 'studies':
      case 'trials':
        await listing(command, rest);
        return 0;
      default:
        throw new UsageError(`vaekit: unknown command "${command}" (try vaekit --help)`);
    }
  } catch (e) {
    if (isUserError(e)) {
      process.stderr.write(`vaekit: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`vaekit: ${err?.message ?? String(e)}\n`);
    if (process.env.VAEKIT_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
