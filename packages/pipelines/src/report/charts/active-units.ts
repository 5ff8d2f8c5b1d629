/** Active units at each trial's last epoch, one bar per trial, against the no-remedy run when there is one. */
import { vegaLiteSpec } from '@vaekit/report';
import type { ReportTrial, Row } from '@vaekit/report';
import type { LatentUsage } from '../latent';
import { Chart, latentLabel } from './latent-heatmap';

/** A trial with latent usage: its report row and its usage. */
export interface LatentTrial {
  number: number;
  state: string;
  row: ReportTrial;
  latent: LatentUsage;
}

/** Active units at each trial's last epoch, by trial number, against the no-remedy run when there is one. */
export function activeUnitsChart(trials: LatentTrial[], base0: number | null): Chart | undefined {
  if (!trials.length) return undefined;
  const at = (t: LatentTrial) => t.latent.epochs[t.latent.epochs.length - 1];
  const baseAu = base0 === null ? null : at(trials.find((t) => t.number === base0)!).activeUnits;
  const rows: Row[] = trials
    .filter((t) => at(t).activeUnits !== null)
    .map((t) => {
      const au = at(t).activeUnits!;
      const vs = baseAu === null ? 'trial' : t.number === base0 ? 'no remedy' : au > baseAu ? 'more than no remedy' : au === baseAu ? 'as many as no remedy' : 'fewer than no remedy';
      const mi = at(t).mutualInfo;
      const text = `${au} of ${t.latent.dims}` + (mi === null ? '' : ` · I(x;z) ${mi.toFixed(2)} nats`);
      return { trial: t.number, label: latentLabel(t.row), au, dims: t.latent.dims, text, mi, epoch: at(t).epoch, state: t.state, vs };
    });
  if (!rows.length) return undefined;
  const dims = Math.max(...trials.map((t) => t.latent.dims));
  const sameDims = trials.every((t) => t.latent.dims === dims);
  const y = { field: 'label', type: 'nominal', title: null, sort: { field: 'trial', order: 'ascending' }, axis: { labelLimit: 460, labelFontSize: 11.5 } };
  const x = { field: 'au', type: 'quantitative', title: sameDims ? `active units at the last epoch (of ${dims} dimensions)` : 'active units at the last epoch', scale: { domain: [0, dims], nice: false }, axis: { tickMinStep: 1, format: 'd' } };
  const color =
    baseAu === null
      ? { value: '#4c78a8' }
      : {
          field: 'vs',
          type: 'nominal',
          title: null,
          scale: { domain: ['no remedy', 'more than no remedy', 'as many as no remedy', 'fewer than no remedy'], range: ['#9e9e9e', '#2ca02c', '#9ecae9', '#d62728'] },
          legend: { orient: 'bottom', direction: 'horizontal' },
        };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y,
        x,
        color,
        tooltip: [
          { field: 'trial', type: 'quantitative' },
          { field: 'label', type: 'nominal', title: 'parameters' },
          { field: 'au', type: 'quantitative', title: 'active units' },
          { field: 'mi', type: 'quantitative', title: 'I(x;z) nats', format: '.3f' },
          { field: 'epoch', type: 'quantitative', title: 'at epoch' },
          { field: 'state', type: 'nominal' },
        ],
      },
    },
    { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#222' }, encoding: { y, x, text: { field: 'text', type: 'nominal' } } },
  ];
  if (baseAu !== null && baseAu !== undefined) {
    layers.push({
      data: { values: [{ au: baseAu }] },
      mark: { type: 'rule', color: '#555', strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x: { field: 'au', type: 'quantitative' } },
    });
  }
  const spec = vegaLiteSpec({ width: 360, height: { step: 22 }, data: { values: rows }, layer: layers });
  return { id: 'latent-summary', title: 'Active units at the last epoch, per trial', spec };
}

