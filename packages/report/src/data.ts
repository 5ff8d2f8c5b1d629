/**
 * What the report and the dashboard show about one study, as plain JSON: the trials, the searched
 * parameters, the importance, the Vega-Lite specs of the charts, and what the registered sections
 * add (views, table columns, pictures of the best trials).
 */
import * as fs from 'fs';
import * as path from 'path';
import { frontSummary, rankTrials, redactStorageUrl, trialValues, VaekitError } from '@vaekit/study';
import type { Distribution, FrozenTrial } from '@vaekit/study';
import { leadingCharts, trailingCharts } from './charts';
import { paretoSection } from './pareto';
import { IMPORTANCE_LIMITS, IMPORTANCE_METHOD, paramImportance } from './importance';
import { asSections, SectionsOption } from './sections';
import type { ChartSpec, ReportColumn, ReportContext, ReportData, ReportParam, ReportSection, ReportTrial, SectionView, StudyInfo } from './types';

/**
 * How a picture of a trial is referenced in the data: a data: URI (report file) or a URL
 * (dashboard); undefined when it is missing. `picture.file` is its name in the section's list,
 * `picture.path` the file on disk.
 */
export type PictureRef = (t: FrozenTrial, section: string, picture: { file: string; path: string }) => string | undefined;

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/** The media type of a picture file, by its extension; undefined for anything else. */
export function pictureType(file: string): string | undefined {
  return MIME[path.extname(file).toLowerCase()];
}

/** Reads a picture file as a data: URI. */
export const dataUriPictures: PictureRef = (_t, _section, picture) => {
  const type = pictureType(picture.path);
  if (!type) return undefined;
  try {
    return `data:${type};base64,` + fs.readFileSync(picture.path).toString('base64');
  } catch {
    return undefined;
  }
};

