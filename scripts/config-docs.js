#!/usr/bin/env node
// Generates docs/configuration.md, the reference of every key of a vaekit YAML config, from the JSON Schemas.
//
//   npm run docs:config            rewrite docs/configuration.md
//   npm run docs:config -- --check exit 1 when docs/configuration.md differs from the schemas
//
// Sources, all as published: the training config's schema (packages/core/schema/config.schema.json),
// the `study:` section's schema (@vaekit/tuner, dist/search/spec.js), the `anomaly:` section's schema
// (@vaekit/pipelines) and, when @vaekit/study exports them, the JSON Schemas of the samplers' and pruners'
// options. The built packages are required (dist/, run `npm run build` first).
// packages/release-check/test/config-docs.test.ts runs the check.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'configuration.md');

/** A value as YAML flow style, the way a config would write it: `{ use: mlp, hidden: [400] }`. */
function yaml(v) {
  if (Array.isArray(v)) return `[${v.map(yaml).join(', ')}]`;
  if (v && typeof v === 'object') {
    const e = Object.entries(v);
    return e.length ? `{ ${e.map(([k, x]) => `${k}: ${yaml(x)}`).join(', ')} }` : '{}';
  }
  if (typeof v === 'string') return /^[A-Za-z_][\w.-]*$/.test(v) && !/^(true|false|null|yes|no|on|off)$/i.test(v) ? v : JSON.stringify(v);
  return String(v);
}
const code = (v) => '`' + yaml(v) + '`';
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The plugin blocks and the README that lists each plugin's own options. */
const PLUGIN_DOCS = {
  data: '../packages/datasets/README.md',
  'model.encoder': '../packages/encoders/README.md',
  'model.decoder': '../packages/decoders/README.md',
  'model.loss': '../packages/losses/README.md',
};

/**
 * Descriptions for keys whose schema has none (the schema's own description always wins).
 * config-docs.test.ts checks that every key of the reference has a description.
 */
const FALLBACK = {
  'study.sampler.name': '`grid` tries every combination of the grids once; `random` draws each parameter uniformly; `tpe` is the tree-structured Parzen estimator; `qmc` takes the points of a scrambled Sobol sequence; `gp` is Gaussian-process Bayesian optimisation.',
  'study.sampler.seed': 'Seed of the sampler\'s random numbers (grid: the order of the points is shuffled with it).',
  'study.pruner': 'Stops unpromising trials early, fed by the metric each trial reports after every epoch.',
  'study.pruner.name': '`none`; `median` (prune a trial whose best value so far is worse than the median of finished trials at the same epoch); `asha` or `successiveHalving` (asynchronous successive halving).',
  'study.heartbeatSeconds': 'How often a running trial tells the storage it is alive.',
  'anomaly.baselines': 'Baselines fitted on the same training rows and scored on the same test rows as the VAE.',
  'anomaly.baselines.pca': 'PCA reconstruction error as the anomaly score; `false` turns it off.',
  'anomaly.baselines.pca.components': 'Principal components kept.',
  'anomaly.baselines.knn': 'Mean distance to the k nearest training examples as the anomaly score; `false` turns it off.',
  'anomaly.baselines.knn.k': 'How many nearest training examples are averaged.',
};

/**
 * The `search:` section is a mapping of dotted config paths to distributions, read by the tuner
 * (parseSearchSection); this is its shape, as a schema, for the reference.
 */
const SEARCH_ENTRY_SCHEMA = {
  description:
    'One searched config path (such as `model.beta` or `model.encoder.hidden.0`, an array index being a number) mapped to ' +
    'a grid, `{ grid: [...] }`, or a distribution, `{ type: float | int | categorical, ... }`. Every value it can take is ' +
    'checked against the training schema at that path before the first trial.',
  properties: {
    grid: { type: 'array', minItems: 1, description: 'The values to try, each once (the grid sampler runs every combination). No other key beside it.' },
    type: { enum: ['float', 'int', 'categorical'], description: 'A distribution instead of a grid.' },
    low: { type: 'number', description: 'float and int: the smallest value (int: an integer; with `log`, greater than 0).' },
    high: { type: 'number', description: 'float and int: the largest value, included (not below `low`).' },
    log: { type: 'boolean', default: false, description: 'float and int: sample uniformly in log space. Not with `step`.' },
    step: { type: 'number', exclusiveMinimum: 0, description: 'float and int: only low, low + step, … up to high (int default 1).' },
    choices: { type: 'array', minItems: 1, description: 'categorical: the values to choose among (strings, numbers, booleans or null).' },
  },
};

