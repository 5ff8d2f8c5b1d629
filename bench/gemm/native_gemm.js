#!/usr/bin/env node
'use strict';
// One round of vaekit's native sgemm over the shapes of shapes.json: prints one JSON line
// {side: "native", threads, results: [{name, seconds, gflops, cpuSeconds, cpuGflops}]}, the best wall
// and CPU time per call of a few timed batches per shape. Usage: node native_gemm.js [--threads N] [--budget SECONDS_PER_SHAPE] [--only REGEX]
const path = require('path');
const native = require(path.join(__dirname, '..', '..', 'packages', 'native')).load();
if (!native) {
  console.error('native kernels unavailable: ' + require(path.join(__dirname, '..', '..', 'packages', 'native')).unavailableReason());
  process.exit(1);
}
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const threads = opt('--threads', 1);
const budget = opt('--budget', 0.3);
native.setThreads(threads);
const only = args.includes('--only') ? new RegExp(args[args.indexOf('--only') + 1]) : null;
const shapes = require(path.join(__dirname, 'shapes.json')).filter((s) => !only || only.test(s.name));

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296) - 0.5;

const results = [];
for (const s of shapes) {
  const { M, N, K, tA, tB } = s;
  // A stored [M,K] or, transposed, [K,M]; B stored [K,N] or [N,K]; C [M,N]; one heap as on wasm.
  const aLen = M * K, bLen = K * N, cLen = M * N;
  const heap = new Float32Array(aLen + bLen + cLen + 16);
  for (let i = 0; i < aLen + bLen; i++) heap[i] = rand();
  const aOff = 0, bOff = aLen, cOff = aLen + bLen;
  const lda = tA ? M : K, ldb = tB ? K : N;
  const call = () => native.sgemm(heap, M, N, K, aOff, lda, tA, bOff, ldb, tB, cOff, N, -1);
  call();
  call();
  // Calls per batch: about budget/5 seconds each.
  let t0 = process.hrtime.bigint();
  call();
  const one = Math.max(1e-7, Number(process.hrtime.bigint() - t0) / 1e9);
  const reps = Math.max(1, Math.round(budget / 5 / one));
  // Wall time, and the process's CPU time (what it got of a shared, loaded machine).
  let best = Infinity, bestCpu = Infinity;
  for (let b = 0; b < 5; b++) {
    const c0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) call();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / reps);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6 / reps);
  }
  const flop = 2 * M * N * K;
  results.push({ name: s.name, seconds: best, gflops: flop / best / 1e9, cpuSeconds: bestCpu, cpuGflops: flop / bestCpu / 1e9 });
}
console.log(JSON.stringify({ side: 'native', isa: native.sgemmIsa ? native.sgemmIsa() : 'avx2', threads, results }));
