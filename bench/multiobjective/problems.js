'use strict';
/** ZDT1 and ZDT2 (Zitzler, Deb & Thiele 2000) with 5 variables in [0, 1]; both objectives minimised. */
const N_VARS = 5;
const REFERENCE = [1.1, 6.0];

function g(x) {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i];
  return 1 + (9 * s) / (x.length - 1);
}

const PROBLEMS = {
  zdt1(x) {
    const gx = g(x);
    return [x[0], gx * (1 - Math.sqrt(x[0] / gx))];
  },
  zdt2(x) {
    const gx = g(x);
    return [x[0], gx * (1 - (x[0] / gx) ** 2)];
  },
};

module.exports = { N_VARS, REFERENCE, PROBLEMS };
