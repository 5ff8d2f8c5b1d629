'use strict';
/** What the benchmark tables share: the two result files, the problems, quantiles and number formatting. */
const fs = require('fs');
const path = require('path');

/** The outputs of run_ours.js and run_optuna.py named on the command line, and problems.json. */
function loadResults(argv) {
  const [oursFile, optunaFile] = argv.slice(2);
  return {
    ours: JSON.parse(fs.readFileSync(oursFile, 'utf8')),
    optuna: JSON.parse(fs.readFileSync(optunaFile, 'utf8')),
    problems: require(path.join(__dirname, 'problems.json')),
  };
}

/** The q-quantile of xs, interpolated linearly between order statistics (numpy's default). */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const r = q * (s.length - 1);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  return s[lo] + (s[hi] - s[lo]) * (r - lo);
}

/** Four significant digits; 'n/a' for a missing value, 0 for anything below 1e-12. */
const fmt = (v) => (v === undefined || Number.isNaN(v) ? 'n/a' : Math.abs(v) < 1e-12 ? '0' : Number(v.toPrecision(4)).toString());

module.exports = { loadResults, quantile, fmt };
