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
