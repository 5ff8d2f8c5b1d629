/**
 * The HTML pages: the self-contained report file (vega, vega-lite, the client script and the
 * data all inlined) and the dashboard's pages (which load the same bundles from the server).
 */
import * as fs from 'fs';
import { CLIENT_CSS, CLIENT_JS } from './client';
import type { ReportData, StudyListItem } from './data';
import { escapeHtml, inlineScript, jsonForScript } from './escape';

let bundles: { vega: string; vegaLite: string } | undefined;

/** The vega and vega-lite browser bundles (UMD builds defining the globals `vega` and `vegaLite`). */
export function vegaBundles(): { vega: string; vegaLite: string } {
  if (!bundles) {
    bundles = {
      vega: fs.readFileSync(require.resolve('vega/build/vega.min.js'), 'utf8'),
      vegaLite: fs.readFileSync(require.resolve('vega-lite/build/vega-lite.min.js'), 'utf8'),
    };
  }
  return bundles;
}

function head(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${CLIENT_CSS}</style>
</head>`;
}

function metaLine(d: ReportData['study'], generatedAt: string): string {
  const parts = [
    `${escapeHtml(d.direction)} ${escapeHtml(d.metric)}`,
    d.config ? `config ${escapeHtml(d.config)}` : '',
    d.storage ? `storage ${escapeHtml(d.storage)}` : '',
    `generated ${escapeHtml(generatedAt)}`,
  ].filter(Boolean);
  return parts.join(' · ');
}

/** The report of one study as one self-contained HTML file (no network needed to view it). */
export function renderReportHtml(data: ReportData): string {
  const b = vegaBundles();
  return `${head(`vaekit study ${data.study.name}`)}
<body>
<header>
<h1>Study ${escapeHtml(data.study.name)}</h1>
<div class="meta">${metaLine(data.study, data.generatedAt)}</div>
</header>
<main id="app"><noscript>The charts and the table need JavaScript.</noscript></main>
<script>${inlineScript(b.vega)}</script>
<script>${inlineScript(b.vegaLite)}</script>
<script>${inlineScript(CLIENT_JS)}</script>
<script type="application/json" id="vaekit-data">${jsonForScript(data)}</script>
<script>
window.vaekitRender(document.getElementById('app'), JSON.parse(document.getElementById('vaekit-data').textContent));
</script>
</body>
</html>
`;
}

/** The dashboard's page of one study: it polls /api/study/NAME every second and re-renders when anything changed. */
export function renderDashboardStudyPage(name: string): string {
  return `${head(`vaekit study ${name}`)}
<body>
<header>
<h1>Study ${escapeHtml(name)}</h1>
<div class="meta"><a href="/">all studies</a> · <span class="status" id="status">loading…</span></div>
</header>
<main id="app"></main>
<script src="/assets/vega.min.js"></script>
<script src="/assets/vega-lite.min.js"></script>
<script src="/assets/client.js"></script>
<script type="application/json" id="vaekit-study">${jsonForScript(name)}</script>
<script>
(function () {
  var name = JSON.parse(document.getElementById('vaekit-study').textContent);
  var url = '/api/study/' + encodeURIComponent(name);
  var status = document.getElementById('status');
  var app = document.getElementById('app');
  var last = null;
  function tick() {
    fetch(url, { cache: 'no-store' })
      .then(function (r) { return r.text().then(function (t) { if (!r.ok) throw new Error(t || r.statusText); return t; }); })
      .then(function (text) {
        var data = JSON.parse(text);
        var generated = data.generatedAt;
        data.generatedAt = '';
        var key = JSON.stringify(data);
        if (key !== last) { last = key; window.vaekitRender(app, data); }
        status.className = 'status';
        status.textContent = 'live: ' + data.trials.length + ' trials, checked ' + new Date(generated).toLocaleTimeString();
      })
      .catch(function (e) { status.className = 'status error'; status.textContent = 'update failed: ' + (e && e.message ? e.message : String(e)); })
      .then(function () { setTimeout(tick, 1000); });
  }
  tick();
})();
</script>
</body>
</html>
`;
}

function studyRows(studies: StudyListItem[]): string {
  if (!studies.length) return '<tr><td colspan="7" class="empty">no studies in this storage yet</td></tr>';
  return studies
    .map((s) => {
      const c = s.counts;
      return (
        `<tr><td><a href="/study/${escapeHtml(encodeURIComponent(s.name))}">${escapeHtml(s.name)}</a></td><td>${escapeHtml(s.direction)}</td>` +
        `<td>${c.COMPLETE ?? 0}</td><td>${c.PRUNED ?? 0}</td><td>${c.FAIL ?? 0}</td><td>${c.RUNNING ?? 0}</td>` +
        `<td>${s.best ? `trial ${s.best.number}: ${escapeHtml(+s.best.value.toPrecision(6))}` : '—'}</td></tr>`
      );
    })
    .join('\n');
}

/** The dashboard's index: the studies in the storage, refreshed every 2 s (the rows are built with textContent). */
export function renderDashboardIndex(studies: StudyListItem[], storage: string): string {
  return `${head('vaekit studies')}
<body>
<header>
<h1>vaekit studies</h1>
<div class="meta">storage ${escapeHtml(storage)} · <span class="status" id="status">live</span></div>
</header>
<main>
<section>
<table class="studies">
<thead><tr><th>study</th><th>direction</th><th>complete</th><th>pruned</th><th>failed</th><th>running</th><th>best</th></tr></thead>
<tbody id="rows">
${studyRows(studies)}
</tbody>
</table>
</section>
</main>
<script>
(function () {
  var rows = document.getElementById('rows');
  var status = document.getElementById('status');
  function td(text) { var e = document.createElement('td'); e.textContent = String(text); return e; }
  function tick() {
    fetch('/api/studies', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(r.statusText); return r.json(); })
      .then(function (list) {
        rows.textContent = '';
        if (!list.length) { var tr0 = document.createElement('tr'); var e = td('no studies in this storage yet'); e.colSpan = 7; e.className = 'empty'; tr0.appendChild(e); rows.appendChild(tr0); }
        list.forEach(function (s) {
          var tr = document.createElement('tr');
          var first = document.createElement('td');
          var a = document.createElement('a');
          a.setAttribute('href', '/study/' + encodeURIComponent(s.name));
          a.textContent = s.name;
          first.appendChild(a);
          tr.appendChild(first);
          var c = s.counts || {};
          [s.direction, c.COMPLETE || 0, c.PRUNED || 0, c.FAIL || 0, c.RUNNING || 0, s.best ? 'trial ' + s.best.number + ': ' + (+s.best.value.toPrecision(6)) : '\u2014'].forEach(function (v) { tr.appendChild(td(v)); });
          rows.appendChild(tr);
        });
        status.className = 'status'; status.textContent = 'live, checked ' + new Date().toLocaleTimeString();
      })
      .catch(function (e) { status.className = 'status error'; status.textContent = 'update failed: ' + (e && e.message ? e.message : String(e)); })
      .then(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 2000);
})();
</script>
</body>
</html>
`;
}
