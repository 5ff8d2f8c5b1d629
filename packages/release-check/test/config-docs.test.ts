/** docs/configuration.md is generated from the configs' JSON Schemas and must not drift. */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'config-docs.js');

it('docs/configuration.md lists every key the schemas define (npm run docs:config)', () => {
  const r = spawnSync(process.execPath, [SCRIPT, '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/configuration reference up to date/);
  expect(r.status).toBe(0);
});

it('gives every key of the reference its type, default, allowed values and a description', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { render, loadSchemas } = require(SCRIPT);
  const md: string = render(loadSchemas());
  for (const key of ['model.klSchedule.warmupEpochs', 'train.optimizer.lr', 'study.sampler.name', 'study.staleSeconds', 'search.PATH.log', 'anomaly.method']) {
    expect(md).toContain(`| \`${key}\` |`);
  }
  const rows = md.split('\n').filter((l) => /^\| `[^`]+\.[^`]+` \|/.test(l));
  expect(rows.length).toBeGreaterThan(40);
  for (const row of rows) {
    const cells = row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    expect(cells).toHaveLength(5);
    expect(`${cells[0]}: ${cells[4] ? 'described' : 'no description'}`).toBe(`${cells[0]}: described`);
  }
  expect(md).toContain('| `train.optimizer.name` | string | `adam` | `adam`, `sgd`, `rmsprop` |');
  expect(md).toContain('| `model.klSchedule.cycles` | integer | `4` (kind cyclical) | ≥ 1, ≤ 100000 |');
});

it('renders a schema as type, allowed values and defaults', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { rows, table } = require(SCRIPT);
  const md: string = table(
    rows(
      {
        properties: {
          x: {
            type: 'object',
            additionalProperties: false,
            required: ['path'],
            properties: {
              path: { type: 'string', minLength: 1, description: 'A file.' },
              sigma: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'σ' },
              kind: { enum: ['a', 'b'], default: 'a', description: 'Which.' },
              hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [400], description: 'Widths.' },
            },
          },
        },
      },
      '',
    ),
  );
  expect(md).toContain('| `x` | object | – | – | Other keys are refused. |');
  expect(md).toContain('| `x.path` | string | **required** | non-empty | A file. |');
  expect(md).toContain('| `x.sigma` | number | `1` | > 0 | σ |');
  expect(md).toContain('| `x.kind` | string | `a` | `a`, `b` | Which. |');
  expect(md).toContain('| `x.hidden` | array of integer | `[400]` | items ≥ 1 | Widths. |');
});

it('lists the options of each sampler and pruner from the JSON Schemas @vaekit/study exports', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { studyOptionSchemas, rows, table } = require(SCRIPT);
  const named = (names: Record<string, Record<string, unknown>>) => () => ({
    type: 'object',
    required: ['name'],
    properties: { name: { enum: Object.keys(names) } },
    allOf: Object.entries(names).map(([name, properties]) => ({
      if: { properties: { name: { const: name } }, required: ['name'] },
      then: { properties: { name: { const: name }, ...properties }, additionalProperties: false },
    })),
  });
  const found = studyOptionSchemas({
    samplerSchema: named({ tpe: { nStartupTrials: { type: 'integer', minimum: 0, description: 'Random trials first. Default 10.' } }, random: {} }),
    prunerSchema: named({ none: {} }),
  });
  expect(found.map((o: { kind: string; name: string }) => `${o.kind} ${o.name}`)).toEqual(['sampler tpe', 'sampler random', 'pruner none']);
  expect(table(rows(found[0].schema, 'study.sampler'))).toContain('| `study.sampler.nStartupTrials` | integer | `10` | ≥ 0 | Random trials first. Default 10. |');
});
