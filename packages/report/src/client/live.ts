/// <reference path="render.ts" />
/** The dashboard's pages: they poll the server and redraw when something changed. */
namespace VaekitClient {
  async function fetchText(url: string): Promise<string> {
    const r = await fetch(url, { cache: 'no-store' });
    const t = await r.text();
    if (!r.ok) throw new Error(t || r.statusText);
    return t;
  }

  function showStatus(status: HTMLElement, text: string, error: boolean): void {
    status.className = error ? 'status error' : 'status';
    status.textContent = text;
  }

  /** One study's page: polls /api/study/NAME every second and redraws `app` when anything but the time changed. */
  export function liveStudy(name: string, app: HTMLElement, status: HTMLElement): void {
    const url = '/api/study/' + encodeURIComponent(name);
    let last: string | null = null;
    const tick = async () => {
      try {
        const data = JSON.parse(await fetchText(url)) as ReportData;
        const generated = data.generatedAt;
        data.generatedAt = '';
        const key = JSON.stringify(data);
        if (key !== last) {
          last = key;
          render(app, data);
        }
        showStatus(status, 'live: ' + data.trials.length + ' trials, checked ' + new Date(generated).toLocaleTimeString(), false);
      } catch (e) {
        showStatus(status, 'update failed: ' + messageOf(e), true);
      }
      setTimeout(tick, 1000);
    };
    void tick();
  }

  function td(text: unknown): HTMLTableCellElement {
    return el('td', null, String(text));
  }

  /** The index: polls /api/studies every 2 s and rewrites the rows of `rows`. */
  export function liveIndex(rows: HTMLElement, status: HTMLElement): void {
    const tick = async () => {
      try {
        const list = JSON.parse(await fetchText('/api/studies')) as StudyListItem[];
        rows.textContent = '';
        if (!list.length) {
          const tr0 = el('tr');
          const e = td('no studies in this storage yet');
          e.colSpan = 7;
          e.className = 'empty';
          tr0.appendChild(e);
          rows.appendChild(tr0);
        }
        list.forEach((s) => {
          const tr = el('tr');
          const first = el('td');
          const a = el('a', null, s.name);
          a.setAttribute('href', '/study/' + encodeURIComponent(s.name));
          first.appendChild(a);
          tr.appendChild(first);
          const c = s.counts || {};
          const multi = s.directions && s.directions.length > 1;
          const best = multi
            ? s.front && s.front.length ? 'front: trial' + (s.front.length > 1 ? 's ' : ' ') + s.front.map((f) => f.number).join(', ') : '\u2014'
            : s.best ? 'trial ' + s.best.number + ': ' + +s.best.value.toPrecision(6) : '\u2014';
          [multi ? s.directions.join(', ') : s.direction, c.COMPLETE || 0, c.PRUNED || 0, c.FAIL || 0, c.RUNNING || 0, best].forEach((v) => tr.appendChild(td(v)));
          rows.appendChild(tr);
        });
        showStatus(status, 'live, checked ' + new Date().toLocaleTimeString(), false);
      } catch (e) {
        showStatus(status, 'update failed: ' + messageOf(e), true);
      }
      setTimeout(tick, 2000);
    };
    setTimeout(tick, 2000);
  }
}
