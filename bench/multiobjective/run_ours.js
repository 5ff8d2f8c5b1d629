#!/usr/bin/env node
/**
 * vaekit side of the multi-objective benchmark: for each (problem, sampler, seed), a study of N
 * trials on ZDT1 / ZDT2 (5 variables x0…x4 in [0, 1], suggested in that order) through the
 * Study API with the memory storage, and the hypervolume of its Pareto front against
 * (1.1, 6.0), as JSON lines on stdout.
 *
 * Needs the BUILT study package (`npx nx run study:build`).
 *
 *   node bench/multiobjective/run_ours.js --trials 200 --seeds 0-9 --samplers nsga2,tpe > ours.jsonl
 */
'use strict';
const path = require('path');
const { createStudy } = require(path.join(__dirname, '../../packages/study/dist'));
const { N_VARS, REFERENCE, PROBLEMS } = require('./problems');

function args() {
  const a = { trials: 200, seeds: '0-9', samplers: 'nsga2,tpe', problems: 'zdt1,zdt2' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) a[argv[i].replace(/^--/, '')] = argv[i + 1];
  const [lo, hi] = String(a.seeds).split('-').map(Number);
  return { trials: Number(a.trials), seeds: Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i), samplers: a.samplers.split(','), problems: a.problems.split(',') };
}

async function main() {
  const o = args();
  for (const problem of o.problems) {
    for (const sampler of o.samplers) {
      for (const seed of o.seeds) {
        const study = createStudy({ directions: ['minimize', 'minimize'], sampler: { name: sampler, seed } });
        const t0 = process.hrtime.bigint();
        await study.optimize(
          async (trial) => {
            const x = [];
            for (let i = 0; i < N_VARS; i++) x.push(await trial.suggestFloat(`x${i}`, 0, 1));
            return PROBLEMS[problem](x);
          },
          { nTrials: o.trials },
        );
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const front = study.bestTrials.map((t) => t.values);
        process.stdout.write(JSON.stringify({ impl: 'vaekit', problem, sampler, seed, trials: study.trials.length, hypervolume: study.hypervolume(REFERENCE), front, seconds }) + '\n');
      }
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
