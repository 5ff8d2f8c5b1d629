/** The plugin options in the READMEs are generated from the plugins' JSON Schemas and must not drift. */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

it('every plugin README lists the options its JSON Schemas define (npm run docs:plugins)', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'plugin-docs.js'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/plugin options up to date/);
  expect(r.status).toBe(0);
});

it('renders each option with its type, default and description', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { renderPlugin } = require(path.join(ROOT, 'scripts', 'plugin-docs.js'));
  const md = renderPlugin(
    {
      kind: 'loss',
      name: 'x',
      description: 'A test.',
      optionsSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: { path: { type: 'string', minLength: 1 }, sigma: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'σ' } },
      },
    },
    'x',
  );
  expect(md).toContain('| `path` | string (non-empty) | **required** |  |');
  expect(md).toContain('| `sigma` | number (> 0) | `1` | σ |');
  expect(md).toContain('Other keys are refused.');
});
