#!/usr/bin/env node
'use strict';
// Reads the JSON lines of native_gemm.js and torch_gemm.py rounds (files given as arguments) and
// prints, per shape, each side's best GFLOP/s over its rounds and each native kernel's ratio to
// torch, by wall time and by the process's CPU time (on a loaded machine a process is descheduled
// part of the wall time; with 1 thread, CPU time counts only the time it ran).
const fs = require('fs');
const shapes = require('./shapes.json');
const best = new Map(); // side -> name -> {wall, cpu}
const rounds = new Map();
const order = [];
for (const file of process.argv.slice(2)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const r = JSON.parse(line);
    const side = r.side === 'native' ? `native ${r.isa || '?'}` : r.side;
    rounds.set(side, (rounds.get(side) || 0) + 1);
    if (!best.has(side)) best.set(side, new Map());
    for (const x of r.results) {
      if (!order.includes(x.name)) order.push(x.name);
      const b = best.get(side).get(x.name) || { wall: 0, cpu: 0 };
      best.get(side).set(x.name, { wall: Math.max(b.wall, x.gflops), cpu: Math.max(b.cpu, x.cpuGflops || 0) });
    }
  }
}
const sides = [...best.keys()].sort((a, b) => (a === 'torch') - (b === 'torch') || b.localeCompare(a));
const natives = sides.filter((s) => s !== 'torch');
const hasTorch = sides.includes('torch');
console.log(`rounds: ${sides.map((s) => `${s} ${rounds.get(s)}`).join(', ')}; GFLOP/s = 2·M·N·K / best time per call`);
const pad = (s, n) => String(s).padEnd(n);
const num = (x) => (x ? x.toFixed(1) : '-').padStart(14);
const rat = (a, b) => (a && b ? (a / b).toFixed(2) : '-').padStart(14);
for (const metric of ['wall', 'cpu']) {
  console.log(`\nGFLOP/s by ${metric === 'wall' ? 'wall time' : 'CPU time'}`);
  const ratioCols = hasTorch ? natives.map((s) => `${s.replace('native ', '')}/torch`) : [];
  console.log(pad('shape', 25) + pad('M x N x K', 17) + sides.map((s) => s.padStart(14)).join('') + ratioCols.map((s) => s.padStart(14)).join(''));
  const logs = new Map(sides.map((s) => [s, 0]));
  let n = 0;
  for (const name of order) {
    const s = shapes.find((x) => x.name === name);
    const v = sides.map((side) => (best.get(side).get(name) || {})[metric]);
    const t = hasTorch ? v[sides.indexOf('torch')] : 0;
    console.log(pad(name, 25) + pad(s ? `${s.M}x${s.N}x${s.K}` : '', 17) + v.map(num).join('') + (hasTorch ? natives.map((side) => rat(v[sides.indexOf(side)], t)).join('') : ''));
    if (v.every((x) => x)) {
      sides.forEach((side, i) => logs.set(side, logs.get(side) + Math.log(v[i])));
      n++;
    }
  }
  if (n) {
    const g = sides.map((side) => Math.exp(logs.get(side) / n));
    const t = hasTorch ? g[sides.indexOf('torch')] : 0;
    console.log(pad('geometric mean', 42) + g.map(num).join('') + (hasTorch ? natives.map((side) => rat(g[sides.indexOf(side)], t)).join('') : ''));
  }
}
