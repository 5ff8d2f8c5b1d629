/**
 * The molecules of a latent-space search (`vaekit molecules optimize`) in the trials table: each
 * trial's decoded SMILES (canonical when RDKit parsed it), whether it was valid, its QED and logP,
 * and for a predicted property its true value. The values are user attributes the command stores;
 * nothing is read from disk.
 */
import type { FrozenTrial } from '@vaekit/study';
import type { ReportSection } from '@vaekit/report';

/** The study attribute `command` of studies made by `vaekit molecules optimize`. */
export const OPTIMIZE_COMMAND = 'molecules optimize';

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

export const optimizedMoleculesSection: ReportSection = {
  id: 'optimized-molecules',
  appliesTo: (ctx) => ctx.attrs.command === OPTIMIZE_COMMAND,
  // QED or logP is not repeated when it is the study's own value.
  columns: (ctx) => [
    {
      key: 'smiles',
      label: 'SMILES',
      text: true,
      value: (t: FrozenTrial) => {
        const s = t.userAttrs.canonical ?? t.userAttrs.smiles;
        return typeof s === 'string' ? s || '(empty)' : undefined;
      },
    },
    { key: 'valid', label: 'valid', text: true, value: (t: FrozenTrial) => (typeof t.userAttrs.valid === 'boolean' ? (t.userAttrs.valid ? 'yes' : 'no') : undefined) },
    { key: 'qed', label: 'QED', value: (t: FrozenTrial) => num(t.userAttrs.qed) },
    { key: 'logp', label: 'logP', value: (t: FrozenTrial) => num(t.userAttrs.logp) },
    { key: 'actual', label: 'true value', value: (t: FrozenTrial) => num(t.userAttrs.actual) },
  ].filter((c) => c.key !== ctx.study.metric),
};
