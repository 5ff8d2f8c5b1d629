#!/usr/bin/env node
'use strict';
// Reads the JSON lines of native_gemm.js and torch_gemm.py rounds (files given as arguments) and
// prints, per shape, each side's best GFLOP/s over the rounds and native / torch, by wall time and
// by the process's CPU time (on a loaded machine the process is descheduled part of the wall time;
// with 1 thread, CPU time counts only the time it ran).
const fs = require('fs');
const sides = ['native', 'torch'];
const best = { native: new Map(), torch: new Map() };
const rounds = { native: 0, torch: 0 };
const isa = new Set();
const order = [];
for (const file of process.argv.slice(2)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const r = JSON.parse(line);
    rounds[r.side]++;
    if (r.isa) isa.add(r.isa);
    for (const x of r.results) {
      if (!order.includes(x.name)) order.push(x.name);
      const b = best[r.side].get(x.name) || { wall: 0, cpu: 0 };
      best[r.side].set(x.name, { wall: Math.max(b.wall, x.gflops), cpu: Math.max(b.cpu, x.cpuGflops || 0) });
    }
  }
}
const shapes = require('./shapes.json');
const pad = (s, n) => String(s).padEnd(n);
const num = (x, w = 8) => (x ? x.toFixed(1) : '-').padStart(w);
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-').padStart(7);
console.log(`rounds: native ${rounds.native} (kernel: ${[...isa].join(', ') || '?'}), torch ${rounds.torch}; GFLOP/s = 2·M·N·K / best time per call`);
console.log(pad('', 44) + '      by wall time          |      by CPU time');
console.log(pad('shape', 25) + pad('M x N x K', 19) + '  native   torch  ratio |  native   torch  ratio');
const logs = { wn: 0, wt: 0, cn: 0, ct: 0, n: 0 };
for (const name of order) {
  const s = shapes.find((x) => x.name === name);
  const a = best.native.get(name) || {}, b = best.torch.get(name) || {};
  const dims = s ? `${s.M}x${s.N}x${s.K}` : '';
  console.log(pad(name, 25) + pad(dims, 19) + num(a.wall) + num(b.wall) + ratio(a.wall, b.wall) + ' |' + num(a.cpu) + num(b.cpu) + ratio(a.cpu, b.cpu));
  if (a.wall && b.wall && a.cpu && b.cpu) {
    logs.wn += Math.log(a.wall); logs.wt += Math.log(b.wall); logs.cn += Math.log(a.cpu); logs.ct += Math.log(b.cpu); logs.n++;
  }
}
const g = (x) => Math.exp(x / logs.n);
if (logs.n) console.log(pad('geometric mean', 44) + num(g(logs.wn)) + num(g(logs.wt)) + ratio(g(logs.wn), g(logs.wt)) + ' |' + num(g(logs.cn)) + num(g(logs.ct)) + ratio(g(logs.cn), g(logs.ct)));
