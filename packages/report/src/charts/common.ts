/**
 * What the charts share: the Vega-Lite envelope, the colours of the trial states, and how values
 * and parameters are labelled. Field names are fixed identifiers (never a parameter's name, whose
 * dots Vega-Lite would read as nested access); the user's strings only appear as data values and
 * titles, which Vega renders as text. Sections build their charts with the same helpers.
 */
import type { ReportTrial } from '../types';

/** A data row of a chart. */
export type Row = Record<string, string | number | boolean | null>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
export const STATE_DOMAIN = ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING'];
export const STATE_RANGE = ['#1f77b4', '#ff7f0e', '#d62728', '#7f7f7f'];
const CONFIG = { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' }, legend: { labelFontSize: 11, titleFontSize: 11 } };

/** A parameter value as the charts and the table show it (numbers to 5 significant digits). */
export const showValue = (v: unknown) => (typeof v === 'number' ? String(+v.toPrecision(5)) : v === null ? 'null' : String(v));

/** "name=value, …" of a trial's parameters. */
export const paramsLabel = (t: ReportTrial) =>
  Object.entries(t.params)
    .map(([k, v]) => `${k}=${showValue(v)}`)
    .join(', ');

/** An axis of integers (trial numbers, steps): every integer when there are few, else whole-number ticks. */
export function intAxis(values: number[]): Record<string, unknown> {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (values.length && hi - lo <= 15) return { values: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i), format: 'd' };
  return { tickMinStep: 1, format: 'd' };
}

/** Up to about `n` evenly spaced integer ticks from lo to hi. */
export function someInts(lo: number, hi: number, n: number): number[] {
  const every = Math.max(1, Math.ceil((hi - lo + 1) / n));
  const out: number[] = [];
  for (let v = lo; v <= hi; v += every) out.push(v);
  return out;
}

/** A Vega-Lite spec with the report's schema and look. */
export function vegaLiteSpec(extra: Record<string, unknown>, title?: string): Record<string, unknown> {
  return { $schema: SCHEMA, ...(title ? { title } : {}), config: CONFIG, ...extra };
}
