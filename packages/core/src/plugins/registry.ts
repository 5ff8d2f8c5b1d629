import * as path from 'path';
import { ConfigError, Plugin, PluginKind } from './types';

/**
 * Maps a config's `use:` to a plugin: a built-in name (`mlp`), or `package#name` for a plugin
 * exported by an installed npm package (resolved from the config's folder, then the working dir).
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

  resolve<K extends PluginKind>(kind: K, use: string, where: { path: string; baseDir?: string; file?: string }): Plugin<K> {
    const at = `${where.file ? where.file + ': ' : ''}${where.path}.use`;
    const hash = use.indexOf('#');
    if (hash < 0) {
      const p = this.builtIns.get(`${kind}:${use}`);
      if (!p) {
        throw new ConfigError(
          `${at}: unknown ${kind} "${use}" (expected one of: ${this.names(kind).join(', ')}, or "npm-package#name")`,
          where.path,
        );
      }
      return p as Plugin<K>;
    }
    const pkg = use.slice(0, hash);
    const name = use.slice(hash + 1);
    const mod = loadPackage(pkg, [where.baseDir, process.cwd()].filter(Boolean) as string[], at);
    const candidates: unknown[] = [mod?.[name], mod?.default?.[name], ...(mod?.plugins ?? []), ...(mod?.default?.plugins ?? [])];
    const found = candidates.find(
      (c): c is Plugin => isPlugin(c) && (c === mod?.[name] || c === mod?.default?.[name] || c.name === name),
    );
    if (!found) throw new ConfigError(`${at}: package "${pkg}" exports no plugin named "${name}"`, where.path);
    if (found.kind !== kind) {
      throw new ConfigError(`${at}: "${use}" is a ${found.kind} plugin, expected a ${kind}`, where.path);
    }
    return found as Plugin<K>;
  }
}

function isPlugin(x: unknown): x is Plugin {
  return !!x && typeof x === 'object' && typeof (x as Plugin).create === 'function' && typeof (x as Plugin).kind === 'string';
}

function loadPackage(pkg: string, dirs: string[], at: string): any {
  let resolved: string;
  try {
    resolved = require.resolve(pkg, { paths: dirs.map((d) => path.resolve(d)) });
  } catch {
    throw new ConfigError(`${at}: npm package "${pkg}" is not installed (looked from: ${dirs.join(', ')})`);
  }
  try {
    return require(resolved);
  } catch (e) {
    throw new ConfigError(`${at}: npm package "${pkg}" failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
}
