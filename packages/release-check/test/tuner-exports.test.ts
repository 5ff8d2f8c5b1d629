/**
 * `@vaekit/tuner`'s entry point, as built: every name it exported when it still held the study
 * engine and the VAE pipelines is still exported (value and type alike), and the re-exported
 * study and pipelines names are marked deprecated in the published `.d.ts`, so editors strike
 * them through and point at `@vaekit/study` / `@vaekit/pipelines`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TUNER_DTS = path.join(ROOT, 'packages', 'tuner', 'dist', 'index.d.ts');
const TUNER_JS = path.join(ROOT, 'packages', 'tuner', 'dist', 'index.js');

/** The values `@vaekit/tuner` exported before the study engine and the pipelines had their own packages. */
const OLD_VALUES = [
  'main', 'builtInRegistry', 'runTraining', 'writeImageGrid', 'isImageShape', 'writePictures',
  'loadConfigFile', 'resolveConfigFile', 'displayPath', 'parseYamlText', 'parseYamlValue', 'TrialPruned',
  'Trial', 'createStudy', 'loadStudy', 'Study', 'createSampler', 'contains', 'DistributionError',
  'effectiveHigh', 'isSingle', 'roundToStep', 'sameDistribution', 'singleValue', 'stepCount',
  'validateDistribution', 'RandomSampler', 'sampleUniform', 'GridSampler', 'TPESampler', 'defaultGamma',
  'hyperoptGamma', 'ParzenEstimator', 'defaultWeights', 'Rng', 'hash128', 'createPruner', 'NopPruner',
  'MedianPruner', 'PercentilePruner', 'nanPercentile', 'SuccessiveHalvingPruner', 'rungKey',
  'parseStorageUrl', 'openStorage', 'InMemoryStorage', 'SqliteStorage', 'PostgresStorage', 'StorageError',
  'TrialNotRunningError', 'STORAGE_URL_FORMS',
];
/** The types it exported then (classes are in both lists). */
const OLD_TYPES = [
  'TrainRunOptions', 'TrainRunResult', 'LoadConfigOptions', 'LoadedConfig', 'Direction', 'TrialState',
  'Distribution', 'ParamValue', 'FrozenTrial', 'StudySummary', 'Storage', 'TrialPruned', 'Trial',
  'SamplerSpec', 'PrunerSpec', 'StudyOptions', 'OptimizeOptions', 'Objective', 'Study', 'Sampler',
  'SamplerContext', 'DistributionError', 'RandomSampler', 'GridSampler', 'GridSearchSpace', 'TPESampler',
  'TPESamplerOptions', 'ParzenEstimator', 'ParzenOptions', 'Rng', 'SamplerName', 'SamplerConfig', 'Pruner',
  'PrunerContext', 'NopPruner', 'MedianPruner', 'PercentilePruner', 'PercentilePrunerOptions',
  'SuccessiveHalvingPruner', 'SuccessiveHalvingPrunerOptions', 'PrunerName', 'PrunerConfig',
  'InMemoryStorage', 'SqliteStorage', 'SqliteStorageOptions', 'PostgresStorage', 'PostgresStorageOptions',
  'StorageError', 'TrialNotRunningError', 'StorageExtras', 'VaekitStorage', 'StorageTarget',
];
/** The tuner's own names (the CLI and the YAML loading): not deprecated. */
const OWN = ['main', 'loadConfigFile', 'resolveConfigFile', 'displayPath', 'parseYamlText', 'parseYamlValue', 'LoadConfigOptions', 'LoadedConfig'];
const PIPELINES = ['builtInRegistry', 'runTraining', 'writeImageGrid', 'isImageShape', 'writePictures', 'TrainRunOptions', 'TrainRunResult'];
const OLD = [...new Set([...OLD_VALUES, ...OLD_TYPES])];

const OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, types: [] };

describe('@vaekit/tuner exports (built dist/index.d.ts)', () => {
  it('still exports every name it exported before, with the same meaning (value, type)', () => {
    const program = ts.createProgram([TUNER_DTS], OPTIONS);
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(TUNER_DTS)!)!;
    const kinds = new Map<string, { value: boolean; type: boolean }>();
    for (const s of checker.getExportsOfModule(moduleSymbol)) {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      kinds.set(s.name, { value: !!(target.flags & ts.SymbolFlags.Value), type: !!(target.flags & ts.SymbolFlags.Type) });
    }
    const missing = [
      ...OLD_VALUES.filter((n) => !kinds.get(n)?.value).map((n) => `${n} (value)`),
      ...OLD_TYPES.filter((n) => !kinds.get(n)?.type).map((n) => `${n} (type)`),
    ];
    expect(missing).toEqual([]);
  });

  it('marks the study engine and pipelines names @deprecated so editors show it, and not its own', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-deprecated-'));
    try {
      const file = path.join(dir, 'use.ts');
      const from = TUNER_DTS.replace(/\.d\.ts$/, '').split(path.sep).join('/');
      fs.writeFileSync(file, `import { ${OLD.join(', ')} } from '${from}';\n`);
      const service = ts.createLanguageService(
        {
          getScriptFileNames: () => [file],
          getScriptVersion: () => '1',
          getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
          getCurrentDirectory: () => dir,
          getCompilationSettings: () => OPTIONS,
          getDefaultLibFileName: ts.getDefaultLibFilePath,
          fileExists: ts.sys.fileExists,
          readFile: ts.sys.readFile,
        },
        ts.createDocumentRegistry(),
      );
      const deprecated = new Set<string>();
      for (const d of service.getSuggestionDiagnostics(file)) {
        const m = /^'(\w+)' is deprecated/.exec(ts.flattenDiagnosticMessageText(d.messageText, ' '));
        if (d.reportsDeprecated && m) deprecated.add(m[1]);
      }
      expect(OLD.filter((n) => !OWN.includes(n) && !deprecated.has(n)).map((n) => `${n} is not marked deprecated`)).toEqual([]);
      expect(OWN.filter((n) => deprecated.has(n)).map((n) => `${n} is marked deprecated`)).toEqual([]);
      // The message says where to import from.
      const dts = fs.readFileSync(TUNER_DTS, 'utf8');
      expect(dts).toMatch(/\/\*\* @deprecated Import from '@vaekit\/study'\. \*\/\s*createStudy,/);
      expect(dts).toMatch(/\/\*\* @deprecated Import from '@vaekit\/pipelines'\. \*\/\s*runTraining,/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the deprecated values are the very objects of @vaekit/study and @vaekit/pipelines', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tuner = require(TUNER_JS);
    const study = require(require.resolve('@vaekit/study', { paths: [path.join(ROOT, 'packages', 'tuner')] }));
    const pipelines = require(require.resolve('@vaekit/pipelines', { paths: [path.join(ROOT, 'packages', 'tuner')] }));
    for (const n of OLD_VALUES) {
      expect(`${n}: ${typeof tuner[n]}`).not.toBe(`${n}: undefined`);
      if (OWN.includes(n)) continue;
      const source = PIPELINES.includes(n) ? pipelines : study;
      expect(`${n}: ${tuner[n] === source[n] ? 'same' : 'different'}`).toBe(`${n}: same`);
    }
  });
});
