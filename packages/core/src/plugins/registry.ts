import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';
import { ConfigError, Plugin, PluginKind } from './types';
import { shownValue } from '../config/paths';

/**
 * Maps a config's `use:` to a plugin: a built-in name (`mlp`), or `package#name` for a plugin
 * exported by an installed npm package.
 *
 * Configs and checkpoints are untrusted input, so a `use:` never makes vaekit run a file of its
 * choosing: the package part must be a valid npm package name, and the package is resolved from
 * the working directory only (the user's project), never from the folder of a config or a
 * checkpoint, which may carry a `node_modules/` of its own. A plugin file given by its path
 * (`./plugins/enc.js#enc`) loads only when the command line allows that file or a folder holding
 * it (`--allow-plugin-path PATH`, see allowPluginPaths).
 */
export class PluginRegistry {
  private readonly builtIns = new Map<string, Plugin>();

  register(...plugins: Plugin[]): this {
    for (const p of plugins) this.builtIns.set(`${p.kind}:${p.name}`, p);
    return this;
  }

  names(kind: PluginKind): string[] {
    return [...this.builtIns.values()].filter((p) => p.kind === kind).map((p) => p.name);
  }

  /** True when `use` names a built-in plugin of this kind. */
  has(kind: PluginKind, use: string): boolean {
    return this.builtIns.has(`${kind}:${use}`);
  }

  /**
   * Checks a `use:` without loading anything: a built-in name, or `package#export` with a valid
   * package name that is installed in the working directory's project (or a plugin path the
   * command line allowed). Throws a ConfigError saying what is wrong and what to do.
   */
  check(kind: PluginKind, use: string, where: { path: string; file?: string }): PluginRef {
    const at = `${where.file ? where.file + ': ' : ''}${where.path}.use`;
    const ref = parseUse(use, at, where.path);
    if (ref.type === 'builtin') {
      if (!this.builtIns.has(`${kind}:${ref.name}`)) {
        throw new ConfigError(
          `${at}: unknown ${kind} "${shown(use)}" (expected one of: ${this.names(kind).join(', ')}, or "npm-package#name")`,
          where.path,
        );
      }
      return ref;
    }
    if (ref.type === 'path') {
      ref.file = allowedPluginFile(ref.spec, at, where.path);
      return ref;
    }
    ref.file = resolveInstalled(ref.pkg, at, where.path);
    return ref;
  }

