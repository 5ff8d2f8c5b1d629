#!/usr/bin/env node
'use strict';
// Reads the JSON lines of native_gemm.js and torch_gemm.py rounds (files given as arguments) and
// prints, per shape, each side's best GFLOP/s over the rounds and native / torch.
const fs = require('fs');
const best = { native: new Map(), torch: new Map() };
const rounds = { native: 0, torch: 0 };
const order = [];
for (const file of process.argv.slice(2)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const r = JSON.parse(line);
    rounds[r.side]++;
    for (const x of r.results) {
      if (!order.includes(x.name)) order.push(x.name);
      best[r.side].set(x.name, Math.max(best[r.side].get(x.name) || 0, x.gflops));
    }
  }
}
const pad = (s, n) => String(s).padEnd(n);
const num = (x) => (x ? x.toFixed(1) : '-').padStart(8);
console.log(`rounds: native ${rounds.native}, torch ${rounds.torch} (best of each, GFLOP/s = 2·M·N·K / time per call)`);
console.log(pad('shape', 24) + pad('M x N x K', 20) + '  native    torch   native/torch');
const shapes = require('./shapes.json');
let lnN = 0, lnT = 0, n = 0;
for (const name of order) {
  const s = shapes.find((x) => x.name === name);
  const a = best.native.get(name), b = best.torch.get(name);
  const dims = s ? `${s.M}x${s.N}x${s.K}` : '';
  console.log(pad(name, 24) + pad(dims, 20) + num(a) + ' ' + num(b) + '   ' + (a && b ? (a / b).toFixed(2) : '-').padStart(8));
  if (a && b) {
    lnN += Math.log(a);
    lnT += Math.log(b);
    n++;
  }
}
if (n) console.log(pad('geometric mean', 44) + num(Math.exp(lnN / n)) + ' ' + num(Math.exp(lnT / n)) + '   ' + Math.exp((lnN - lnT) / n).toFixed(2).padStart(8));