/** Splits a schema into its type, its allowed values (enum, const, bounds) and its default. */
function describe(s) {
  if (!s || typeof s !== 'object') return { type: 'any', allowed: '' };
  if (s.anyOf || s.oneOf) {
    const parts = (s.anyOf || s.oneOf).map(describe);
    const type = [...new Set(parts.map((p) => p.type))].join(' or ');
    const allowed = parts.map((p) => p.allowed).filter(Boolean).join('; ');
    return { type, allowed };
  }
  if (s.const !== undefined) return { type: typeof s.const, allowed: code(s.const) };
  if (s.enum) {
    const types = [...new Set(s.enum.map((v) => (v === null ? 'null' : typeof v)))];
    return { type: s.type ? [].concat(s.type).join(' or ') : types.join(' or '), allowed: s.enum.map(code).join(', ') };
  }
  let type = Array.isArray(s.type) ? s.type.join(' or ') : s.type ?? (s.properties ? 'object' : 'any');
  const bounds = [];
  if (s.minimum !== undefined) bounds.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) bounds.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  if (s.minLength) bounds.push('non-empty');
  if (s.pattern) bounds.push(`matching \`${s.pattern}\``);
  if (s.minItems) bounds.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  if (type === 'array' && s.items) {
    const item = describe(s.items);
    type = `array of ${item.type}`;
    if (item.allowed) bounds.push(`items ${item.allowed}`);
  }
  return { type, allowed: bounds.join(', ') };
}

/** Defaults that depend on a discriminating key (`allOf: [{ if: { kind: K }, then: { properties: { p: { default } } } }]`). */
function conditionalDefaults(s) {
  const out = {};
  for (const branch of s.allOf || []) {
    const cond = branch.if && branch.if.properties;
    const props = branch.then && branch.then.properties;
    if (!cond || !props) continue;
    const [key] = Object.keys(cond);
    const when = cond[key] && cond[key].const;
    if (when === undefined) continue;
    for (const [name, p] of Object.entries(props)) {
      if (p && p.default !== undefined) (out[name] = out[name] || []).push(`${code(p.default)} (${key} ${when})`);
    }
  }
  return out;
}

/** One row per key, depth first: nested objects with properties are expanded into dotted paths. */
function rows(schema, prefix, out = []) {
  const props = schema.properties || {};
  const required = new Set(schema.required || []);
  const cond = conditionalDefaults(schema);
  for (const [name, p] of Object.entries(props)) {
    const key = prefix ? `${prefix}.${name}` : name;
    const { type, allowed } = describe(p);
    let def = '–';
    if (required.has(name)) def = '**required**';
    else if (p.default !== undefined) def = code(p.default);
    else if (cond[name]) def = cond[name].join(', ');
    else if (typeof p.description === 'string' && /(?:^|\. )Default (\w[^.;]*)[.;]/.test(p.description)) {
      const d = /(?:^|\. )Default (\w[^.;]*)[.;]/.exec(p.description)[1];
      def = /^\S+$/.test(d) ? '`' + d + '`' : d;
    }
    const own = [p.title && p.description ? `**${p.title}.**` : p.title, p.description].filter(Boolean).join(' ');
    // A section's own row: its description is the paragraph above the table.
    const text = !prefix ? '' : own || FALLBACK[key] || '';
    const notes = [];
    if (PLUGIN_DOCS[key]) notes.push(`Plugin options: [${PLUGIN_DOCS[key].split('/')[2]}](${PLUGIN_DOCS[key]}#options).`);
    if (p.additionalProperties === false && p.properties) notes.push('Other keys are refused.');
    out.push({ key, type, def, allowed, text: [text, ...notes].filter(Boolean).join(' ') });
    if (p.properties && Object.keys(p.properties).length > (p.required && p.required.includes('use') ? 1 : 0)) rows(p, key, out);
    for (const alt of p.anyOf || p.oneOf || []) if (alt.properties) rows(alt, key, out);
  }
  return out;
}

function table(list) {
  const lines = ['| key | type | default | allowed values | description |', '| --- | --- | --- | --- | --- |'];
  for (const r of list) lines.push(`| \`${r.key}\` | ${cell(r.type)} | ${cell(r.def)} | ${cell(r.allowed || '–')} | ${cell(r.text)} |`);
  return lines.join('\n');
}

/**
 * The sampler and pruner options, when @vaekit/study exports them as JSON Schemas (`samplerSchema()`,
 * `prunerSchema()`: a `name` enum and, per name, an `if { name } then { properties }` branch).
 * Returns one entry per sampler or pruner name.
 */
function studyOptionSchemas(study) {
  const found = [];
  for (const [kind, fn] of [['sampler', study.samplerSchema], ['pruner', study.prunerSchema]]) {
    if (typeof fn !== 'function') continue;
    const schema = fn();
    for (const branch of schema.allOf || []) {
      const name = branch.if && branch.if.properties && branch.if.properties.name && branch.if.properties.name.const;
      if (name === undefined || !branch.then) continue;
      const properties = { ...(branch.then.properties || {}) };
      delete properties.name;
      found.push({ kind, name, schema: { properties, required: (branch.then.required || []).filter((k) => k !== 'name') } });
    }
  }
  return found;
}

function loadSchemas() {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'core', 'schema', 'config.schema.json'), 'utf8'));
  const tunerSpec = path.join(ROOT, 'packages', 'tuner', 'dist', 'search', 'spec.js');
  if (!fs.existsSync(tunerSpec)) throw new Error(`${path.relative(ROOT, tunerSpec)} is missing: run npm run build first`);
  const { studySchema } = require(tunerSpec);
  const { anomalySchema } = require(path.join(ROOT, 'packages', 'pipelines'));
  const study = require(path.join(ROOT, 'packages', 'study'));
  return { config, studySchema, anomalySchema, options: studyOptionSchemas(study) };
}

