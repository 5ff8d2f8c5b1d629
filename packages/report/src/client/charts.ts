/// <reference path="dom.ts" />
/** Drawing the Vega-Lite charts, and forgetting them before the page is drawn again. */
namespace VaekitClient {
  let views: vega.View[] = [];
  let pending: Array<Promise<unknown>> = [];

  /** Finalises the charts drawn so far (before the page is drawn again). */
  export function resetCharts(): void {
    views.forEach((v) => {
      try {
        v.finalize();
      } catch {
        /* already gone */
      }
    });
    views = [];
    pending = [];
  }

  /** Resolves when every chart started so far is drawn (or failed). */
  export function chartsDrawn(): Promise<unknown> {
    return Promise.all(pending);
  }

  function renderChart(container: HTMLElement, spec: unknown): void {
    const error = (err: unknown) => {
      container.textContent = '';
      container.appendChild(el('div', 'chart-error', 'chart failed: ' + messageOf(err)));
    };
    try {
      const compiled = vegaLite.compile(spec).spec;
      const view = new vega.View(vega.parse(compiled), { renderer: 'svg', container, hover: true });
      views.push(view);
      pending.push(view.runAsync().catch(error));
    } catch (err) {
      error(err);
    }
  }

  export function chartsOf(data: ReportData, section: string): ChartSpec[] {
    return data.charts.filter((c) => c.section === section);
  }

  /** A box holding one chart (marked with data-chart = its id), appended to `parent`. */
  export function chartBox(parent: HTMLElement, c: ChartSpec): HTMLElement {
    const box = el('div', 'chart');
    box.setAttribute('data-chart', c.id);
    parent.appendChild(box);
    renderChart(box, c.spec);
    return box;
  }
}
