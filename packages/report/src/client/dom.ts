/**
 * The browser side of the report and the dashboard, compiled on its own (DOM library, no module
 * system) into one script that the pages inline or load. Every user string goes into the DOM
 * through textContent or setAttribute, never as markup.
 */
namespace VaekitClient {
  export type ReportData = import('../types').ReportData;
  export type ReportTrial = import('../types').ReportTrial;
  export type ChartSpec = import('../types').ChartSpec;
  export type SectionBlock = import('../types').SectionBlock;
  export type SectionView = import('../types').SectionView;
  export type StudyListItem = import('../types').StudyListItem;
  export type ParamValue = ReportTrial['params'][string];

  /** A new element with a class and text content. */
  export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string | null, text?: unknown): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  /** A number for the table and the headings: integers as they are, else 4 significant digits or 3 decimals. */
  export function fmt(v: unknown): string {
    if (v === null || v === undefined) return '\u2014';
    if (typeof v === 'number') {
      if (!isFinite(v)) return String(v);
      if (Number.isInteger(v)) return String(v);
      const a = Math.abs(v);
      return a >= 1000 || a < 0.01 ? v.toPrecision(4) : v.toFixed(3);
    }
    return String(v);
  }

  /** A parameter's value as the charts show it. */
  export function showParam(v: ParamValue | null): string {
    return typeof v === 'number' ? String(+v.toPrecision(5)) : v === null ? 'null' : String(v);
  }

  /** The message of anything thrown. */
  export function messageOf(e: unknown): string {
    return e && typeof e === 'object' && 'message' in e && (e as Error).message ? (e as Error).message : String(e);
  }
}
