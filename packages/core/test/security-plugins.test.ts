/**
 * Configs and checkpoints are untrusted: a `use:` loads a plugin only from an installed npm package
 * named by a valid package name, resolved from the working directory, or from a file the command
 * line allowed. Nothing else runs any code: a hostile module that would write a marker file never
 * does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isUserError } from '@vaekit/study';
import { allowPluginPaths, ConfigError, isPackageName, PluginRegistry } from '../src';

const tmp = () => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-plugins-')));

/** A module that writes `marker` when loaded, and exports an encoder plugin named `enc`. */
function hostile(file: string, marker: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n` +
      `module.exports = { enc: { kind: 'encoder', name: 'enc', optionsSchema: {}, create() { throw new Error('x'); } } };\n`,
  );
}

function refused(f: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect(isUserError(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message).not.toMatch(/\n/);
}

const INSTALLED = ['goodplug', '@acme/vae-plugins'];

describe('plugin names', () => {
  const registry = new PluginRegistry();
  let dir: string;
  let marker: string;
  let cwd: string;
  beforeAll(() => {
    dir = tmp();
    marker = path.join(dir, 'MARKER');
    hostile(path.join(dir, 'cfg', 'evil.js'), marker);
    hostile(path.join(dir, 'cfg', 'node_modules', 'evil', 'index.js'), marker);
    hostile(path.join(dir, 'cfg', 'node_modules', '@evil', 'pkg', 'index.js'), marker);
    fs.mkdirSync(path.join(dir, 'app'));
    for (const name of INSTALLED) {
      const pkg = path.join(dir, 'app', 'node_modules', ...name.split('/'));
      fs.mkdirSync(pkg, { recursive: true });
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name, main: 'main.js' }));
      fs.writeFileSync(path.join(pkg, 'main.js'), `module.exports = { plugins: [{ kind: 'encoder', name: 'enc', optionsSchema: {}, create() {} }] };`);
    }
    cwd = process.cwd();
    process.chdir(path.join(dir, 'app'));
  });
  afterAll(() => {
    process.chdir(cwd);
    allowPluginPaths([]);
  });
  afterEach(() => expect(fs.existsSync(marker)).toBe(false));

  it.each([
    ['a relative path', '../cfg/evil.js#enc'],
    ['a ./ path', './evil.js#enc'],
    ['an absolute path', '<dir>/cfg/evil.js#enc'],
    ['a path without a dot', 'cfg/evil.js#enc'],
    ['a file: URL', 'file://<dir>/cfg/evil.js#enc'],
    ['a file: URL without slashes', 'file:<dir>/cfg/evil.js#enc'],
    ['a backslash path', '..\\cfg\\evil.js#enc'],
    ['a Windows drive', 'C:\\cfg\\evil.js#enc'],
    ['a node: URL', 'node:fs#enc'],
    ['a data: URL', 'data:text/javascript,1#enc'],
    ['a device', '/dev/zero#enc'],
    ['a home path', '~/evil.js#enc'],
    ['a scope with ..', '@evil/../evil#enc'],
    ['a package sub-path', 'evil/index.js#enc'],
    ['an upper-case name', 'Evil#enc'],
    ['a name with a space', ' evil#enc'],
    ['a name with a NUL', 'evil\u0000#enc'],
    ['a percent-encoded path', '%2e%2e/evil#enc'],
    ['.', '.#enc'],
    ['..', '..#enc'],
    ['an empty package', '#enc'],
    ['a very long name', 'a'.repeat(300) + '#enc'],
  ])('refuses %s before loading anything', (_what, use) => {
    refused(() => registry.resolve('encoder', use.replace(/<dir>/g, dir), { path: 'model.encoder', baseDir: path.join(dir, 'cfg'), file: 'x.yaml' }), /x\.yaml: model\.encoder\.use: /);
  });

  it('says a file path needs --allow-plugin-path, and a non-name is not a package name', () => {
    refused(() => registry.resolve('encoder', path.join(dir, 'cfg', 'evil.js') + '#enc', { path: 'model.encoder' }), /is a file path: plugins load only from installed npm packages.*--allow-plugin-path/);
    refused(() => registry.resolve('encoder', 'Evil#enc', { path: 'model.encoder' }), /"Evil" is not an npm package name/);
    refused(() => registry.resolve('encoder', 'evil#a.b', { path: 'model.encoder' }), /exportName is a JavaScript identifier/);
  });

  it('refuses Node built-in modules', () => {
    refused(() => registry.resolve('encoder', 'child_process#exec', { path: 'model.encoder' }), /Node\.js built-in module/);
    refused(() => registry.resolve('encoder', 'fs#readFileSync', { path: 'model.encoder' }), /Node\.js built-in module/);
  });

  it("never resolves from the config's or checkpoint's folder, which may carry its own node_modules", () => {
    refused(() => registry.resolve('encoder', 'evil#enc', { path: 'model.encoder', baseDir: path.join(dir, 'cfg') }), /npm package "evil" is not installed .*npm install evil/);
    refused(() => registry.resolve('encoder', '@evil/pkg#enc', { path: 'model.encoder', baseDir: path.join(dir, 'cfg') }), /npm package "@evil\/pkg" is not installed/);
  });

  it('loads a package installed in the working directory, scoped or not', () => {
    for (const name of INSTALLED) {
      expect(registry.resolve('encoder', `${name}#enc`, { path: 'model.encoder', baseDir: path.join(dir, 'cfg') }).name).toBe('enc');
    }
    refused(() => registry.resolve('decoder', 'goodplug#enc', { path: 'model.decoder' }), /is a encoder plugin, expected a decoder/);
    refused(() => registry.resolve('encoder', 'goodplug#__proto__', { path: 'model.encoder' }), /exports no plugin named "__proto__"/);
  });

  it('loads a plugin file only inside a path the command line allowed, after resolving links', () => {
    const allowed = path.join(dir, 'allowed');
    fs.mkdirSync(allowed);
    fs.writeFileSync(path.join(allowed, 'ok.js'), `module.exports = { enc: { kind: 'encoder', name: 'enc', optionsSchema: {}, create() {} } };`);
    fs.symlinkSync(path.join(dir, 'cfg', 'evil.js'), path.join(allowed, 'link.js'));
    allowPluginPaths([allowed]);
    try {
      expect(registry.resolve('encoder', `${allowed}/ok.js#enc`, { path: 'model.encoder' }).name).toBe('enc');
      expect(registry.resolve('encoder', `../allowed/ok.js#enc`, { path: 'model.encoder' }).name).toBe('enc');
      refused(() => registry.resolve('encoder', `${allowed}/link.js#enc`, { path: 'model.encoder' }), /outside the allowed/);
      refused(() => registry.resolve('encoder', `${allowed}/../cfg/evil.js#enc`, { path: 'model.encoder' }), /outside the allowed/);
      refused(() => registry.resolve('encoder', `file://${allowed}/ok.js#enc`, { path: 'model.encoder' }), /not an npm package name/);
    } finally {
      allowPluginPaths([]);
    }
    refused(() => registry.resolve('encoder', `${allowed}/ok.js#enc`, { path: 'model.encoder' }), /--allow-plugin-path/);
    expect(() => allowPluginPaths([path.join(dir, 'nowhere')])).toThrow(/--allow-plugin-path: .*nowhere does not exist/);
  });

  it('follows npm rules for package names', () => {
    for (const ok of ['a', 'vaekit-plugin-resmlp', '@scope/name', 'a.b_c~d', '@s/a.b']) expect(isPackageName(ok)).toBe(true);
    for (const bad of ['', '.', '..', '.a', '_a', 'A', 'a/b', '@s/../x', '@s', '/a', 'a b', 'a'.repeat(215), 'file:a']) expect(isPackageName(bad)).toBe(false);
  });
});
