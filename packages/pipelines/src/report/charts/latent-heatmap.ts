/** One trial's latent usage: KL per dimension over epochs as a heat map, then active units and I(x;z) per epoch. */
import { paramsLabel, someInts, vegaLiteSpec } from '@vaekit/report';
import type { ReportTrial, Row, SectionContent } from '@vaekit/report';
import type { LatentUsage } from '../latent';

export type Chart = NonNullable<SectionContent['charts']>[number];

/** "trial N: params" of a trial, for the latent-usage charts. */
export const latentLabel = (t: ReportTrial) => {
  const p = paramsLabel(t);
  return `trial ${t.number}${p ? ': ' + p : ''}`;
};

/** The heading of a trial's heat map: its searched parameters and the active units at its last epoch. */
export function latentTitle(t: ReportTrial, u: LatentUsage): string {
  const last = u.epochs[u.epochs.length - 1];
  const au = last.activeUnits === null ? 'active units not measured' : `${last.activeUnits} of ${u.dims} active units`;
  return `${latentLabel(t)} — ${au}${t.state === 'COMPLETE' ? '' : ` (${t.state})`}`;
}

/** Epochs up to this many get their active units and I(x;z) printed under the heat map; more get small line charts. */
export const LATENT_TEXT_EPOCHS = 24;

/** The heat map of trial `t` (KL colours on one scale up to `maxKl` for every trial), then active units and I(x;z) per epoch. */
export function latentHeatmapChart(t: ReportTrial, u: LatentUsage, maxKl: number): Chart {
  const cells: Row[] = u.epochs.flatMap((e) => e.klPerDim.map((kl, dim) => ({ epoch: e.epoch, dim, kl: Math.max(0, kl) })));
  const epochs = u.epochs.map((e) => e.epoch);
  const step = Math.max(5, Math.min(28, Math.floor(320 / epochs.length)));
  const dimStep = Math.max(4, Math.min(14, Math.floor(260 / u.dims)));
  const x = {
    field: 'epoch',
    type: 'ordinal',
    title: 'epoch',
    sort: 'ascending',
    axis: { labelAngle: 0, values: epochs.length > 16 ? someInts(Math.min(...epochs), Math.max(...epochs), 10).filter((v) => epochs.includes(v)) : undefined },
  };
  const heat = {
    width: { step },
    height: { step: dimStep },
    data: { values: cells },
    mark: { type: 'rect' },
    encoding: {
      x: { ...x, axis: { ...x.axis, title: null, labels: false, ticks: false, domain: false } },
      y: { field: 'dim', type: 'ordinal', title: 'latent dimension', sort: 'ascending', axis: { values: someInts(0, u.dims - 1, Math.floor((u.dims * dimStep) / 14)) } },
      color: {
        field: 'kl',
        type: 'quantitative',
        title: 'KL (nats)',
        scale: { scheme: 'viridis', type: 'sqrt', domain: [0, maxKl], zero: true },
        legend: { gradientLength: Math.max(60, Math.min(200, u.dims * dimStep)), format: '.2~f' },
      },
      tooltip: [
        { field: 'epoch', type: 'ordinal' },
        { field: 'dim', type: 'ordinal', title: 'dimension' },
        { field: 'kl', type: 'quantitative', format: '.3f', title: 'KL (nats)' },
      ],
    },
  };
  const hasMi = u.epochs.some((e) => e.mutualInfo !== null);
  const below: Record<string, unknown>[] = [];
  if (epochs.length <= LATENT_TEXT_EPOCHS) {
    const rows: Row[] = [];
    for (const e of u.epochs) {
      rows.push({ epoch: e.epoch, row: 'active units', text: e.activeUnits === null ? '—' : String(e.activeUnits) });
      if (hasMi) rows.push({ epoch: e.epoch, row: 'I(x;z) nats', text: e.mutualInfo === null ? '—' : e.mutualInfo.toFixed(e.mutualInfo < 10 ? 2 : 1) });
    }
    below.push({
      width: { step },
      height: { step: 16 },
      data: { values: rows },
      mark: { type: 'text', fontSize: step < 22 ? 9 : 11, color: '#222' },
      encoding: {
        x,
        y: { field: 'row', type: 'nominal', title: null, sort: ['active units', 'I(x;z) nats'], axis: { domain: false, ticks: false } },
        text: { field: 'text', type: 'nominal' },
      },
    });
  } else {
    const line = (field: 'activeUnits' | 'mutualInfo', title: string, domain?: number[]) => ({
      width: { step },
      height: 60,
      data: { values: u.epochs.filter((e) => e[field] !== null).map((e) => ({ epoch: e.epoch, value: e[field] })) },
      mark: { type: 'line', point: { size: 14, filled: true }, color: '#4c78a8', strokeWidth: 1.5 },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title, scale: domain ? { domain } : { zero: false }, axis: { tickCount: 3 } },
        tooltip: [{ field: 'epoch', type: 'ordinal' }, { field: 'value', type: 'quantitative', title, format: '.3~f' }],
      },
    });
    below.push(line('activeUnits', 'active units', [0, u.dims]));
    if (hasMi) below.push(line('mutualInfo', 'I(x;z) nats'));
  }
  const spec = vegaLiteSpec({ vconcat: [heat, ...below], spacing: 4, resolve: { scale: { x: 'shared' } } });
  return { id: `latent-${t.number}`, title: latentTitle(t, u), spec };
}

