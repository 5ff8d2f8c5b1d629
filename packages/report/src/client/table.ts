/// <reference path="dom.ts" />
/** The trials table: the study's columns, then the sections'; click a header to sort. */
namespace VaekitClient {
  type Cell = ParamValue | null | undefined;
  interface Column {
    key: string;
    label: string;
    text?: boolean;
    param?: boolean;
    get(t: ReportTrial): Cell;
  }

  let sortState = { key: 'number', dir: 1 };

  function columns(data: ReportData): Column[] {
    const cols: Column[] = [
      { key: 'number', label: 'trial', get: (t) => t.number },
      { key: 'state', label: 'state', text: true, get: (t) => t.state },
      { key: 'value', label: data.study.metric, get: (t) => t.value },
    ];
    data.params.forEach((p) => {
      cols.push({ key: 'p:' + p.name, label: p.name, text: p.type === 'categorical', get: (t) => (p.name in t.params ? t.params[p.name] : null), param: true });
    });
    data.columns.forEach((c) => {
      cols.push({ key: 'c:' + c.key, label: c.label, text: c.text, get: (t) => (c.key in t.columns ? t.columns[c.key] : null) });
    });
    cols.push({ key: 'steps', label: 'steps', get: (t) => t.curve.length });
    cols.push({ key: 'seconds', label: 'seconds', get: (t) => t.seconds });
    if (data.trials.some((t) => t.error)) cols.push({ key: 'error', label: 'error', text: true, get: (t) => t.error });
    return cols;
  }

  /** Missing values last, numbers by value, anything else as text (numerals by value). */
  function compare(a: Cell, b: Cell): number {
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }

  export function renderTable(box: HTMLElement, data: ReportData): void {
    box.textContent = '';
    const cols = columns(data);
    if (!cols.some((c) => c.key === sortState.key)) sortState = { key: 'number', dir: 1 };
    const table = el('table', 'trials');
    const thead = el('thead');
    const hr = el('tr');
    cols.forEach((c) => {
      const th = el('th', c.text ? 'text' : '', c.label);
      th.setAttribute('data-key', c.key);
      th.title = 'sort by ' + c.label;
      if (c.key === sortState.key) th.classList.add(sortState.dir > 0 ? 'sorted-asc' : 'sorted-desc');
      th.addEventListener('click', () => {
        sortState = { key: c.key, dir: sortState.key === c.key ? -sortState.dir : 1 };
        renderTable(box, data);
      });
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    const col = cols.filter((c) => c.key === sortState.key)[0];
    const rows = data.trials.slice().sort((a, b) => {
      const va = col.get(a);
      const vb = col.get(b);
      const nullA = va === null || va === undefined;
      const nullB = vb === null || vb === undefined;
      if (nullA || nullB) return compare(va, vb) || a.number - b.number;
      return sortState.dir * compare(va, vb) || a.number - b.number;
    });
    const tbody = el('tbody');
    rows.forEach((t) => {
      const tr = el('tr', data.best.indexOf(t.number) >= 0 ? 'best' : '');
      tr.setAttribute('data-trial', String(t.number));
      cols.forEach((c) => {
        const v = c.get(t);
        let td: HTMLTableCellElement;
        if (c.key === 'error') td = el('td', 'err', v || '');
        else if (c.key === 'state') td = el('td', 'text state-' + t.state, v);
        else td = el('td', c.text ? 'text' : '', c.param ? (v === null || v === undefined ? '\u2014' : showParam(v)) : fmt(v));
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
  }
}
