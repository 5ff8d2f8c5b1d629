#!/usr/bin/env node
/**
 * vaekit side of the TPE benchmark: best value after N trials per (problem, sampler, seed), as JSON.
 * It drives the samplers the way a study's trial does (define-by-run: the relative draw once per
 * trial, then sampleIndependent for each parameter it does not cover; trials recorded as
 * FrozenTrials), sequentially.
 *
 * Needs the BUILT study package: `npx nx run study:build`, or set VAEKIT_SAMPLERS to another
 * compiled copy of packages/study/src/samplers (a directory with index.js).
 *
 *   node bench/tpe/run_ours.js --trials 100 --seeds 0-19 > ours.json
 */
'use strict';
const path = require('path');

const samplersDir = process.env.VAEKIT_SAMPLERS
  ? path.resolve(process.env.VAEKIT_SAMPLERS)
  : path.join(__dirname, '../../packages/study/dist/samplers');
const { TPESampler, RandomSampler, GPSampler, QMCSampler, sameDistribution } = require(samplersDir);
const PROBLEMS = require('./problems.json');

const HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const HARTMANN_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];
const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN3_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]];
const HARTMANN3_P = [[0.3689, 0.117, 0.2673], [0.4699, 0.4387, 0.747], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]];
const INTQUAD_CENTRE = [3, -4, 7, 0, -1];
const HIDDEN_BEST = { relu: 192, tanh: 320, elu: 128 };
const ACT_OFFSET = { relu: 0, tanh: 0.3, elu: 0.1 };
const MIXED5_ACT = { relu: 0, elu: 0.15, tanh: 0.6, sigmoid: 1.5 };

const OBJECTIVES = {
  branin({ x, y }) {
    const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
    return (y - b * x ** 2 + c * x - r) ** 2 + s * (1 - t) * Math.cos(x) + s;
  },
  logscale({ lr, momentum }) {
    const u = Math.log10(lr) + 2.5, v = momentum - 0.9;
    return u ** 2 + 10 * v ** 2 + 0.5 * u * v;
  },
  int_cat({ hidden, activation, dropout }) {
    return 0.5 * (Math.log2(hidden) - Math.log2(HIDDEN_BEST[activation])) ** 2 + ACT_OFFSET[activation] + 4 * (dropout - 0.2) ** 2;
  },
  hartmann6(p) {
    const x = [0, 1, 2, 3, 4, 5].map((i) => p[`x${i}`]);
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let e = 0;
      for (let j = 0; j < 6; j++) e += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2;
      total += HARTMANN_ALPHA[i] * Math.exp(-e);
    }
    return -total;
  },
  rosenbrock4(p) {
    const x = [0, 1, 2, 3].map((i) => p[`x${i}`]);
    let s = 0;
    for (let i = 0; i < 3; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
    return s;
  },
  mixed5({ lr, layers, width, act, beta }) {
    return (
      (Math.log10(lr) + 3.2) ** 2 +
      0.3 * (layers - 3) ** 2 +
      0.8 * (Math.log2(width) - 8.5) ** 2 +
      MIXED5_ACT[act] +
      0.5 * Math.log(beta) ** 2
    );
  },
  hartmann3(p) {
    const x = [p.x0, p.x1, p.x2];
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let e = 0;
      for (let j = 0; j < 3; j++) e += HARTMANN3_A[i][j] * (x[j] - HARTMANN3_P[i][j]) ** 2;
      total += HARTMANN_ALPHA[i] * Math.exp(-e);
    }
    return -total;
  },
  camel6({ x, y }) {
    return (4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y + (-4 + 4 * y ** 2) * y ** 2;
  },
  ackley5(p) {
    const x = [0, 1, 2, 3, 4].map((i) => p[`x${i}`]);
    const sq = x.reduce((s, v) => s + v * v, 0) / x.length;
    const cs = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / x.length;
    return -20 * Math.exp(-0.2 * Math.sqrt(sq)) - Math.exp(cs) + 20 + Math.E;
  },
  levy6(p) {
    const w = [0, 1, 2, 3, 4, 5].map((i) => 1 + (p[`x${i}`] - 1) / 4);
    const d = w.length;
    let s = Math.sin(Math.PI * w[0]) ** 2;
    for (let i = 0; i < d - 1; i++) s += (w[i] - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i] + 1) ** 2);
    return s + (w[d - 1] - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]) ** 2);
  },
  styblinski10(p) {
    let s = 0;
    for (let i = 0; i < 10; i++) {
      const v = p[`x${i}`];
      s += v ** 4 - 16 * v ** 2 + 5 * v;
    }
    return s / 2;
  },
  intquad5(p) {
    const d = [0, 1, 2, 3, 4].map((i) => p[`n${i}`] - INTQUAD_CENTRE[i]);
    let s = 0;
    for (let i = 0; i < 5; i++) s += d[i] ** 2 + (i < 4 ? 0.5 * d[i] * d[i + 1] : 0);
    return s;
  },
};

