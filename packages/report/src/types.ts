/**
 * The types of the report: the JSON data a page is drawn from (`ReportData`), the Vega-Lite charts
 * in it, and the section API through which other packages add their own views to a report.
 * Every other module of the report imports its types from here.
 */
import type { Direction, FrozenTrial, ParamValue, StudySummary } from '@vaekit/study';

/** The study a report is about. */
export interface StudyInfo {
  name: string;
  /** The (first) direction. */
  direction: Direction;
  /** A multi-objective study's directions, one per objective (attrs.metrics names them). */
  directions?: Direction[];
  attrs: Record<string, unknown>;
  /** Where the study is stored, for the header. */
  storage?: string;
}

/** A picture shown with one of the best trials (contributed by a section). */
export interface TrialPicture {
  /** The section that contributed it. */
  section: string;
  /** The caption. */
  name: string;
  /** A data: URI in a report file, a URL on the dashboard. */
  src: string;
}

export interface ReportTrial {
  number: number;
  state: string;
  /** The value (multi-objective: the first of `values`). */
  value: number | null;
  /** Multi-objective studies: one value per objective. */
  values?: number[] | null;
  params: Record<string, ParamValue>;
  /** [step, value] pairs reported with trial.report, by step. */
  curve: Array<[number, number]>;
  seconds: number | null;
  error: string | null;
  /** The values of the sections' table columns, by column key (see ReportData.columns). */
  columns: Record<string, number | string | null>;
  /** The sections' pictures of this trial, in page order; best trials only, when a section has pictures. */
  images?: TrialPicture[];
  /** The pictures looked for but not found (file names). */
  missingImages?: string[];
}

export interface ReportParam {
  name: string;
  type: 'float' | 'int' | 'categorical';
  log: boolean;
  choices?: ParamValue[];
}

export interface ParamImportance {
  param: string;
  /** ε², in [0, 1]: the share of the objective's variance this parameter explains on its own. */
  importance: number;
  /** Groups the trials were split into. */
  groups: number;
  /** Trials that had this parameter. */
  n: number;
  /** False when there were too few trials per group to estimate it (fewer than k + 2 trials for k groups): importance is then 0. */
  estimable: boolean;
}

/** One Vega-Lite chart, data inlined. `section` is the page section that draws it. */
export interface ChartSpec {
  id: string;
  section: string;
  title: string;
  spec: Record<string, unknown>;
}

/** A table column a section adds to the trials table (after the parameters). */
export interface ReportColumn {
  key: string;
  label: string;
  /** Text (left-aligned, sorted as text) rather than a number. */
  text?: boolean;
  /** The section that contributed it. */
  section: string;
}

/**
 * The content of a section's view, drawn in the browser with textContent and attributes only
 * (never as markup), except `html`, which is put in the page as it is.
 */
export type SectionBlock =
  /** A paragraph; className `note` is small grey text, `empty` says there is nothing to show. */
  | { type: 'text'; text: string; className?: string }
  /** A small heading (h3). */
  | { type: 'heading'; text: string }
  /** One of the section's charts, by id. */
  | { type: 'chart'; chart: string }
  /** A bulleted list. */
  | { type: 'list'; items: string[]; className?: string }
  /** A box (div) around other blocks; className `grid` lays its children out side by side. */
  | { type: 'group'; blocks: SectionBlock[]; className?: string }
  /** Markup the section built itself; every user string in it must go through escapeHtml. */
  | { type: 'html'; html: string };

/** Where a section's view goes: `analysis` after the parallel coordinates (before the learning curves), `end` after the best trials. */
export type SectionPlace = 'analysis' | 'end';

/** A section's view as it is in the report data. */
export interface SectionView {
  /** The section's id, also the id of its HTML element. */
  id: string;
  title: string;
  note?: string;
  place: SectionPlace;
  blocks: SectionBlock[];
  /** Style rules for the section's class names. */
  css?: string;
  /** Whatever else the section computed, as JSON (for code that reads the report data). */
  data?: unknown;
}

export interface ReportData {
  study: {
    name: string;
    direction: Direction;
    metric: string;
    config: string | null;
    storage: string | null;
    /** Multi-objective studies: one direction and one metric name per objective. */
    directions?: Direction[];
    metrics?: string[];
  };
  generatedAt: string;
  counts: Record<string, number>;
  params: ReportParam[];
  trials: ReportTrial[];
  /** Numbers of the best COMPLETE trials, best first (at most 3); multi-objective: trials of the Pareto front (at most 3, spread along it). */
  best: number[];
  /** Multi-objective studies: the Pareto front (numbers, by the first objective) and its hypervolume. */
  front?: { trials: number[]; hypervolume: number; reference: number[]; referenceGiven: boolean } | null;
  importance: { method: string; limits: string; items: ParamImportance[]; trials: number };
  /** The sections' table columns that some trial has a value for, in section order. */
  columns: ReportColumn[];
  /** What the sections' pictures show, for the best trials' heading; one sentence part per section. */
  pictureNotes: string[];
  /** The sections' views, in section order. */
  sections: SectionView[];
  /** Every chart: the study's own, then the sections' (`analysis` ones before the learning curves). */
  charts: ChartSpec[];
}

/** The summary line of a study for the dashboard's index. */
export interface StudyListItem extends StudySummary {
  metric?: string;
}

/** What a section is given to build its part of a report. */
export interface ReportContext {
  study: ReportData['study'];
  /** The study's user attributes. */
  attrs: Record<string, unknown>;
  /** The trials, by number. */
  trials: FrozenTrial[];
  /** The report's rows of those trials, in the same order. */
  rows: ReportTrial[];
  /** Numbers of the best COMPLETE trials, best first. */
  best: number[];
  /** Multi-objective studies: the Pareto front and its hypervolume (see ReportData.front). */
  front?: ReportData['front'];
}

/** A table column of a section: the value a trial shows (undefined or null: none). */
export interface SectionColumn {
  key: string;
  label: string;
  text?: boolean;
  value(t: FrozenTrial): number | string | null | undefined;
}

/** A section's view: what `ReportSection.build` returns. Chart ids must be unique in the report. */
export interface SectionContent {
  title: string;
  note?: string;
  charts?: Array<Omit<ChartSpec, 'section'>>;
  blocks: SectionBlock[];
  data?: unknown;
}

/** Pictures a section shows with each of the best trials: files in a folder of the trial's. */
export interface SectionPictures {
  /** The folder of trial `t`'s pictures; undefined when it has none. */
  folder(t: FrozenTrial): string | undefined;
  /** The pictures, in page order: caption and file name in the folder (PNG, JPEG, GIF or WebP). */
  files: ReadonlyArray<{ name: string; file: string }>;
  /** What they show, completing "The N best completed trials: …". */
  description?: string;
}

/**
 * A part of a report that a package adds for its kind of study. Every member but `id` is
 * optional: a section may add a view, table columns, pictures of the best trials, or any of them.
 */
export interface ReportSection {
  /** Unique among the registered sections: lower-case letters, digits and dashes. */
  id: string;
  /** Whether the section has anything to say about this study; default yes. */
  appliesTo?(ctx: ReportContext): boolean;
  /** The section's view, or null for none (nothing to show for this study). */
  build?(ctx: ReportContext): SectionContent | null;
  /** Where the view goes; default `analysis`. */
  place?: SectionPlace;
  /** Style rules for the class names its blocks use. */
  css?: string;
  /** Columns for the trials table, in order; a column no trial has a value for is left out. */
  columns?(ctx: ReportContext): SectionColumn[];
  pictures?: SectionPictures;
}
