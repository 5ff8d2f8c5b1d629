/**
 * The package boundaries: the study engine and its report (`scope:study`) never depend on
 * TensorFlow.js or a VAE package, directly, through their imports or through the workspace
 * packages they depend on; and the tuner's search and config code never imports its CLI.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkScope, checkSources, closure, declaredDependencies, Graph, graphFromNx, importsOf, SourceRule } from './boundary-check';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const rel = (p: string) => path.relative(ROOT, p);

/** Every workspace project, from its package.json (name, nx tags, workspace dependencies). */
function graphFromPackageJsons(): Graph {
  const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const dirs: string[] = [];
  for (const pattern of rootPkg.workspaces as string[]) {
    const parent = path.join(ROOT, pattern.replace(/\/\*$/, ''));
    for (const d of fs.readdirSync(parent)) if (fs.existsSync(path.join(parent, d, 'package.json'))) dirs.push(path.join(parent, d));
  }
  const pkgs = dirs.map((dir) => ({ dir, pkg: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) }));
  const byPackage = new Map<string, string>();
  const graph: Graph = { projects: {}, dependencies: {} };
  for (const { dir, pkg } of pkgs) {
    const name: string = pkg.nx?.name ?? pkg.name;
    graph.projects[name] = { name, packageName: pkg.name, root: rel(dir), tags: pkg.nx?.tags ?? [] };
    byPackage.set(pkg.name, name);
  }
  for (const { pkg } of pkgs) {
    const name: string = pkg.nx?.name ?? pkg.name;
    const deps = [...declaredDependencies(pkg).map((d) => byPackage.get(d.name)), ...(pkg.nx?.implicitDependencies ?? [])];
    graph.dependencies[name] = [...new Set(deps.filter((d): d is string => !!d && d !== name))];
  }
  return graph;
}

let nxGraph: Graph;
const pkgGraph = graphFromPackageJsons();

