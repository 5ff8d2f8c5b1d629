'use strict';
/**
 * Loads the native kernels built by node-gyp at install (build/Release/vaekit_native.node).
 * Returns null (never throws) when the addon was not built, fails to load, the CPU lacks
 * AVX2/FMA, or VAEKIT_NATIVE=0 is set: callers then stay on the plain wasm kernels.
 */
const path = require('path');

let cached;
let reason = '';

function load() {
  if (cached !== undefined) return cached;
  cached = null;
  const flag = process.env.VAEKIT_NATIVE;
  if (flag === '0' || flag === 'false' || flag === 'off') {
    reason = 'disabled by VAEKIT_NATIVE=' + flag;
    return cached;
  }
  const file = path.join(__dirname, '..', 'build', 'Release', 'vaekit_native.node');
  let addon;
  try {
    addon = require(file);
  } catch (e) {
    reason = 'not built or does not load (' + String((e && e.message) || e).split('\n')[0] + ')';
    return cached;
  }
  if (!addon.supported()) {
    reason = 'the CPU lacks AVX2/FMA';
    return cached;
  }
  cached = addon;
  return cached;
}

/** Why load() returned null ('' when it did not). */
function unavailableReason() {
  load();
  return reason;
}

module.exports = { load, unavailableReason };
