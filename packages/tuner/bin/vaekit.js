#!/usr/bin/env node
// The `vaekit` command. A committed file (not dist/) so npm can link it before the first build.
'use strict';
const path = require('path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main\.js/.test(e.message)) {
    process.stderr.write('vaekit: the CLI is not built yet; run `npm run build` (npm ci does it) in the repository root\n');
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