function render({ config, studySchema, anomalySchema, options }) {
  const top = config.properties;
  const sectionText = (name) => [top[name].title && `**${top[name].title}.**`, top[name].description].filter(Boolean).join(' ');
  const parts = [
    '<!-- Generated from the JSON Schemas by `npm run docs:config` (scripts/config-docs.js); do not edit by hand. -->',
    '',
    '# Configuration reference',
    '',
    'A vaekit config is a YAML file. `vaekit train` reads `data`, `model`, `train`, `eval` and `output`;',
    '`vaekit search` also reads `study` and `search`; `vaekit anomaly` (and a study whose metric is `rocAuc` or',
    '`prAuc`) reads `anomaly`. Unknown keys are refused wherever the table says so, with a message naming the',
    'file and the key. Any key can be overridden on the command line with `--set path=value`.',
    '',
    'Editors that understand JSON Schema complete and check configs that start with',
    '`$schema: ../packages/core/schema/config.schema.json` (in a project: `node_modules/@vaekit/core/schema/config.schema.json`).',
    '',
    cell(config.description),
    '',
    '- Type: the JSON type after YAML parsing (`integer` accepts whole numbers only).',
    '- Default: what vaekit uses when the key is left out; `–` means none (the description says what happens).',
    '- A plugin block (`data`, `model.encoder`, `model.decoder`, `model.loss`) takes `use` plus the options of the plugin it names;',
    '  those are listed in the plugin package\'s README.',
    '',
    '## Contents',
    '',
  ];
  const sections = ['data', 'model', 'train', 'eval', 'output', 'study', 'search', 'anomaly'];
  for (const s of sections) parts.push(`- [\`${s}\`](#${s})`);
  if (options.length) parts.push('- [Sampler and pruner options](#sampler-and-pruner-options)');
  parts.push('');

  for (const s of ['data', 'model', 'train', 'eval', 'output']) {
    parts.push(`## ${s}`, '', sectionText(s), '', table(rows({ properties: { [s]: top[s] } }, '')), '');
  }

  parts.push('## study', '', sectionText('study'), '');
  parts.push(table(rows({ properties: { study: { ...studySchema, default: undefined } } }, '')), '');
  parts.push(
    'The sampler and pruner objects take, beside `name` (and the sampler\'s `seed`), the options of',
    '[@vaekit/study](../packages/study/README.md)\'s samplers and pruners, such as',
    '`sampler: { name: tpe, seed: 0, nStartupTrials: 10, multivariate: true }` or `pruner: { name: median, nWarmupSteps: 2 }`;',
    'unknown options are refused. With worker processes or a PostgreSQL storage, TPE uses keyed random streams unless',
    '`sampler.stream` says otherwise (see [the tuner guide](tuner.md)).',
    '',
  );

  parts.push('## search', '', sectionText('search'), '', SEARCH_ENTRY_SCHEMA.description, '');
  parts.push(table(rows(SEARCH_ENTRY_SCHEMA, 'search.PATH')), '');
  parts.push(
    '```yaml',
    'search:',
    '  model.beta: { grid: [0.25, 0.5, 1, 2, 4, 8] }',
    '  train.optimizer.lr: { type: float, low: 1.0e-4, high: 1.0e-2, log: true }',
    '  model.latentDim: { type: int, low: 2, high: 64, log: true }',
    '  model.encoder.hidden.0: { type: int, low: 64, high: 1024, step: 64 }',
    '  model.encoder.activation: { type: categorical, choices: [relu, tanh, elu] }',
    '```',
    '',
  );

  parts.push('## anomaly', '', sectionText('anomaly'), '');
  parts.push(table(rows({ properties: { anomaly: { ...anomalySchema } } }, '')), '');

  if (options.length) {
    parts.push(
      '## Sampler and pruner options',
      '',
      'The options `study.sampler` and `study.pruner` take beside `name`, per sampler and pruner (from the JSON Schemas',
      '`samplerSchema()` and `prunerSchema()` of `@vaekit/study`; options that only the API takes, such as functions, are',
      'in [its README](../packages/study/README.md)).',
      '',
    );
    for (const o of options) {
      const where = `study.${o.kind}`;
      parts.push(`### ${o.kind} \`${o.name}\``, '');
      const list = rows(o.schema, where);
      parts.push(list.length ? table(list) : 'No options.', '');
    }
  }
  return parts.join('\n').trimEnd() + '\n';
}

function main() {
  const check = process.argv.includes('--check');
  const next = render(loadSchemas());
  const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  const rel = path.relative(ROOT, OUT);
  if (next === current) {
    console.log('configuration reference up to date');
    return;
  }
  if (check) {
    console.error(`${rel} is out of date\nrun: npm run build && npm run docs:config`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, next);
  console.log(`updated: ${rel}`);
}

if (require.main === module) main();
module.exports = { render, rows, describe, table, loadSchemas, studyOptionSchemas, OUT };
