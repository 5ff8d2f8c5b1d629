/** The one-class anomaly protocol's view in the report: each trial's mean ROC-AUC and PR-AUC in the trials table. */
import type { ReportSection } from '@vaekit/report';
import { metricColumns } from './metrics';

export const anomalyReportSection: ReportSection = {
  id: 'anomaly',
  columns: metricColumns([
    ['rocAuc', 'ROC-AUC'],
    ['prAuc', 'PR-AUC'],
  ]),
};
