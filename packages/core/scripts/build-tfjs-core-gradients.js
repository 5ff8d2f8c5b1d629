#!/usr/bin/env node
/**
 * Writes dist/tfjs-core-gradients.js: tfjs-core's own gradient configs (the modules under
 * `@tensorflow/tfjs-core/dist/gradients/` and `dist/register_all_gradients.js`) as one CommonJS
 * module that registers every config with the `registerGradient` of the application's
 * `@tensorflow/tfjs-core`.
 *
 * tfjs-core publishes these modules only as ES module sources with extension-less relative
 * imports (`from '../ops/mul'`), which Node can neither require nor import, and its CommonJS
 * bundle contains no gradient configs. This script compiles each module with TypeScript's
 * `transpileModule` and rewrites its imports:
 *
 * - a module of the gradient folder (or one of the few internal ops listed in BUNDLED below) is
 *   compiled into the output;
 * - every other import is mapped to an export of the public `require('@tensorflow/tfjs-core')`
 *   (EXTERNAL below): `../ops/mul` → `tfc.mul`, `../util` → `tfc.util`, `../ops/axis_util` →
 *   `tfc.backend_util`, `../engine` → `tfc.engine()`, ... so the output never holds a second copy
 *   of tfjs-core's engine or registries.
 *
 * The build fails, naming the module and the name, when an import cannot be mapped to an
 * existing public export of the installed tfjs-core (a tfjs-core upgrade cannot silently produce
 * a broken gradient), and prints what it mapped. The output checks the same names again when it
 * is loaded, against the tfjs-core the application actually uses.
 *
 * usage: node scripts/build-tfjs-core-gradients.js [OUT_FILE]   (default dist/tfjs-core-gradients.js)
 */
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const PKG = path.resolve(__dirname, '..');
const OUT = path.resolve(PKG, process.argv[2] || path.join('dist', 'tfjs-core-gradients.js'));
const TFC_PKG = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json', { paths: [PKG] }));
const TFC_DIST = path.join(TFC_PKG, 'dist');
const tfc = require(require.resolve('@tensorflow/tfjs-core', { paths: [PKG] }));
const tfcVersion = require(path.join(TFC_PKG, 'package.json')).version;

const ENTRY = 'register_all_gradients';

/**
 * Internal tfjs-core modules that the gradients import and that tfjs-core does not export
 * publicly. Each was read: it holds no state of its own and reaches the engine only through its
 * own (mapped) imports, i.e. through the public engine, like any public op.
 */
const BUNDLED = new Set([
  // Thin ops: validate their arguments and call ENGINE.runKernel(<kernel name>, inputs, attrs).
  'ops/avg_pool_grad',
  'ops/avg_pool_3d_grad',
  'ops/max_pool_grad',
  'ops/max_pool_3d_grad',
  'ops/conv2d_backprop_filter',
  'ops/conv2d_backprop_input',
  'ops/conv3d_backprop_filter',
  'ops/conv3d_backprop_input',
  'ops/depthwise_conv2d_native_backprop_filter',
  'ops/depthwise_conv2d_native_backprop_input',
  'ops/local_response_normalization_backprop',
  // convertToTensor (used by the pooling ops above): returns a tensor argument unchanged and makes
  // other values into tensors with ENGINE.makeTensor.
  'tensor_util_env',
  // Pure functions on values (isWebGLData, isWebGPUData, ...).
  'types',
]);

/**
 * Where each module outside the bundle comes from: an expression on `tfc` (the public
 * tfjs-core module) whose properties are the module's imported names.
 */
