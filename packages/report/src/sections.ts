/**
 * The registry of report sections: the views, table columns and pictures that other packages add
 * to a study's report. It is passed explicitly to `buildReportData`, `writeReportFile`,
 * `runReport` and `startDashboard`; a report built without one shows what every study has.
 */
import { ConfigError } from '@vaekit/study';
import type { ReportSection } from './types';

const ID = /^[a-z][a-z0-9-]*$/;
/** The ids of the report's own sections (the HTML element ids of the page). */
export const RESERVED_SECTION_IDS: ReadonlySet<string> = new Set(['app', 'summary', 'history', 'importance', 'slices', 'parallel', 'curves', 'trials', 'best', 'pareto-front']);

export class ReportSections {
  private readonly byId = new Map<string, ReportSection>();

  constructor(sections: Iterable<ReportSection> = []) {
    for (const s of sections) this.register(s);
  }

  /** Adds a section after those already registered (page order is registration order). */
  register(section: ReportSection): this {
    if (!ID.test(section.id)) throw new ConfigError(`report section id "${section.id}": expected lower-case letters, digits and dashes, starting with a letter`, 'id');
    if (RESERVED_SECTION_IDS.has(section.id)) throw new ConfigError(`report section id "${section.id}" is one of the report's own sections`, 'id');
    if (this.byId.has(section.id)) throw new ConfigError(`report section "${section.id}" is already registered`, 'id');
    this.byId.set(section.id, section);
    return this;
  }

  get(id: string): ReportSection | undefined {
    return this.byId.get(id);
  }

  /** The sections, in registration order. */
  list(): ReportSection[] {
    return [...this.byId.values()];
  }
}

/** A registry, or the sections to put in a new one. */
export type SectionsOption = ReportSections | Iterable<ReportSection>;

export function asSections(s: SectionsOption | undefined): ReportSections {
  return s instanceof ReportSections ? s : new ReportSections(s ?? []);
}
