/**
 * Reports of @vaekit/study studies: the report data, the self-contained HTML file, the live
 * dashboard, and the section API through which other packages add views for their kind of study.
 * Also the pieces `vaekit report`, `vaekit dashboard` and `vaekit search` share: opening the
 * storage a command names, reading one study for a report, writing the report file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '@vaekit/study';
import { openStorage, parseStorageUrl, printable, redactStorageUrl } from '@vaekit/study';
import type { VaekitStorage } from '@vaekit/study';
import type { FrozenTrial } from '@vaekit/study';
import { buildReportData, ReportDataOptions } from './data';
import { renderReportHtml } from './html';
import type { SectionsOption } from './sections';
import type { ReportData, StudyInfo } from './types';

export type * from './types';
export { buildReportData, dataUriPictures, pictureType } from './data';
export type { PictureRef, ReportDataOptions } from './data';
export { ReportSections, RESERVED_SECTION_IDS } from './sections';
export type { SectionsOption } from './sections';
export { vegaLiteSpec, paramsLabel, showValue, intAxis, someInts, STATE_DOMAIN, STATE_RANGE } from './charts/common';
export type { Row } from './charts/common';
export { paramImportance, epsilonSquared, IMPORTANCE_METHOD, IMPORTANCE_LIMITS } from './importance';
export { renderReportHtml, renderDashboardIndex, renderDashboardStudyPage } from './html';
export { escapeHtml, jsonForScript } from './escape';
export { startDashboard } from './dashboard';
export type { Dashboard, DashboardOptions } from './dashboard';

/** The storage `vaekit studies` uses when none is given. */
export const DEFAULT_STORAGE = `sqlite:${path.join('out', 'studies.db')}`;

/**
 * Opens the storage of a read-only command, read-only (nothing is written to it: see OpenStorageOptions);
 * a SQLite file that does not exist is a user error (exit 2), not a new empty file.
 */
export async function openExistingStorage(url: string, command: string): Promise<VaekitStorage> {
  const target = parseStorageUrl(url, { defaultSqlitePath: path.join('out', 'studies.db') });
  if (target.kind === 'sqlite' && target.path !== ':memory:' && !fs.existsSync(target.path)) {
    throw new UsageError(`vaekit ${command}: no study storage at ${printable(url)} (${printable(target.path)} does not exist; run vaekit search first, or pass --storage URL)`);
  }
  return openStorage(url, { defaultSqlitePath: path.join('out', 'studies.db') }, { readOnly: true });
}

/** Reads one study's info and trials from a storage for a report, or throws a user error naming the study and the storage. */
export async function readStudyForReport(storage: VaekitStorage, name: string, url: string, command: string): Promise<{ info: StudyInfo; trials: FrozenTrial[] }> {
  const st = await storage.getStudy(name);
  if (!st) {
    const names = (await storage.listStudies()).map((s) => s.name);
    throw new UsageError(
      `vaekit ${command}: no study "${printable(name)}" in storage ${printable(redactStorageUrl(url))}` + (names.length ? ` (it holds: ${names.slice(0, 20).map(printable).join(', ')}${names.length > 20 ? ', …' : ''})` : ' (it holds no studies)'),
    );
  }
  return {
    info: { name: st.name, direction: st.direction, ...(st.directions?.length > 1 ? { directions: st.directions } : {}), attrs: st.attrs ?? {}, storage: redactStorageUrl(url) },
    trials: await storage.getTrials(st.id),
  };
}

/** A file name made from a study name (the storage allows any string). */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^\.*$/.test(s) ? '_' + s : s;
}

/** Where `vaekit report` writes by default: beside a SQLite storage, in STUDY/report.html as `vaekit search` does; else out/STUDY/report.html. */
export function defaultReportPath(url: string, study: string): string {
  const target = parseStorageUrl(url, { defaultSqlitePath: path.join('out', 'studies.db') });
  const dir = target.kind === 'sqlite' && target.path !== ':memory:' ? path.dirname(target.path) : path.resolve('out');
  return path.join(dir, safeFileName(study), 'report.html');
}

/** Writes a study's report, with the given sections (see ReportSections); returns the file's path. */
export function writeReportFile(file: string, info: StudyInfo, trials: FrozenTrial[], options: ReportDataOptions = {}): { file: string; data: ReportData } {
  const data = buildReportData(info, trials, options);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, renderReportHtml(data));
  return { file: path.resolve(file), data };
}

export interface ReportArgs {
  study: string;
  storage?: string;
  out?: string;
  /** The sections to add (see ReportSections); none by default. */
  sections?: SectionsOption;
}

/**
 * Checks a report file named on the command line before the storage is opened: not empty, not in
 * /proc, /sys or /dev, not a folder or another non-regular file, its parent (when it exists) a folder.
 */
export function checkReportOut(file: string): void {
  if (!file.trim()) throw new UsageError('vaekit report: --out: the path is empty (expected an HTML file to write)');
  const abs = path.resolve(file);
  let real = abs;
  const tail: string[] = [];
  for (let head = abs; ; ) {
    try {
      real = path.join(fs.realpathSync(head), ...tail.reverse());
      break;
    } catch {
      const up = path.dirname(head);
      if (up === head) break;
      tail.push(path.basename(head));
      head = up;
    }
  }
  for (const d of ['/proc', '/sys', '/dev']) {
    for (const p of [abs, real]) {
      if (p === d || p.startsWith(d + '/')) throw new UsageError(`vaekit report: --out ${file}: ${d} is a system folder, not a place to write a report to`);
    }
  }
  const stat = (p: string) => {
    try {
      return fs.statSync(p);
    } catch {
      return undefined;
    }
  };
  const st = stat(abs);
  if (st?.isDirectory()) throw new UsageError(`vaekit report: --out ${file}: is a folder (expected an HTML file name, such as ${path.join(file, 'report.html')})`);
  if (st && !st.isFile()) throw new UsageError(`vaekit report: --out ${file}: exists and is not a regular file`);
  for (let p = path.dirname(abs); ; p = path.dirname(p)) {
    const s = stat(p);
    if (s) {
      if (!s.isDirectory()) throw new UsageError(`vaekit report: --out ${file}: ${p} is not a folder`);
      return;
    }
    if (path.dirname(p) === p) return;
  }
}

/** True when two paths name the same file (after resolving links); false when either is missing. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

/** `vaekit report --study NAME [--storage URL] [--out FILE]`. */
export async function runReport(a: ReportArgs): Promise<string> {
  const url = a.storage ?? DEFAULT_STORAGE;
  if (a.out !== undefined) {
    checkReportOut(a.out);
    // Writing the report over the study database would destroy every study in it.
    const target = parseStorageUrl(url, { defaultSqlitePath: path.join('out', 'studies.db') });
    if (target.kind === 'sqlite' && target.path !== ':memory:' && sameFile(a.out, target.path)) {
      throw new UsageError(`vaekit report: --out ${a.out}: is the study database itself (choose another file name, such as report.html)`);
    }
  }
  const storage = await openExistingStorage(url, 'report');
  try {
    const { info, trials } = await readStudyForReport(storage, a.study, url, 'report');
    const { file } = writeReportFile(a.out ?? defaultReportPath(url, a.study), info, trials, { sections: a.sections });
    return file;
  } finally {
    await storage.close();
  }
}
