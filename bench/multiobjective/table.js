#!/usr/bin/env node
/**
 * The benchmark's table from the two runners' JSON lines: per problem and sampler, the median
 * (and quartiles) over seeds of the hypervolume after N trials, ours beside Optuna's, and how many
 * seeds ended on exactly Optuna's front. Each side's hypervolume is recomputed here with
 * @vaekit/study's hypervolume from the fronts the runners wrote, as a check of the two
 * implementations against each other. Two fronts are the same when they have the same points to a
 * relative 1e-9 (TPE's arithmetic differs from numpy's in the last bits of values near 0).
 *
 *   node bench/multiobjective/table.js ours.jsonl optuna.jsonl
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { hypervolume } = require(path.join(__dirname, '../../packages/study/dist'));
const { REFERENCE } = require('./problems');

const read = (f) => fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const [oursFile, optunaFile] = process.argv.slice(2);
const rows = [...read(oursFile), ...read(optunaFile)];

function quantile(sorted, q) {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}
const fmt = (v) => v.toFixed(4);

let worstCheck = 0;
for (const r of rows) {
  const hv = hypervolume(r.front.filter((p) => p[0] < REFERENCE[0] && p[1] < REFERENCE[1]), REFERENCE);
  worstCheck = Math.max(worstCheck, Math.abs(hv - r.hypervolume));
}

const lines = ['| problem | sampler | vaekit median (q1–q3) | Optuna 3.1 median (q1–q3) | vaekit / Optuna | seeds with the same front (to 1e-9) | seconds per study (vaekit / Optuna) |', '|---|---|---|---|---|---|---|'];
for (const problem of [...new Set(rows.map((r) => r.problem))]) {
  for (const sampler of [...new Set(rows.map((r) => r.sampler))]) {
    const side = (impl) => rows.filter((r) => r.impl === impl && r.problem === problem && r.sampler === sampler).sort((a, b) => a.seed - b.seed);
    const ours = side('vaekit');
    const theirs = side('optuna');
    if (!ours.length || !theirs.length) continue;
    const stats = (rs) => {
      const hv = rs.map((r) => r.hypervolume).sort((a, b) => a - b);
      return { med: quantile(hv, 0.5), q1: quantile(hv, 0.25), q3: quantile(hv, 0.75), secs: rs.reduce((s, r) => s + r.seconds, 0) / rs.length };
    };
    const a = stats(ours);
    const b = stats(theirs);
    const sorted = (r) => [...r.front].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const close = (x, y) => Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) + 1e-12;
    const sameFront = (r, t) => {
      const a = sorted(r);
      const b = sorted(t);
      return a.length === b.length && a.every((p, i) => p.every((v, k) => close(v, b[i][k])));
    };
    const same = ours.filter((r) => theirs.find((t) => t.seed === r.seed && sameFront(r, t))).length;
    lines.push(
      `| ${problem} | ${sampler} | ${fmt(a.med)} (${fmt(a.q1)}–${fmt(a.q3)}) | ${fmt(b.med)} (${fmt(b.q1)}–${fmt(b.q3)}) | ${(a.med / b.med).toFixed(4)} | ${same} of ${ours.length} | ${a.secs.toFixed(2)} / ${b.secs.toFixed(2)} |`,
    );
  }
}
console.log(lines.join('\n'));
console.log(`\nLargest difference between a runner's hypervolume and @vaekit/study's on the same front: ${worstCheck.toExponential(2)}`);
