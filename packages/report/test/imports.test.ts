/**
 * The report knows nothing about the VAE packages or TensorFlow.js: its sources import no
 * @vaekit package but @vaekit/study, and nothing from @tensorflow. (The VAE views are sections
 * that @vaekit/pipelines registers.)
 */
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

/** Every module specifier in a file: import/export … from, import(), require(), import type. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const re of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm]) {
    for (const m of text.matchAll(re)) out.push(m[1]);
  }
  return out;
}

describe('the report depends on @vaekit/study only', () => {
  it('imports no other @vaekit package and nothing from @tensorflow in src/', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(10);
    const bad = files.flatMap((f) =>
      specifiers(fs.readFileSync(f, 'utf8'))
        .filter((s) => (s.startsWith('@vaekit/') && s !== '@vaekit/study') || s.startsWith('@tensorflow/'))
        .map((s) => `${path.relative(SRC, f)}: ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('sees the imports it looks for', () => {
    expect(specifiers(`import { a } from '@vaekit/core';\nconst t = require("@tensorflow/tfjs-core");\nconst p = import('@vaekit/pipelines');\nimport '@vaekit/x';\nexport * from '@vaekit/y';`)).toEqual([
      '@vaekit/core',
      '@vaekit/y',
      '@vaekit/pipelines',
      '@tensorflow/tfjs-core',
      '@vaekit/x',
    ]);
  });
});
