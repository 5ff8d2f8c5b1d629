import {
  checkPrunerSpec,
  checkSamplerSpec,
  ConfigError,
  createPruner,
  createSampler,
  PRUNER_OPTIONS,
  prunerSchema,
  SAMPLER_OPTIONS,
  samplerSchema,
} from '@vaekit/study';
import { TPE_OPTION_NAMES } from '../src/samplers/tpe';
import { PERCENTILE_OPTION_NAMES } from '../src/pruners/percentile';
import { SUCCESSIVE_HALVING_OPTION_NAMES } from '../src/pruners/successiveHalving';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('sampler and pruner options', () => {
  it('list exactly the options each sampler and pruner understands', () => {
    expect(Object.keys(SAMPLER_OPTIONS.tpe).sort()).toEqual([...TPE_OPTION_NAMES].sort());
    expect(Object.keys(PRUNER_OPTIONS.median).sort()).toEqual([...PERCENTILE_OPTION_NAMES].sort());
    expect(Object.keys(PRUNER_OPTIONS.percentile).sort()).toEqual(['percentile', ...PERCENTILE_OPTION_NAMES].sort());
    expect(Object.keys(PRUNER_OPTIONS.successiveHalving).sort()).toEqual([...SUCCESSIVE_HALVING_OPTION_NAMES].sort());
    expect(PRUNER_OPTIONS.asha).toBe(PRUNER_OPTIONS.successiveHalving);
  });

  it('name the option path in the ConfigError, with a suggestion for a typo', () => {
    const e = configError(() => checkSamplerSpec({ name: 'tpe', nStartupTrails: 5 }));
    expect(e.path).toBe('study.sampler.nStartupTrails');
    expect(e.message).toMatch(/^study\.sampler\.nStartupTrails: unknown option "nStartupTrails" for the tpe sampler \(allowed: seed, nStartupTrials.*\); did you mean "nStartupTrials"\?$/);
    expect(configError(() => checkSamplerSpec({ name: 'tpe', nStartupTrials: -1 }, 'sampler')).path).toBe('sampler.nStartupTrials');
    expect(configError(() => checkSamplerSpec({ name: 'cmaes' })).path).toBe('study.sampler.name');
    expect(configError(() => checkPrunerSpec({ name: 'percentile' })).message).toMatch(/study\.pruner\.percentile: the percentile pruner needs a "percentile" \(between 0 and 100\)/);
    expect(configError(() => checkPrunerSpec({ name: 'median', nWarmupSteps: 'x' })).message).toBe(
      "study.pruner.nWarmupSteps: nWarmupSteps must be an integer >= 0, got 'x'",
    );
    expect(configError(() => checkPrunerSpec({ name: 'asha', minResource: 'auto', bootstrapCount: 2 })).path).toBe('study.pruner.bootstrapCount');
    expect(() => checkPrunerSpec({ name: 'asha', minResource: 'auto' })).not.toThrow();
    expect(() => checkPrunerSpec({ name: 'percentile', percentile: 25, nWarmupSteps: 3 })).not.toThrow();
  });

  it('are checked by the factories, which throw ConfigErrors', () => {
    const e = configError(() => createSampler({ name: 'tpe', nStartupTrials: 1.5 }));
    expect(e.message).toBe('createSampler: study.sampler.nStartupTrials: nStartupTrials must be an integer >= 0, got 1.5');
    expect(configError(() => createPruner({ name: 'successiveHalving', reductionFactor: 1 })).path).toBe('study.pruner.reductionFactor');
    expect(createPruner({ name: 'percentile', percentile: 40 }).name).toBe('percentile');
  });

  it('give config files the same options as JSON Schema, without the API-only ones', () => {
    const tpe = (samplerSchema().allOf as any[]).find((b) => b.if.properties.name.const === 'tpe').then;
    expect(tpe.additionalProperties).toBe(false);
    expect(Object.keys(tpe.properties)).toEqual(['name', ...Object.keys(SAMPLER_OPTIONS.tpe).filter((k) => k !== 'gamma' && k !== 'weights')]);
    expect(tpe.properties.nStartupTrials).toMatchObject({ type: 'integer', minimum: 0 });
    const grid = (samplerSchema().allOf as any[]).find((b) => b.if.properties.name.const === 'grid').then;
    expect(Object.keys(grid.properties)).toEqual(['name', 'seed']);
    const percentile = (prunerSchema().allOf as any[]).find((b) => b.if.properties.name.const === 'percentile').then;
    expect(percentile.required).toEqual(['percentile']);
    expect((prunerSchema().properties as any).name.enum).toEqual(['none', 'median', 'percentile', 'asha', 'successiveHalving']);
  });
});
