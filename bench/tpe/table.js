#!/usr/bin/env node
/** Merges run_ours.js and run_optuna.py outputs into markdown tables: usage `node table.js ours.json optuna.json`. */
'use strict';
const { loadResults, quantile, fmt } = require('./results');
const { ours, optuna, problems } = loadResults(process.argv);
const cell = (r, stat) => (r && r.length ? fmt(stat(r)) + (r.length < nSeeds ? ` (${r.length} seeds)` : '') : 'n/a');
const get = (src, p, s) => (src.results[p] || {})[s];
const names = Object.keys(ours.results);
const nSeeds = Math.max(...names.flatMap((p) => ['tpe', 'random'].map((s) => (get(ours, p, s) || []).length)));

// 'tpe' is our default TPE (numpy stream: Optuna's draws); 'tpe-keyed' the same with keyed streams.
const hasKeyed = names.some((p) => get(ours, p, 'tpe-keyed'));
const header = hasKeyed
  ? '| problem | optimum | ours TPE | Optuna TPE | ours TPE, keyed streams | ours random | Optuna random |\n|---|---:|---:|---:|---:|---:|---:|'
  : '| problem | optimum | ours TPE | Optuna TPE | ours random | Optuna random |\n|---|---:|---:|---:|---:|---:|';
const rows = (stat) =>
  names
    .map(
      (p) =>
        `| ${p} | ${problems[p].optimum} | ${cell(get(ours, p, 'tpe'), stat)} | ${cell(get(optuna, p, 'tpe'), stat)} | ` +
        (hasKeyed ? `${cell(get(ours, p, 'tpe-keyed'), stat)} | ` : '') +
        `${cell(get(ours, p, 'random'), stat)} | ${cell(get(optuna, p, 'random'), stat)} |`,
    )
    .join('\n');

console.log(`### Median best value after ${ours.trials} trials over ${nSeeds} seeds (lower is better)\n`);
console.log(header);
console.log(rows((r) => quantile(r, 0.5)));
console.log(`\n### Interquartile range of the best value (25th – 75th percentile)\n`);
console.log('| problem | ours TPE | Optuna TPE | ours random | Optuna random |\n|---|---:|---:|---:|---:|');
const iqr = (r) => (r && r.length ? `${fmt(quantile(r, 0.25))} – ${fmt(quantile(r, 0.75))}` : 'n/a');
console.log(names.map((p) => `| ${p} | ${iqr(get(ours, p, 'tpe'))} | ${iqr(get(optuna, p, 'tpe'))} | ${iqr(get(ours, p, 'random'))} | ${iqr(get(optuna, p, 'random'))} |`).join('\n'));
console.log('\nSeeds on which our TPE ends with the same best value as Optuna (within 1e-9 relative):\n');
for (const p of names) {
  const a = get(ours, p, 'tpe') || [];
  const b = get(optuna, p, 'tpe') || [];
  const n = Math.min(a.length, b.length);
  const same = a.slice(0, n).filter((v, i) => Math.abs(v - b[i]) <= 1e-9 * Math.max(1, Math.abs(b[i]))).length;
  console.log(`- ${p}: ${same} of ${n}`);
}
console.log(`\nours: ${ours.runner}, ${ours.seconds} s; optuna: ${optuna.runner}, ${optuna.seconds} s${optuna.truncated ? ' (TRUNCATED by the time budget)' : ''}`);
