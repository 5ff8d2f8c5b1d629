export { NSGAIISampler, type NSGAIISamplerOptions } from './sampler';
export { GENERATION_KEY, parentPopulation, selectElite, trialDominance, type ConstraintsFunc, type TrialDominance } from './population';
