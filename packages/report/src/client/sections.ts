/// <reference path="charts.ts" />
/** The sections' views: their blocks drawn as elements, their style rules in one style element. */
namespace VaekitClient {
  function renderBlock(parent: HTMLElement, data: ReportData, view: SectionView, b: SectionBlock): void {
    switch (b.type) {
      case 'text':
        parent.appendChild(el('p', b.className ?? null, b.text));
        return;
      case 'heading':
        parent.appendChild(el('h3', null, b.text));
        return;
      case 'chart': {
        const c = data.charts.filter((x) => x.id === b.chart && x.section === view.id)[0];
        if (c) chartBox(parent, c);
        else parent.appendChild(el('div', 'chart-error', 'no chart ' + b.chart));
        return;
      }
      case 'list': {
        const ul = el('ul', b.className ?? null);
        b.items.forEach((item) => ul.appendChild(el('li', null, item)));
        parent.appendChild(ul);
        return;
      }
      case 'group': {
        const div = el('div', b.className ?? null);
        parent.appendChild(div);
        b.blocks.forEach((x) => renderBlock(div, data, view, x));
        return;
      }
      case 'html': {
        const div = el('div', 'section-html');
        div.innerHTML = b.html;
        parent.appendChild(div);
        return;
      }
    }
  }

  /** The style rules of the sections in `data`, in a style element of the document's head. */
  export function sectionStyles(data: ReportData): void {
    let style = document.getElementById('vaekit-section-css');
    if (!style) {
      style = document.createElement('style');
      style.id = 'vaekit-section-css';
      document.head.appendChild(style);
    }
    const css = data.sections.map((s) => s.css ?? '').join('\n');
    if (style.textContent !== css) style.textContent = css;
  }

  /** A section element with a heading and a note, appended to `root`. */
  export function section(root: HTMLElement, id: string, title: string, note?: string | null): HTMLElement {
    const s = el('section');
    s.id = id;
    s.appendChild(el('h2', null, title));
    if (note) s.appendChild(el('p', 'note', note));
    root.appendChild(s);
    return s;
  }

  /** The views of the sections placed at `place`. */
  export function renderSections(root: HTMLElement, data: ReportData, place: SectionView['place']): void {
    data.sections
      .filter((v) => v.place === place)
      .forEach((v) => {
        const s = section(root, v.id, v.title, v.note);
        s.setAttribute('data-section', v.id);
        v.blocks.forEach((b) => renderBlock(s, data, v, b));
      });
  }
}
