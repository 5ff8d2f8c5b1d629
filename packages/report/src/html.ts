/**
 * The HTML pages: the self-contained report file (vega, vega-lite, the client script and the
 * data all inlined) and the dashboard's pages (which load the same bundles from the server).
 */
import * as fs from 'fs';
import { CLIENT_CSS, clientScript } from './assets';
import type { ReportData, StudyListItem } from './types';
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

function head(title: string, nonce?: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style${nonceAttr(nonce)}>${CLIENT_CSS}</style>
</head>`;
}

/** ` nonce="…"` for a script or style element when a nonce is given. */
function nonceAttr(nonce: string | undefined): string {
  return nonce ? ` nonce="${escapeHtml(nonce)}"` : '';
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
<script>${inlineScript(clientScript())}</script>
<script type="application/json" id="vaekit-data">${jsonForScript(data)}</script>
<script>
window.vaekitRender(document.getElementById('app'), JSON.parse(document.getElementById('vaekit-data').textContent));
</script>
</body>
</html>
`;
}

/**
 * The dashboard's page of one study: the client polls /api/study/NAME every second and redraws when anything changed.
 * `nonce`: the Content-Security-Policy nonce its scripts and style carry.
 */
export function renderDashboardStudyPage(name: string, nonce?: string): string {
  return `${head(`vaekit study ${name}`, nonce)}
<body>
<header>
<h1>Study ${escapeHtml(name)}</h1>
<div class="meta"><a href="/">all studies</a> · <span class="status" id="status">loading…</span></div>
</header>
<main id="app"></main>
<script${nonceAttr(nonce)} src="/assets/vega.min.js"></script>
<script${nonceAttr(nonce)} src="/assets/vega-lite.min.js"></script>
<script${nonceAttr(nonce)} src="/assets/client.js"></script>
<script type="application/json" id="vaekit-study">${jsonForScript(name)}</script>
<script${nonceAttr(nonce)}>
window.vaekitLiveStudy(JSON.parse(document.getElementById('vaekit-study').textContent), document.getElementById('app'), document.getElementById('status'));
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
      const multi = (s.directions?.length ?? 1) > 1;
      const best = multi
        ? s.front?.length
          ? `front: trial${s.front.length > 1 ? 's' : ''} ${s.front.map((f) => f.number).join(', ')}`
          : '—'
        : s.best
          ? `trial ${s.best.number}: ${+s.best.value.toPrecision(6)}`
          : '—';
      return (
        `<tr><td><a href="/study/${escapeHtml(encodeURIComponent(s.name))}">${escapeHtml(s.name)}</a></td><td>${escapeHtml(multi ? s.directions.join(', ') : s.direction)}</td>` +
        `<td>${c.COMPLETE ?? 0}</td><td>${c.PRUNED ?? 0}</td><td>${c.FAIL ?? 0}</td><td>${c.RUNNING ?? 0}</td>` +
        `<td>${escapeHtml(best)}</td></tr>`
      );
    })
    .join('\n');
}

/**
 * The dashboard's index: the studies in the storage, refreshed every 2 s by the client (the rows are built with textContent).
 * `storage` is shown as given: pass it without secrets (redactStorageUrl). `nonce`: see renderDashboardStudyPage.
 */
export function renderDashboardIndex(studies: StudyListItem[], storage: string, nonce?: string): string {
  return `${head('vaekit studies', nonce)}
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
<script${nonceAttr(nonce)} src="/assets/client.js"></script>
<script${nonceAttr(nonce)}>
window.vaekitLiveIndex(document.getElementById('rows'), document.getElementById('status'));
</script>
</body>
</html>
`;
}
