/**
 * Dependency-boundary checks for the workspace: which modules a TypeScript file imports, which
 * packages a package.json declares, and which projects a project reaches through the project graph.
 * Every function returns violations as readable strings (file, line and import), so a failing test
 * shows what to fix.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface ImportRef {
  /** The module specifier, or `<non-literal: …>` when it is computed at run time. */
  spec: string;
  /** 1-based line of the import in its file. */
  line: number;
  kind: 'import' | 'export' | 'import-equals' | 'dynamic-import' | 'require' | 'import-type';
  literal: boolean;
  /** Offset of the specifier in the source. */
  pos: number;
}

/** Every module a TypeScript source imports: static imports and re-exports, `import x = require()`, `import()`, `require()` and `import('…')` types. */
export function importsOf(source: string, fileName = 'source.ts'): ImportRef[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (node: ts.Node, expr: ts.Node | undefined, kind: ImportRef['kind']) => {
    if (!expr) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const pos = expr.getStart(sf);
    if (ts.isStringLiteralLike(expr)) out.push({ spec: expr.text, line, kind, literal: true, pos });
    else out.push({ spec: `<non-literal: ${expr.getText(sf)}>`, line, kind, literal: false, pos });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, 'import');
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, node.moduleSpecifier, 'export');
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'import-equals');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, 'import-type');
    else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], 'dynamic-import');
      else if (isRequire(node.expression)) add(node, node.arguments[0], 'require');
    } else if (ts.isIdentifier(node) && node.text === 'require' && isRequireAsValue(node)) {
      // \`const load = require; load(name)\`: what it loads cannot be known from here.
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      out.push({ spec: '<non-literal: require as a value>', line, kind: 'require', literal: false, pos: node.getStart(sf) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** `require` used other than called, or as the object of `require.resolve`/`require.cache` (e.g. passed to a function). */
function isRequireAsValue(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isCallExpression(parent) && parent.expression === id) return false;
  if (ts.isPropertyAccessExpression(parent)) return false; // require.resolve(…), require.cache, x.require
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === id) return false;
  if (ts.isTypeQueryNode(parent) || ts.isQualifiedName(parent)) return false; // typeof require
  return true;
}

/** `require(…)`, `require.resolve(…)` and `module.require(…)`. */
function isRequire(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  if (ts.isPropertyAccessExpression(callee)) {
    const obj = callee.expression;
    if (ts.isIdentifier(obj) && obj.text === 'require' && callee.name.text === 'resolve') return true;
    if (ts.isIdentifier(obj) && obj.text === 'module' && callee.name.text === 'require') return true;
  }
  return false;
}

/** String literals of a source that look like package names (e.g. a name handed to a loader function), except those at the offsets in `skip`. */
export function packageLikeStrings(source: string, fileName = 'source.ts', skip = new Set<number>()): { text: string; line: number }[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: { text: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) && !skip.has(node.getStart(sf)) && /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]+)?$/i.test(node.text)) {
      out.push({ text: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The package part of a bare specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; undefined for relative or absolute paths. */
export function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || path.isAbsolute(spec) || spec.startsWith('<')) return undefined;
  const spec2 = spec.replace(/^node:/, '');
  const parts = spec2.split('/');
  return spec2.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every `.ts` file under a folder (no `node_modules`, `dist`). */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(p);
      } else if (/\.(c|m)?tsx?$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** A rule for one package's sources: which bare packages are forbidden, and which folders relative imports must stay in. */
export interface SourceRule {
  /** Returns why a package may not be imported, or undefined when it may. */
  forbiddenPackage(pkg: string): string | undefined;
  /** Relative imports must resolve inside this folder (the package root). */
  root: string;
  /** Folders that relative imports must not reach into (or, with `exact`, only that path: a module or a folder's index), with the reason. */
  forbiddenDirs?: { dir: string; reason: string; exact?: boolean }[];
  /** Non-literal `require(x)`/`import(x)` allowed in these `file:line`-free keys (`<relative file>: <expression>`). */
  allowedNonLiteral?: Set<string>;
}

/** Checks every import of the `.ts` files under `srcDir` against a rule; `base` makes the file names in the messages relative. */
export function checkSources(srcDir: string, rule: SourceRule, base: string): string[] {
  const violations: string[] = [];
  for (const file of tsFiles(srcDir)) {
    const rel = path.relative(base, file);
    const text = fs.readFileSync(file, 'utf8');
    const refs = importsOf(text, file);
    for (const ref of refs) {
      const where = `${rel}:${ref.line} ${ref.kind} '${ref.spec}'`;
      if (!ref.literal) {
        if (!rule.allowedNonLiteral?.has(`${rel}: ${ref.spec}`)) violations.push(`${where}: a computed module name cannot be checked`);
        continue;
      }
      const pkg = packageOf(ref.spec);
      if (pkg !== undefined) {
        const why = rule.forbiddenPackage(pkg);
        if (why) violations.push(`${where}: ${why}`);
        continue;
      }
      const target = path.resolve(path.dirname(file), ref.spec);
      if (path.relative(rule.root, target).startsWith('..') || path.isAbsolute(path.relative(rule.root, target))) {
        violations.push(`${where}: resolves outside ${path.relative(base, rule.root) || '.'} (${path.relative(base, target)})`);
        continue;
      }
      for (const f of rule.forbiddenDirs ?? []) {
        const r = path.relative(f.dir, target.replace(/\.(c|m)?[jt]s$/, ''));
        if (r === '' || (!f.exact && !r.startsWith('..') && !path.isAbsolute(r))) violations.push(`${where}: ${f.reason}`);
      }
    }
    // A package named in any other string (e.g. handed to a loader that calls require) counts too.
    for (const s of packageLikeStrings(text, file, new Set(refs.map((r) => r.pos)))) {
      const pkg = packageOf(s.text);
      const why = pkg && pkg.includes('/') ? rule.forbiddenPackage(pkg) : undefined;
      if (why) violations.push(`${rel}:${s.line} string '${s.text}': ${why}`);
    }
  }
  return [...new Set(violations)];
}

/** The dependencies a package.json declares (dependencies, peer and optional), as `field name@spec`. */
export function declaredDependencies(pkg: Record<string, unknown>): { field: string; name: string; spec: string }[] {
  const out: { field: string; name: string; spec: string }[] = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries((pkg[field] ?? {}) as Record<string, string>)) out.push({ field, name, spec });
  }
  return out;
}