beforeAll(() => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-graph-'));
  try {
    const file = path.join(tmp, 'graph.json');
    const r = spawnSync('npx', ['--no-install', 'nx', 'graph', `--file=${file}`], { cwd: ROOT, encoding: 'utf8', timeout: 180000, env: { ...process.env, NX_DAEMON: 'false' } });
    if (r.status !== 0 || !fs.existsSync(file)) throw new Error(`nx graph exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    nxGraph = graphFromNx(JSON.parse(fs.readFileSync(file, 'utf8')));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 200000);

/** Why a `scope:study` project may not depend on a package (undefined: it may). */
function studyForbids(graph: Graph) {
  const projectByPackage = new Map(Object.values(graph.projects).filter((p) => p.packageName).map((p) => [p.packageName!, p]));
  return (pkg: string): string | undefined => {
    if (pkg.startsWith('@tensorflow/') || /(^|[/-])tfjs/.test(pkg)) return 'TensorFlow.js is not allowed in scope:study';
    const project = projectByPackage.get(pkg);
    if (project && !project.tags.includes('scope:study')) return `${pkg} is a ${project.tags.find((t) => t.startsWith('scope:')) ?? 'untagged'} project, not scope:study`;
    if (!project && pkg.startsWith('@vaekit/')) return `${pkg} is not a scope:study workspace package`;
    return undefined;
  };
}

const STUDY_PROJECTS = ['study', 'report'];

describe('project tags', () => {
  it('every project has one scope: and one type: tag; study and report are scope:study', () => {
    for (const graph of [nxGraph, pkgGraph]) {
      const bad = Object.values(graph.projects)
        .map((p) => `${p.name}: ${p.tags.filter((t) => /^(scope|type):/.test(t)).join(' ')}`)
        .filter((s) => !/^[^:]+: scope:\S+ type:\S+$/.test(s));
      expect(bad).toEqual([]);
    }
    const scopes = Object.fromEntries(Object.values(nxGraph.projects).map((p) => [p.name, p.tags.find((t) => t.startsWith('scope:'))]));
    expect(scopes).toMatchObject({ study: 'scope:study', report: 'scope:study', core: 'scope:vae', native: 'scope:vae', encoders: 'scope:vae', decoders: 'scope:vae', losses: 'scope:vae', molecules: 'scope:vae', datasets: 'scope:vae', pipelines: 'scope:vae', tuner: 'scope:vae', 'plugin-resmlp': 'scope:vae', 'vaekit-plugin-example': 'scope:vae' });
    expect(nxGraph.projects.tuner.tags).toContain('type:app');
  });
});

describe('scope:study (the study engine and its report)', () => {
  it('declares no dependency on TensorFlow.js or a VAE package in package.json', () => {
    const forbids = studyForbids(nxGraph);
    const violations: string[] = [];
    for (const name of STUDY_PROJECTS) {
      const file = path.join(ROOT, nxGraph.projects[name].root, 'package.json');
      for (const d of declaredDependencies(JSON.parse(fs.readFileSync(file, 'utf8')))) {
        const why = forbids(d.name);
        if (why) violations.push(`${rel(file)} ${d.field} ${d.name}@${d.spec}: ${why}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('imports no TensorFlow.js or VAE package in src/**/*.ts (static, dynamic, require), nor files outside the package', () => {
    const violations: string[] = [];
    for (const name of STUDY_PROJECTS) {
      const root = path.join(ROOT, nxGraph.projects[name].root);
      const rule: SourceRule = {
        root,
        forbiddenPackage: studyForbids(nxGraph),
        // loadDriver loads the optional storage drivers (better-sqlite3, pg) by name through require;
        // the names its callers pass are string literals, checked as such.
        allowedNonLiteral: new Set(['packages/study/src/storages/common.ts: <non-literal: require as a value>']),
      };
      violations.push(...checkSources(path.join(root, 'src'), rule, ROOT));
    }
    expect(violations).toEqual([]);
  });

  it('reaches only scope:study projects through the Nx project graph and through package.json', () => {
    expect(checkScope(nxGraph, 'scope:study')).toEqual([]);
    expect(checkScope(pkgGraph, 'scope:study')).toEqual([]);
    // report → study → nothing in the workspace.
    expect([...closure(nxGraph, 'report').keys()]).toEqual(['study']);
    expect([...closure(nxGraph, 'study').keys()]).toEqual([]);
    // The workspace dependencies the package.json files declare are edges of the Nx graph too.
    for (const [name, deps] of Object.entries(pkgGraph.dependencies)) {
      for (const d of deps) expect(`${name} → ${d}: ${nxGraph.dependencies[name]?.includes(d) ? 'in the Nx graph' : 'missing'}`).toBe(`${name} → ${d}: in the Nx graph`);
    }
  });

  it('the declared dependencies of every project reached are free of TensorFlow.js and VAE packages', () => {
    const forbids = studyForbids(nxGraph);
    const violations: string[] = [];
    for (const name of STUDY_PROJECTS) {
      for (const [dep, chain] of closure(nxGraph, name)) {
        const file = path.join(ROOT, nxGraph.projects[dep].root, 'package.json');
        for (const d of declaredDependencies(JSON.parse(fs.readFileSync(file, 'utf8')))) {
          const why = forbids(d.name);
          if (why) violations.push(`${chain.join(' → ')}: ${rel(file)} ${d.field} ${d.name}: ${why}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});

describe('@vaekit/tuner', () => {
  it('src/search and src/config import neither src/cli nor the entry point (which loads the CLI)', () => {
    const root = path.join(ROOT, 'packages', 'tuner');
    const rule: SourceRule = {
      root,
      forbiddenPackage: (pkg) => (pkg === '@vaekit/tuner' ? "@vaekit/tuner's entry point loads the CLI" : undefined),
      forbiddenDirs: [
        { dir: path.join(root, 'src', 'cli'), reason: 'search and config code must not depend on the CLI (packages/tuner/src/cli)' },
        { dir: path.join(root, 'src'), exact: true, reason: "the package's entry point loads the CLI" },
        { dir: path.join(root, 'src', 'index'), exact: true, reason: "the package's entry point loads the CLI" },
      ],
    };
    const violations = ['search', 'config'].flatMap((d) => checkSources(path.join(root, 'src', d), rule, ROOT));
    expect(violations).toEqual([]);
  });
});

describe('the checker', () => {
  it('finds every kind of import in a source', () => {
    const src = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import type { VAE } from '@vaekit/core';",
      "export { x } from './x';",
      "export * from '../y';",
      "import fs = require('fs');",
      'async function f(name: string) {',
      "  const m = await import('@vaekit/pipelines');",
      "  const n = require('@tensorflow/tfjs-node');",
      "  const o = require.resolve('vega');",
      '  const p = await import(name);',
      "  let t: import('@vaekit/encoders').Encoder;",
      '  const load: typeof require = require;',
      '  return load(name);',
      '}',
    ].join('\n');
    expect(importsOf(src).map((r) => `${r.line} ${r.kind} ${r.spec}`)).toEqual([
      '1 import @tensorflow/tfjs-core',
      '2 import @vaekit/core',
      '3 export ./x',
      '4 export ../y',
      '5 import-equals fs',
      '7 dynamic-import @vaekit/pipelines',
      '8 require @tensorflow/tfjs-node',
      '9 require vega',
      '10 dynamic-import <non-literal: name>',
      '11 import-type @vaekit/encoders',
      '12 require <non-literal: require as a value>',
    ]);
  });

  it('reports the file, line and import of a violation in a package folder', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-boundaries-'));
    try {
      const pkg = path.join(tmp, 'packages', 'study');
      fs.mkdirSync(path.join(pkg, 'src', 'samplers'), { recursive: true });
      fs.mkdirSync(path.join(tmp, 'packages', 'core', 'src'), { recursive: true });
      fs.writeFileSync(path.join(pkg, 'src', 'index.ts'), "export * from './samplers/tpe';\nimport * as fs from 'fs';\n");
      fs.writeFileSync(
        path.join(pkg, 'src', 'samplers', 'tpe.ts'),
        [
          "import { Study } from '../index';",
          "import * as tf from '@tensorflow/tfjs-core';",
          "import { VAE } from '../../../core/src';",
          'export async function load() {',
          "  return import('@vaekit/core');",
          '}',
          "const driver = loadDriver('@tensorflow/tfjs-node');",
          "import { plot } from '@vaekit/report';",
        ].join('\n'),
      );
      const graph: Graph = {
        projects: {
          study: { name: 'study', packageName: '@vaekit/study', root: 'packages/study', tags: ['scope:study'] },
          report: { name: 'report', packageName: '@vaekit/report', root: 'packages/report', tags: ['scope:study'] },
          core: { name: 'core', packageName: '@vaekit/core', root: 'packages/core', tags: ['scope:vae'] },
        },
        dependencies: {},
      };
      const violations = checkSources(path.join(pkg, 'src'), { root: pkg, forbiddenPackage: studyForbids(graph) }, tmp);
      expect(violations).toEqual([
        "packages/study/src/samplers/tpe.ts:2 import '@tensorflow/tfjs-core': TensorFlow.js is not allowed in scope:study",
        "packages/study/src/samplers/tpe.ts:3 import '../../../core/src': resolves outside packages/study (packages/core/src)",
        "packages/study/src/samplers/tpe.ts:5 dynamic-import '@vaekit/core': @vaekit/core is a scope:vae project, not scope:study",
        "packages/study/src/samplers/tpe.ts:7 string '@tensorflow/tfjs-node': TensorFlow.js is not allowed in scope:study",
      ]);
      // A folder that must not be imported (the tuner's CLI from its search code).
      const search = path.join(tmp, 'tuner', 'src', 'search');
      fs.mkdirSync(search, { recursive: true });
      fs.writeFileSync(path.join(search, 'objective.ts'), "import { x } from '../config';\nimport { main } from '../cli/main';\nimport { y } from '..';\nimport { z } from '../index.js';\n");
      const cliRule: SourceRule = {
        root: path.join(tmp, 'tuner'),
        forbiddenPackage: () => undefined,
        forbiddenDirs: [
          { dir: path.join(tmp, 'tuner', 'src', 'cli'), reason: 'no CLI' },
          { dir: path.join(tmp, 'tuner', 'src'), exact: true, reason: 'no index' },
          { dir: path.join(tmp, 'tuner', 'src', 'index'), exact: true, reason: 'no index' },
        ],
      };
      expect(checkSources(search, cliRule, tmp)).toEqual([
        "tuner/src/search/objective.ts:2 import '../cli/main': no CLI",
        "tuner/src/search/objective.ts:3 import '..': no index",
        "tuner/src/search/objective.ts:4 import '../index.js': no index",
      ]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reports a scope:study project that reaches a scope:vae project, with the path', () => {
    const graph: Graph = {
      projects: {
        study: { name: 'study', root: 'packages/study', tags: ['scope:study', 'type:lib'] },
        report: { name: 'report', root: 'packages/report', tags: ['scope:study', 'type:lib'] },
        core: { name: 'core', root: 'packages/core', tags: ['scope:vae', 'type:lib'] },
        native: { name: 'native', root: 'packages/native', tags: ['scope:vae', 'type:lib'] },
      },
      dependencies: { report: ['study'], study: ['core'], core: ['native', 'study'] },
    };
    expect(checkScope(graph, 'scope:study')).toEqual([
      'study → core: study is scope:study but core is scope:vae',
      'study → core → native: study is scope:study but native is scope:vae',
      'report → study → core: report is scope:study but core is scope:vae',
      'report → study → core → native: report is scope:study but native is scope:vae',
    ]);
    expect(checkScope({ ...graph, dependencies: { report: ['study'], core: ['study'] } }, 'scope:study')).toEqual([]);
  });
});