function external(key) {
  switch (key) {
    case 'kernel_names':
    case 'kernel_registry':
    case 'base':
    case 'environment':
      return { expr: 'tfc', target: tfc };
    case 'util':
    case 'util_base':
      return { expr: 'tfc.util', target: tfc.util };
    case 'ops/broadcast_util':
      return { expr: 'tfc.broadcast_util', target: tfc.broadcast_util };
    case 'ops/slice_util':
      return { expr: 'tfc.slice_util', target: tfc.slice_util };
    case 'ops/axis_util':
    case 'ops/conv_util':
    case 'ops/selu_util':
      return { expr: 'tfc.backend_util', target: tfc.backend_util };
    case 'engine':
      // tfc.engine() returns the one engine (ENGINE) of the application's tfjs-core.
      return {
        expr: '{ get ENGINE() { return tfc.engine(); } }',
        target: { ENGINE: typeof tfc.engine === 'function' && typeof tfc.engine().runKernel === 'function' ? tfc.engine() : undefined },
        mapped: { ENGINE: 'tfc.engine()' },
      };
    case 'tensor':
      // getGlobalTensorClass() returns the Tensor class of the first tfjs-core loaded, which is the
      // public tfc.Tensor when there is one tfjs-core (and `instanceof Tensor` is a duck-typed check).
      return {
        expr: '{ getGlobalTensorClass: () => tfc.Tensor }',
        target: { getGlobalTensorClass: typeof tfc.Tensor === 'function' ? () => tfc.Tensor : undefined },
        mapped: { getGlobalTensorClass: '() => tfc.Tensor' },
      };
    default:
      // An op module: its op is a public export of the same name.
      if (/^ops\/[a-z0-9_]+$/.test(key)) return { expr: 'tfc', target: tfc };
      return undefined;
  }
}

const problems = [];
const modules = new Map(); // key → { code, copyright }
const externals = new Map(); // key → { expr, names: Set, mapped }

const isBundled = (key) => key === ENTRY || key.startsWith('gradients/') || BUNDLED.has(key);

function resolveKey(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
}

