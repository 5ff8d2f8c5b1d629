#!/usr/bin/env node
// Generates the "Options" section of each plugin package's README from the plugins' JSON Schemas.
//
//   npm run docs:plugins            rewrite the block between <!-- options:start --> and <!-- options:end -->
//   npm run docs:plugins -- --check exit 1 (and name the READMEs) when a block differs from the schemas
//
// It requires the built packages (dist/, run `npm run build` first), so the tables describe exactly the
// schemas that are published. packages/release-check/test/plugin-docs.test.ts runs the check.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** Package folder → the export holding its plugins. */
const PACKAGES = [
  { dir: 'packages/encoders', list: 'encoderPlugins' },
  { dir: 'packages/decoders', list: 'decoderPlugins' },
  { dir: 'packages/losses', list: 'lossPlugins' },
  { dir: 'packages/datasets', list: 'datasetPlugins' },
  { dir: 'examples/plugin-resmlp', list: 'plugins' },
];
const START = '<!-- options:start -->';
const END = '<!-- options:end -->';

const code = (v) => '`' + JSON.stringify(v).replace(/"/g, "'").replace(/,/g, ', ') + '`';
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(s) {
  if (!s || typeof s !== 'object') return 'any';
  if (s.enum) return s.enum.map(code).join(', ');
  if (s.const !== undefined) return code(s.const);
  if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeOf).join(' or ');
  const t = Array.isArray(s.type) ? s.type.join(' or ') : s.type;
  const bounds = [];
  if (s.minimum !== undefined) bounds.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) bounds.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  if (s.minLength) bounds.push(`non-empty`);
  if (s.minItems) bounds.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  if (t === 'array') return `array of ${typeOf(s.items)}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
  return `${t ?? 'any'}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
}

function renderPlugin(plugin, useName) {
  const schema = plugin.optionsSchema || {};
  const props = schema.properties || {};
  const required = new Set(schema.required || []);
  const lines = [`### \`${useName}\` (${plugin.kind})`, ''];
  if (plugin.description) lines.push(plugin.description, '');
  const names = Object.keys(props);
  if (names.length === 0) {
    lines.push('No options.');
    return lines.join('\n');
  }
  lines.push('| option | type | default | description |', '| --- | --- | --- | --- |');
  for (const name of names) {
    const p = props[name];
    const def = required.has(name) ? '**required**' : p.default !== undefined ? code(p.default) : '–';
    lines.push(`| \`${name}\` | ${cell(typeOf(p))} | ${cell(def)} | ${cell(p.description ?? '')} |`);
  }
  if (schema.additionalProperties === false) lines.push('', 'Other keys are refused.');
  return lines.join('\n');
}

function renderBlock(pkgDir, listName) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, pkgDir, 'package.json'), 'utf8'));
  const mod = require(path.join(ROOT, pkgDir));
  const plugins = mod[listName];
  if (!Array.isArray(plugins) || plugins.length === 0) throw new Error(`${pkgDir}: no plugin list "${listName}" (is it built?)`);
  const thirdParty = !pkg.name.startsWith('@vaekit/');
  const exportName = (p) => Object.keys(mod).find((k) => mod[k] === p);
  const parts = [
    '<!-- Generated from the plugins\' JSON Schemas by `npm run docs:plugins` (scripts/plugin-docs.js); do not edit by hand. -->',
    '',
  ];
  for (const p of plugins) parts.push(renderPlugin(p, thirdParty ? `${pkg.name}#${exportName(p) ?? p.name}` : p.name), '');
  return parts.join('\n').trimEnd();
}

function updateReadme(pkgDir, listName, check) {
  const file = path.join(ROOT, pkgDir, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${path.relative(ROOT, file)}: no ${START} … ${END} block`);
  const next = text.slice(0, a + START.length) + '\n' + renderBlock(pkgDir, listName) + '\n' + text.slice(b);
  if (next === text) return false;
  if (!check) fs.writeFileSync(file, next);
  return true;
}

function main() {
  const check = process.argv.includes('--check');
  const changed = PACKAGES.filter(({ dir, list }) => updateReadme(dir, list, check)).map(({ dir }) => `${dir}/README.md`);
  if (check && changed.length) {
    console.error(`plugin options out of date in: ${changed.join(', ')}\nrun: npm run build && npm run docs:plugins`);
    process.exit(1);
  }
  console.log(changed.length ? `${check ? 'out of date' : 'updated'}: ${changed.join(', ')}` : 'plugin options up to date');
}

if (require.main === module) main();
module.exports = { PACKAGES, renderBlock, renderPlugin, typeOf, START, END };
