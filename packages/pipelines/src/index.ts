/**
 * The VAE pipelines behind the `vaekit` commands, usable from code: train from a validated
 * config (checkpoint, metrics and pictures), the one-class anomaly protocol and streamed
 * scoring, the training-speed benchmark, and the VAE sections of a study's report
 * (`vaeReportSections()` for @vaekit/report).
 */
export * from './registry';
export * from './train/train';
export * from './train/progress';
export * from './images/png';
export * from './images/pictures';
export * from './anomaly/section';
export { scoreSplit, runAnomalyProtocol, anomalyTable } from './anomaly/protocol';
export type { ClassResult, AnomalyResult, ProtocolOptions } from './anomaly/protocol';
export * from './anomaly/score';
export * from './anomaly/baselines';
export * from './bench/bench';
export * from './report';
export * from './checkpoint/load';
export * from './text/generate';
export * from './text/files';
export * from './text/command';
export * from './text/trainset';
export * from './text/smiles';
export { requireMolecules } from './text/molecules-optional';
export { checkPropertyConfig, withPropertyTargets, PREDICTABLE_PROPERTIES } from './property/targets';
export type { PredictableProperty } from './property/targets';
// Joint property prediction lives with the model in @vaekit/core; re-exported here for convenience.
export { predictProperties, propertyNames } from '@vaekit/core';