  resolve<K extends PluginKind>(kind: K, use: string, where: { path: string; baseDir?: string; file?: string }): Plugin<K> {
    const at = `${where.file ? where.file + ': ' : ''}${where.path}.use`;
    // Every check happens before any code is loaded.
    const ref = this.check(kind, use, where);
    if (ref.type === 'builtin') return this.builtIns.get(`${kind}:${ref.name}`) as Plugin<K>;
    const label = ref.type === 'package' ? `npm package "${ref.pkg}"` : `plugin file ${ref.file}`;
    let mod: any;
    try {
      mod = require(ref.file!);
    } catch (e) {
      throw new ConfigError(`${at}: ${label} failed to load: ${String((e as Error)?.message ?? e).split('\n')[0]}`, where.path);
    }
    const name = ref.name;
    const own = (o: any, k: string) => (o && (typeof o === 'object' || typeof o === 'function') && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
    const direct = [own(mod, name), own(own(mod, 'default'), name)];
    const listed = [own(mod, 'plugins'), own(own(mod, 'default'), 'plugins')].flatMap((l) => (Array.isArray(l) ? l : []));
    const found = [...direct, ...listed].find((c): c is Plugin => isPlugin(c) && (direct.includes(c) || c.name === name));
    if (!found) throw new ConfigError(`${at}: ${label} exports no plugin named "${name}"`, where.path);
    if (found.kind !== kind) {
      throw new ConfigError(`${at}: "${shown(use)}" is a ${found.kind} plugin, expected a ${kind}`, where.path);
    }
    return found as Plugin<K>;
  }
}

/** What a `use:` names, once checked. `file` is the module file that would be loaded. */
export type PluginRef =
  | { type: 'builtin'; name: string; file?: undefined }
  | { type: 'package'; pkg: string; name: string; file?: string }
  | { type: 'path'; spec: string; name: string; file?: string };

/** npm's rule for package names (lower case, URL-safe, at most 214 characters, optionally @scope/). */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** True when `name` is a valid npm package name (scoped or not). */
export function isPackageName(name: string): boolean {
  return typeof name === 'string' && name.length <= 214 && PACKAGE_NAME.test(name);
}

/** A value for a message: short, one line, without control characters. */
const shown = (s: string): string => shownValue(s, 120);

function looksLikePath(pkg: string): boolean {
  return /^[./~]/.test(pkg) || pkg.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(pkg) || pkg.includes('/..') || pkg.includes('/./');
}

/** Splits and checks a `use:` string; throws a ConfigError for anything that is not allowed. */
export function parseUse(use: string, at: string, configPath: string): PluginRef {
  if (typeof use !== 'string' || use === '') throw new ConfigError(`${at}: expected a plugin name, found "${shown(use)}"`, configPath);
  const hash = use.indexOf('#');
  if (hash < 0) return { type: 'builtin', name: use };
  const pkg = use.slice(0, hash);
  const name = use.slice(hash + 1);
  if (!EXPORT_NAME.test(name) || name.length > 200) {
    throw new ConfigError(`${at}: "${shown(use)}": expected "npm-package#exportName", where exportName is a JavaScript identifier`, configPath);
  }
  if (pkg !== '' && isPackageName(pkg)) {
    if (builtinModules.includes(pkg)) throw new ConfigError(`${at}: "${shown(pkg)}" is a Node.js built-in module, not a plugin package`, configPath);
    return { type: 'package', pkg, name };
  }
  if (pkg !== '' && looksLikePath(pkg) && !/^file:/i.test(pkg) && !/^[a-z][a-z0-9+.-]*:/i.test(pkg) && !pkg.includes('\0')) {
    return { type: 'path', spec: pkg, name };
  }
  throw new ConfigError(
    `${at}: "${shown(pkg)}" is not an npm package name: plugins load only from installed npm packages, named ` +
      `"package#exportName" or "@scope/package#exportName" (not a path, URL or file: URL)`,
    configPath,
  );
}

function resolveInstalled(pkg: string, at: string, configPath: string): string {
  const cwd = process.cwd();
  let pkgJson: string;
  try {
    // Resolve the package folder first (this reads only package.json files, it runs nothing).
    pkgJson = require.resolve(`${pkg}/package.json`, { paths: [cwd] });
  } catch {
    pkgJson = '';
  }
  try {
    return require.resolve(pkg, { paths: [cwd] });
  } catch {
    const hint = pkgJson ? `it is installed (${path.dirname(pkgJson)}) but its main module cannot be found` : `install it in your project (npm install ${pkg}) and run vaekit from that project's folder`;
    throw new ConfigError(`${at}: npm package "${pkg}" is not installed where vaekit looks (from ${cwd}): ${hint}`, configPath);
  }
}

let allowedPaths: string[] = [];

/**
 * Allows plugins given by a file path inside these files or folders (`--allow-plugin-path` on the
 * command line; never from a config or a checkpoint). Each must exist. Replaces the previous list.
 */
export function allowPluginPaths(paths: string[]): void {
  allowedPaths = paths.map((p) => {
    let real: string;
    try {
      real = fs.realpathSync(path.resolve(p));
    } catch {
      throw new ConfigError(`--allow-plugin-path: ${shown(p)} does not exist`);
    }
    return real;
  });
}

/** The files and folders plugin paths may load from (see allowPluginPaths). */
export function allowedPluginPaths(): string[] {
  return [...allowedPaths];
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function allowedPluginFile(spec: string, at: string, configPath: string): string {
  const refuse = (why: string) =>
    new ConfigError(
      `${at}: "${shown(spec)}" is a file path${why}: plugins load only from installed npm packages ("package#exportName"); ` +
        `to load a plugin file of your own, pass --allow-plugin-path FILE_OR_FOLDER on the command line`,
      configPath,
    );
  if (!allowedPaths.length) throw refuse('');
  let file: string;
  try {
    file = fs.realpathSync(require.resolve(path.resolve(spec)));
  } catch {
    throw refuse(' that does not name a module file');
  }
  if (!allowedPaths.some((d) => inside(file, d))) throw refuse(` outside the allowed ${allowedPaths.join(', ')}`);
  if (!fs.statSync(file).isFile() || !/\.c?js$/.test(file)) throw refuse(' that is not a .js file');
  return file;
}

function isPlugin(x: unknown): x is Plugin {
  return !!x && typeof x === 'object' && typeof (x as Plugin).create === 'function' && typeof (x as Plugin).kind === 'string';
}
