/**
 * The VAE views of a study's report, as sections of @vaekit/report: the trial metrics and the
 * anomaly AUCs in the trials table, the rate–distortion plane, the latent usage, and the best
 * trials' pictures (or, for text models, their sentences, and for SMILES models their molecules), and
 * the molecules of a latent-space search.
 */
import { ReportSections } from '@vaekit/report';
import { anomalyReportSection } from './anomaly';
import { latentUsageSection } from './latent';
import { vaeMetricsSection } from './metrics';
import { vaePicturesSection } from './pictures';
import { rateDistortionSection } from './rate-distortion';
import { textSamplesSection } from './text-samples';
import { moleculeSamplesSection } from './molecule-samples';
import { optimizedMoleculesSection } from './optimized-molecules';

export { anomalyReportSection } from './anomaly';
export { latentUsage, latentSummary, readLatentUsage, latentUsageSection } from './latent';
export type { LatentEpoch, LatentUsage, LatentSummary, LatentSectionData } from './latent';
export { trialMetrics, vaeMetricsSection } from './metrics';
export type { TrialMetrics } from './metrics';
export { VAE_PICTURES, vaePicturesSection } from './pictures';
export { rateDistortionSection } from './rate-distortion';
export { textSamplesSection } from './text-samples';
export { moleculeSamplesSection, MAX_PICTURE_BYTES } from './molecule-samples';
export { optimizedMoleculesSection, OPTIMIZE_COMMAND } from './optimized-molecules';
export type { RateDistortionData } from './rate-distortion';
export { paretoFront } from './pareto';
export type { RdPoint } from './pareto';

/** A registry with every VAE section, in page order; `vaekit report`, `vaekit dashboard` and `vaekit search` use it. */
export function vaeReportSections(): ReportSections {
  return new ReportSections([vaeMetricsSection, anomalyReportSection, rateDistortionSection, latentUsageSection, vaePicturesSection, textSamplesSection, moleculeSamplesSection, optimizedMoleculesSection]);
}