function run(problem, samplerName, seed, nTrials) {
  const spec = PROBLEMS[problem].params;
  const f = OBJECTIVES[problem];
  // tpe: the default (numpy stream, Optuna's draws); tpe-keyed: keyed streams, as vaekit search's
  // worker processes use; tpe-mv: multivariate.
  const sampler =
    samplerName === 'gp'
      ? new GPSampler({ seed })
      : samplerName === 'qmc'
      ? new QMCSampler({ seed })
      : samplerName === 'tpe'
      ? new TPESampler({ seed })
      : samplerName === 'tpe-keyed'
        ? new TPESampler({ seed, stream: 'keyed' })
        : samplerName === 'tpe-mv'
          ? new TPESampler({ seed, multivariate: true })
          : new RandomSampler(seed);
  const trials = [];
  let best = Infinity;
  for (let k = 0; k < nTrials; k++) {
    const trial = { number: k, state: 'RUNNING', params: {}, distributions: {}, intermediate: {}, userAttrs: {}, systemAttrs: {} };
    trials.push(trial);
    const ctx = { direction: 'minimize', trials, trialNumber: k };
    const space = sampler.inferRelativeSearchSpace ? sampler.inferRelativeSearchSpace(ctx) : {};
    const relative = sampler.sampleRelative ? sampler.sampleRelative(ctx, space) : {};
    for (const [name, dist] of Object.entries(spec)) {
      const joint = name in relative && space[name] && sameDistribution(space[name], dist);
      trial.params[name] = joint ? relative[name] : sampler.sampleIndependent(ctx, name, dist);
      trial.distributions[name] = dist;
    }
    trial.value = f(trial.params);
    trial.state = 'COMPLETE';
    best = Math.min(best, trial.value);
  }
  return best;
}

function parseSeeds(s) {
  if (s.includes('-')) {
    const [a, b] = s.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  return s.split(',').map(Number);
}

function main() {
  const args = { trials: '100', seeds: '0-19', problems: Object.keys(OBJECTIVES).join(','), samplers: 'tpe,random' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args)) throw new Error(`unknown option ${argv[i]} (known: ${Object.keys(args).map((k) => '--' + k).join(', ')})`);
    args[key] = argv[i + 1];
  }
  const start = Date.now();
  // secondsBy: wall time per problem and sampler, all seeds together (objective included).
  const out = { runner: `vaekit (${samplersDir})`, trials: Number(args.trials), results: {}, secondsBy: {} };
  for (const problem of args.problems.split(',')) {
    for (const samplerName of args.samplers.split(',')) {
      out.results[problem] = out.results[problem] || {};
      out.secondsBy[problem] = out.secondsBy[problem] || {};
      const t0 = Date.now();
      out.results[problem][samplerName] = parseSeeds(args.seeds).map((seed) => run(problem, samplerName, seed, Number(args.trials)));
      out.secondsBy[problem][samplerName] = (Date.now() - t0) / 1000;
    }
  }
  out.seconds = Math.round((Date.now() - start) / 100) / 10;
  console.log(JSON.stringify(out));
}

main();
