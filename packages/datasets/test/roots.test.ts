/**
 * A config is untrusted: the data files it names must lie inside the config's folder, the working
 * directory or a folder listed in VAEKIT_DATA_PATHS (after resolving links).
 */
import * as fs from 'fs';
import * as path from 'path';
import { csv, idx, mnist } from '../src';
import { ConfigError } from '../src/errors';
import { thrown, tmpDir } from './helpers';

const rows = 'a,b\n' + Array.from({ length: 20 }, (_, i) => `${i % 3},${(i * 7) % 5}`).join('\n') + '\n';

describe('data paths named by a config', () => {
  const base = tmpDir();
  let n = 0;
  let root: string;
  let configDir: string;
  let outside: string;
  const cwd = process.cwd();
  const saved = process.env.VAEKIT_DATA_PATHS;

  beforeEach(() => {
    root = path.join(base, String(n++));
    fs.mkdirSync(root);
    configDir = path.join(root, 'downloaded');
    outside = path.join(root, 'elsewhere');
    fs.mkdirSync(configDir);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(configDir, 'inside.csv'), rows);
    fs.writeFileSync(path.join(outside, 'secret.csv'), rows);
    delete process.env.VAEKIT_DATA_PATHS;
    process.chdir(configDir);
  });

  afterEach(() => {
    process.chdir(cwd);
    if (saved === undefined) delete process.env.VAEKIT_DATA_PATHS;
    else process.env.VAEKIT_DATA_PATHS = saved;
  });

  const ctx = () => ({ path: 'data', baseDir: configDir });

  it('reads a file inside the config folder', () => {
    expect(csv.create({ path: 'inside.csv', testFraction: 0.2 }, ctx()).train.n).toBe(16);
  });

  it('refuses ../, absolute paths and links that lead out, naming the option and the way to allow a folder', () => {
    for (const p of ['../elsewhere/secret.csv', path.join(outside, 'secret.csv'), '/etc/hostname']) {
      const e = thrown(() => csv.create({ path: p }, ctx()));
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toMatch(/^data\.path: .* is outside the config's folder and the working directory: .*VAEKIT_DATA_PATHS/);
    }
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(configDir, 'link.csv'));
    expect(thrown(() => csv.create({ path: 'link.csv' }, ctx())).message).toMatch(/is outside the config's folder/);
    expect(thrown(() => idx.create({ path: '../elsewhere/secret.csv' }, ctx())).message).toMatch(/is outside the config's folder/);
    expect(thrown(() => mnist.create({ dir: '../elsewhere' }, ctx())).message).toMatch(/^data\.dir: .* is outside the config's folder/);
  });

  it('reads from a folder the user lists in VAEKIT_DATA_PATHS, or from the working directory', () => {
    process.env.VAEKIT_DATA_PATHS = ['/nonexistent', outside].join(path.delimiter);
    expect(csv.create({ path: '../elsewhere/secret.csv', testFraction: 0.2 }, ctx()).train.n).toBe(16);
    delete process.env.VAEKIT_DATA_PATHS;
    process.chdir(outside);
    expect(csv.create({ path: path.join(outside, 'secret.csv'), testFraction: 0.2 }, ctx()).train.n).toBe(16);
  });
});
