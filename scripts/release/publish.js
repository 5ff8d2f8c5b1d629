#!/usr/bin/env node
// The nx-release-publish target of every published package: `npm publish` in the package folder.
// nx release publish passes its options as flags (--dryRun=true, --tag=next, --registry=URL, --otp=…,
// --access=public); they are mapped to npm's own flags. Anything else is ignored.
'use strict';
const { spawnSync } = require('node:child_process');

const opts = {};
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (m) opts[m[1]] = m[2] === undefined ? 'true' : m[2];
}
const args = ['publish'];
const dryRun = opts.dryRun === 'true' || opts['dry-run'] === 'true' || process.env.VAEKIT_PUBLISH_DRY_RUN === '1';
if (dryRun) args.push('--dry-run');
for (const k of ['tag', 'registry', 'otp', 'access']) if (opts[k] && opts[k] !== 'undefined') args.push(`--${k}`, opts[k]);
console.log(`> npm ${args.join(' ')}   (in ${process.cwd()})`);
const r = spawnSync('npm', args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