export interface ReportDataOptions {
  /** The sections to add (see ReportSections); none by default. */
  sections?: SectionsOption;
  /** How pictures are referenced; default data: URIs. */
  pictures?: PictureRef;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function paramsOf(trials: FrozenTrial[]): ReportParam[] {
  const dists = new Map<string, Distribution | undefined>();
  for (const t of trials) for (const k of Object.keys(t.params)) if (!dists.get(k)) dists.set(k, t.distributions[k]);
  return [...dists.entries()].map(([name, d]) => {
    if (d && d.type === 'categorical') return { name, type: 'categorical', log: false, choices: d.choices };
    if (d) return { name, type: d.type, log: !!d.log };
    const values = trials.map((t) => t.params[name]).filter((v) => v !== undefined);
    if (values.every((v) => typeof v === 'number')) return { name, type: 'float', log: false };
    return { name, type: 'categorical', log: false, choices: [...new Set(values)] };
  });
}

function row(t: FrozenTrial, multi: boolean): ReportTrial {
  return {
    number: t.number,
    state: t.state,
    value: num(t.value) ?? null,
    ...(multi ? { values: trialValues(t) ?? null } : {}),
    params: t.params,
    curve: Object.entries(t.intermediate)
      .map(([s, v]) => [Number(s), v] as [number, number])
      .filter(([, v]) => Number.isFinite(v))
      .sort((a, b) => a[0] - b[0]),
    seconds: t.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : null,
    error: t.error ?? null,
    columns: {},
  };
}

/** The sections' table columns: each row's values, and the columns some trial has a value for. */
function addColumns(sections: ReportSection[], ctx: ReportContext): ReportColumn[] {
  const out: ReportColumn[] = [];
  const seen = new Set<string>();
  for (const s of sections) {
    for (const c of s.columns?.(ctx) ?? []) {
      const key = `${s.id}:${c.key}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let any = false;
      ctx.trials.forEach((t, i) => {
        const v = c.value(t);
        const ok = typeof v === 'string' || num(v) !== undefined;
        ctx.rows[i].columns[key] = ok ? (v as number | string) : null;
        any ||= ok;
      });
      if (any) out.push({ key, label: c.label, ...(c.text ? { text: true } : {}), section: s.id });
      else for (const r of ctx.rows) delete r.columns[key];
    }
  }
  return out;
}

/** The best trials' pictures from the sections that have some. */
function addPictures(sections: ReportSection[], ctx: ReportContext, ref: PictureRef): string[] {
  const notes: string[] = [];
  const withPictures = sections.filter((s) => s.pictures);
  if (!withPictures.length) return notes;
  for (const s of withPictures) if (s.pictures!.description) notes.push(s.pictures!.description);
  ctx.trials.forEach((t, i) => {
    if (!ctx.best.includes(t.number)) return;
    const r = ctx.rows[i];
    r.images = [];
    r.missingImages = [];
    for (const s of withPictures) {
      const folder = s.pictures!.folder(t);
      for (const p of s.pictures!.files) {
        const src = folder === undefined ? undefined : ref(t, s.id, { file: p.file, path: path.join(folder, p.file) });
        if (src) r.images.push({ section: s.id, name: p.name, src });
        else r.missingImages.push(p.file);
      }
    }
  });
  return notes;
}

/** Builds the report data of a study from its trials, with the views, columns and pictures of the given sections. */
export function buildReportData(study: StudyInfo, trials: FrozenTrial[], options: ReportDataOptions = {}): ReportData {
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  const metric = typeof study.attrs.metric === 'string' ? study.attrs.metric : 'value';
  const complete = sorted.filter((t) => t.state === 'COMPLETE' && num(t.value) !== undefined);
  const directions = study.directions && study.directions.length > 1 ? study.directions : undefined;
  const metrics = directions ? metricNames(study.attrs.metrics, directions.length) : undefined;
  const reference = directions ? referenceOf(study.attrs.referencePoint, directions.length) : undefined;
  const front = directions ? frontSummary(sorted, directions, reference) : undefined;
  const best = front ? spread(front.front.map((f) => ({ number: f.number, first: f.values[0] }))) : rankTrials(complete, study.direction).slice(0, 3).map((t) => t.number);
  const counts: Record<string, number> = { COMPLETE: 0, PRUNED: 0, FAIL: 0, RUNNING: 0, WAITING: 0 };
  for (const t of sorted) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const rows = sorted.map((t) => row(t, !!directions));

  const data: ReportData = {
    study: {
      name: study.name,
      direction: study.direction,
      metric,
      config: typeof study.attrs.config === 'string' ? study.attrs.config : null,
      storage: study.storage === undefined || study.storage === null ? null : redactStorageUrl(study.storage),
      ...(directions ? { directions: [...directions], metrics } : {}),
    },
    generatedAt: new Date().toISOString(),
    counts,
    params: paramsOf(sorted),
    trials: rows,
    best,
    ...(directions
      ? {
          front: front
            ? {
                trials: [...front.front].sort((a, b) => a.values[0] - b.values[0] || a.number - b.number).map((f) => f.number),
                hypervolume: front.hypervolume,
                reference: front.reference,
                referenceGiven: front.referenceGiven,
              }
            : null,
        }
      : {}),
    importance: { method: IMPORTANCE_METHOD, limits: IMPORTANCE_LIMITS, items: paramImportance(sorted), trials: complete.length },
    columns: [],
    pictureNotes: [],
    sections: [],
    charts: [],
  };

  const ctx: ReportContext = { study: data.study, attrs: study.attrs, trials: sorted, rows, best, ...(directions ? { front: data.front } : {}) };
  const sections = [...(directions ? [paretoSection] : []), ...asSections(options.sections).list()].filter((s) => !s.appliesTo || s.appliesTo(ctx));
  data.columns = addColumns(sections, ctx);
  data.pictureNotes = addPictures(sections, ctx, options.pictures ?? dataUriPictures);

  const sectionCharts: Record<'analysis' | 'end', ChartSpec[]> = { analysis: [], end: [] };
  for (const s of sections) {
    const content = s.build?.(ctx);
    if (!content) continue;
    const place = s.place ?? 'analysis';
    const view: SectionView = { id: s.id, title: content.title, place, blocks: content.blocks };
    if (content.note !== undefined) view.note = content.note;
    if (s.css) view.css = s.css;
    if (content.data !== undefined) view.data = content.data;
    data.sections.push(view);
    for (const c of content.charts ?? []) sectionCharts[place].push({ ...c, section: s.id });
  }
  data.charts = [...leadingCharts(data), ...sectionCharts.analysis, ...trailingCharts(data), ...sectionCharts.end];
  const ids = new Set<string>();
  for (const c of data.charts) {
    if (ids.has(c.id)) throw new VaekitError(`report: two charts have the id "${c.id}" (section ${c.section})`);
    ids.add(c.id);
  }
  return data;
}

/** The objectives' names from the study's `metrics` attribute, else objective 1, 2, … */
function metricNames(attr: unknown, n: number): string[] {
  const given = Array.isArray(attr) ? attr : [];
  return Array.from({ length: n }, (_, i) => (typeof given[i] === 'string' ? (given[i] as string) : `objective ${i + 1}`));
}

/** The study's `referencePoint` attribute when it is one number per objective. */
function referenceOf(attr: unknown, n: number): number[] | undefined {
  return Array.isArray(attr) && attr.length === n && attr.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (attr as number[]) : undefined;
}

/** Three trials spread along a front (its two ends and its middle, by the first objective), for the pictures. */
function spread(front: Array<{ number: number; first: number }>): number[] {
  const sorted = [...front].sort((a, b) => a.first - b.first || a.number - b.number).map((f) => f.number);
  if (sorted.length <= 3) return sorted;
  return [sorted[0], sorted[Math.floor((sorted.length - 1) / 2)], sorted[sorted.length - 1]];
}
