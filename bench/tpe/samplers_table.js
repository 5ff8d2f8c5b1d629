#!/usr/bin/env node
/**
 * The sampler benchmark's tables: median and quartiles of the best value per problem for each of our
 * samplers (gp, qmc, tpe, ... as run_ours.js ran them) beside Optuna's TPE, and on how many problems the
 * GP's median beats Optuna's. Usage: `node samplers_table.js ours.json optuna.json`.
 */
'use strict';
const { loadResults, quantile, fmt } = require('./results');
const { ours, optuna, problems } = loadResults(process.argv);
const names = Object.keys(ours.results);
const samplers = [...new Set(names.flatMap((p) => Object.keys(ours.results[p])))];
const LABEL = { gp: 'ours GP', qmc: 'ours QMC', tpe: 'ours TPE', 'tpe-keyed': 'ours TPE (keyed)', 'tpe-mv': 'ours TPE (multivariate)', random: 'ours random' };
const columns = [...samplers.map((s) => ({ label: LABEL[s] || `ours ${s}`, get: (p) => (ours.results[p] || {})[s] })), { label: 'Optuna TPE', get: (p) => (optuna.results[p] || {}).tpe }];
const nSeeds = Math.max(...names.map((p) => ((ours.results[p] || {})[samplers[0]] || []).length));

console.log(`### Best value after ${ours.trials} trials, median [25th – 75th percentile] over ${nSeeds} seeds (lower is better)\n`);
console.log(`| problem | optimum | ${columns.map((c) => c.label).join(' | ')} |`);
console.log(`|---|---:|${columns.map(() => '---:').join('|')}|`);
for (const p of names) {
  const cells = columns.map((c) => {
    const r = c.get(p);
    return r && r.length ? `${fmt(quantile(r, 0.5))} [${fmt(quantile(r, 0.25))} – ${fmt(quantile(r, 0.75))}]` : 'n/a';
  });
  console.log(`| ${p} | ${problems[p].optimum} | ${cells.join(' | ')} |`);
}

if (samplers.includes('gp')) {
  const rows = names.filter((p) => (ours.results[p] || {}).gp && (optuna.results[p] || {}).tpe);
  const wins = rows.filter((p) => quantile(ours.results[p].gp, 0.5) < quantile(optuna.results[p].tpe, 0.5));
  const ties = rows.filter((p) => quantile(ours.results[p].gp, 0.5) === quantile(optuna.results[p].tpe, 0.5));
  console.log(`\nGP's median best is lower than Optuna TPE's on ${wins.length} of ${rows.length} problems` + (ties.length ? ` (equal on ${ties.join(', ')})` : '') + '.');
}
if (ours.secondsBy) {
  console.log('\nWall time per trial, objective included (ms, averaged over the seeds):\n');
  console.log(`| problem | ${samplers.map((s) => LABEL[s] || s).join(' | ')} |\n|---|${samplers.map(() => '---:').join('|')}|`);
  for (const p of names) {
    const cells = samplers.map((s) => (ours.secondsBy[p] && ours.secondsBy[p][s] !== undefined ? fmt((1000 * ours.secondsBy[p][s]) / (nSeeds * ours.trials)) : 'n/a'));
    console.log(`| ${p} | ${cells.join(' | ')} |`);
  }
}
console.log(`\nours: ${ours.runner}, ${ours.seconds} s; optuna: ${optuna.runner}, ${optuna.seconds} s${optuna.truncated ? ' (TRUNCATED by the time budget)' : ''}`);