function visit(key) {
  if (modules.has(key)) return;
  const file = path.join(TFC_DIST, `${key}.js`);
  if (!fs.existsSync(file)) {
    problems.push(`${key}.js: not found in ${TFC_DIST}`);
    return;
  }
  const source = fs.readFileSync(file, 'utf8');
  modules.set(key, null);
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const specs = new Map(); // spec → key
  const nsNames = new Map(); // local namespace identifier → external key

  const checkName = (ext, extKey, name, where) => {
    const entry = externals.get(extKey) || { expr: ext.expr, names: new Set(), mapped: ext.mapped };
    externals.set(extKey, entry);
    if (ext.target == null || ext.target[name] === undefined) {
      problems.push(`${key}.js: '${name}' from '${extKey}'${where} has no public tfjs-core export at ${ext.expr}.${name}`);
    } else entry.names.add(name);
  };

  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.moduleSpecifier) {
      problems.push(`${key}.js: re-export from ${st.moduleSpecifier.getText()} is not supported`);
      continue;
    }
    if (!ts.isImportDeclaration(st)) continue;
    const spec = st.moduleSpecifier.text;
    const target = resolveKey(key, spec);
    if (target === undefined) {
      problems.push(`${key}.js: import of package '${spec}' is not supported`);
      continue;
    }
    specs.set(spec, target);
    if (isBundled(target)) {
      visit(target);
      continue;
    }
    const ext = external(target);
    if (!ext) {
      problems.push(`${key}.js: '${spec}' (${target}) is neither bundled nor mapped to a public tfjs-core export`);
      continue;
    }
    const clause = st.importClause;
    if (!clause) {
      problems.push(`${key}.js: side-effect import '${spec}' is not supported`);
      continue;
    }
    if (clause.name) problems.push(`${key}.js: default import from '${spec}' is not supported`);
    const bindings = clause.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) nsNames.set(bindings.name.text, { ext, target });
    else for (const el of bindings.elements) checkName(ext, target, (el.propertyName || el.name).text, '');
  }

  // `import * as util from '../util'`: every use must be a property access util.name.
  if (nsNames.size) {
    const walk = (node) => {
      if (ts.isIdentifier(node) && nsNames.has(node.text) && !ts.isNamespaceImport(node.parent)) {
        const { ext, target } = nsNames.get(node.text);
        if (ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node) {
          checkName(ext, target, node.parent.name.text, ` (as ${node.text}.${node.parent.name.text})`);
        } else {
          problems.push(`${key}.js: namespace '${node.text}' is used other than as ${node.text}.name`);
        }
      }
      ts.forEachChild(node, walk);
    };
    walk(sf);
  }
  if (/\brequire\s*\(|\bimport\s*\(/.test(source.replace(/\/\/# sourceMappingURL=.*$/m, ''))) {
    problems.push(`${key}.js: dynamic require or import is not supported`);
  }

  const out = ts.transpileModule(source, {
    fileName: `${key}.js`,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      allowJs: true,
      removeComments: true,
      sourceMap: false,
      inlineSourceMap: false,
      esModuleInterop: false,
    },
    reportDiagnostics: true,
  });
  for (const d of out.diagnostics || []) problems.push(`${key}.js: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  const code = out.outputText
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/\brequire\("([^"]+)"\)/g, (m, spec) => {
      if (!specs.has(spec)) {
        problems.push(`${key}.js: compiled code requires '${spec}', which is not one of its imports`);
        return m;
      }
      return `__load(${JSON.stringify(specs.get(spec))})`;
    })
    .trim();
  const copyright = (source.match(/^ \* Copyright .*$/m) || [''])[0].replace(/^ \* /, '');
  modules.set(key, { code, copyright });
}

visit(ENTRY);
// Every gradient module of the folder is reached from the entry.
for (const f of fs.readdirSync(path.join(TFC_DIST, 'gradients'))) {
  if (f.endsWith('_grad.js') && !modules.has(`gradients/${f.slice(0, -3)}`)) {
    problems.push(`gradients/${f}: not imported by ${ENTRY}.js`);
  }
}

if (problems.length) {
  console.error(`build-tfjs-core-gradients: cannot build the gradients of @tensorflow/tfjs-core ${tfcVersion}:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}

const licence = fs.readFileSync(path.join(TFC_DIST, `${ENTRY}.js`), 'utf8').match(/^\/\*\*[\s\S]*?\*\//)[0];
const copyrights = [...new Set([...modules.values()].map((m) => m.copyright).filter(Boolean))].sort();
const header = licence.replace(/^ \* Copyright .*$/m, copyrights.map((c) => ` * ${c}`).join('\n'));

const extKeys = [...externals.keys()].sort();
const lines = [];
lines.push(header);
lines.push(`// The gradient configs of @tensorflow/tfjs-core ${tfcVersion} (its dist/register_all_gradients.js, the`);
lines.push('// modules under dist/gradients/ and the internal ops they use), compiled from tfjs-core\'s ES module');
lines.push('// sources into one CommonJS module by scripts/build-tfjs-core-gradients.js of @vaekit/core, at');
lines.push('// build time. Every other import is mapped to the public @tensorflow/tfjs-core module, so the');
lines.push('// configs are registered with its registerGradient and run on its engine. Generated: do not edit.');
lines.push("'use strict';");
lines.push("const tfc = require('@tensorflow/tfjs-core');");
lines.push('const __external = {');
for (const k of extKeys) lines.push(`  ${JSON.stringify(k)}: ${externals.get(k).expr},`);
lines.push('};');
lines.push('// The names each mapped module provides, checked against the tfjs-core in use.');
lines.push('const __names = {');
for (const k of extKeys) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify([...externals.get(k).names].sort())},`);
lines.push('};');
lines.push(`const __missing = [];
for (const [key, names] of Object.entries(__names)) {
  for (const name of names) if (__external[key][name] === undefined) __missing.push(key + '.' + name);
}
if (__missing.length) {
  throw new Error('@vaekit/core: the installed @tensorflow/tfjs-core ' + tfc.version_core + ' lacks exports that its gradients (built from ${tfcVersion}) need: ' + __missing.join(', '));
}
const __modules = {`);
for (const [key, m] of [...modules.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push(`  ${JSON.stringify(key)}(exports) {`);
  lines.push(m.code.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n'));
  lines.push('  },');
}
lines.push(`};
const __cache = {};
function __load(key) {
  if (Object.prototype.hasOwnProperty.call(__external, key)) return __external[key];
  if (!__cache[key]) {
    __cache[key] = { exports: {} };
    __modules[key](__cache[key].exports);
  }
  return __cache[key].exports;
}
__load(${JSON.stringify(ENTRY)});
`);

fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, lines.join('\n'));

const gradCount = [...modules.keys()].filter((k) => k.startsWith('gradients/') && k.endsWith('_grad')).length;
console.log(`build-tfjs-core-gradients: ${path.relative(PKG, OUT)}: ${gradCount} gradient modules of @tensorflow/tfjs-core ${tfcVersion}`);
console.log(`  bundled: ${[...modules.keys()].filter((k) => !k.startsWith('gradients/') && k !== ENTRY).sort().join(', ')}`);
console.log('  mapped to the public tfjs-core:');
for (const k of extKeys) {
  const e = externals.get(k);
  const names = [...e.names].sort();
  const shown = e.mapped ? names.map((n) => `${n} → ${e.mapped[n]}`).join(', ') : `${e.expr}.{${names.join(', ')}}`;
  console.log(`    ${k}: ${shown}`);
}