export interface Project {
  name: string;
  /** The npm package name, when the project has a package.json. */
  packageName?: string;
  root: string;
  tags: string[];
}

/** A project graph: projects by name and the projects each depends on. */
export interface Graph {
  projects: Record<string, Project>;
  dependencies: Record<string, string[]>;
}

/** The graph from the file `nx graph --file=…` writes. */
export function graphFromNx(json: { graph: { nodes: Record<string, { name: string; data: { root: string; tags?: string[]; metadata?: { js?: { packageName?: string } } } }>; dependencies: Record<string, { target: string }[]> } }): Graph {
  const projects: Record<string, Project> = {};
  for (const [name, n] of Object.entries(json.graph.nodes)) {
    projects[name] = { name, root: n.data.root, tags: n.data.tags ?? [], packageName: n.data.metadata?.js?.packageName };
  }
  const dependencies: Record<string, string[]> = {};
  for (const [name, deps] of Object.entries(json.graph.dependencies)) {
    if (projects[name]) dependencies[name] = deps.map((d) => d.target).filter((t) => projects[t]);
  }
  return { projects, dependencies };
}

/** The projects reachable from `start` (itself excluded), each with the path that reaches it. */
export function closure(graph: Graph, start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue: string[][] = [[start]];
  while (queue.length) {
    const chain = queue.shift()!;
    for (const dep of graph.dependencies[chain[chain.length - 1]] ?? []) {
      if (dep === start || seen.has(dep)) continue;
      seen.set(dep, [...chain, dep]);
      queue.push([...chain, dep]);
    }
  }
  return seen;
}

/** Projects tagged `tag` may reach only projects tagged `tag`: the violations, with the path of each. */
export function checkScope(graph: Graph, tag: string): string[] {
  const violations: string[] = [];
  for (const p of Object.values(graph.projects).filter((x) => x.tags.includes(tag))) {
    for (const [dep, chain] of closure(graph, p.name)) {
      const tags = graph.projects[dep]?.tags ?? [];
      if (!tags.includes(tag)) violations.push(`${chain.join(' → ')}: ${p.name} is ${tag} but ${dep} is ${tags.filter((t) => t.startsWith('scope:')).join(', ') || 'untagged'}`);
    }
  }
  return violations;
}
