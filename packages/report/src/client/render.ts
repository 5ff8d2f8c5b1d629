/// <reference path="table.ts" />
/// <reference path="sections.ts" />
/** The page of one study: summary, the study's charts, the sections' views, the trials table, the best trials. */
namespace VaekitClient {
  function trialOf(data: ReportData, n: number): ReportTrial {
    return data.trials.filter((t) => t.number === n)[0];
  }

  function renderBest(sec: HTMLElement, data: ReportData): void {
    if (!data.best.length) {
      sec.appendChild(el('p', 'empty', 'No trial has completed yet.'));
      return;
    }
    data.best.forEach((n, rank) => {
      const t = trialOf(data, n);
      const box = el('div', 'best-trial');
      box.appendChild(el('h3', null, '#' + (rank + 1) + ': trial ' + t.number + ', ' + valuesText(data, t)));
      box.appendChild(el('div', 'params', Object.keys(t.params).map((k) => k + ' = ' + showParam(t.params[k])).join(',  ')));
      if (t.images) {
        const pics = el('div', 'pics');
        t.images.forEach((p) => {
          const fig = el('figure');
          const img = el('img');
          img.setAttribute('alt', p.name + ' of trial ' + t.number);
          img.setAttribute('src', p.src);
          fig.appendChild(img);
          fig.appendChild(el('figcaption', null, p.name));
          pics.appendChild(fig);
        });
        box.appendChild(pics);
      }
      if (t.missingImages && t.missingImages.length) box.appendChild(el('p', 'note', 'not found in the trial folder: ' + t.missingImages.join(', ')));
      sec.appendChild(box);
    });
  }

  /** "metric = value", or for a multi-objective study "m1 = v1, m2 = v2". */
  function valuesText(data: ReportData, t: ReportTrial): string {
    const ms = data.study.metrics;
    if (ms && t.values) return ms.map((m, i) => m + ' = ' + fmt(t.values![i])).join(', ');
    return data.study.metric + ' = ' + fmt(t.value);
  }

  /** The summary's last sentence: the best trial, or the Pareto front of a multi-objective study. */
  function bestText(data: ReportData): string {
    if (data.front !== undefined) {
      const f = data.front;
      if (!f || !f.trials.length) return 'No trial has completed yet.';
      return 'Pareto front (' + data.study.metrics!.map((m, i) => data.study.directions![i] + ' ' + m).join(', ') + '): ' + f.trials.length + ' trial' + (f.trials.length > 1 ? 's' : '') +
        ' (' + f.trials.join(', ') + '); hypervolume ' + fmt(f.hypervolume) + '.';
    }
    const best = data.best.length ? trialOf(data, data.best[0]) : null;
    return best ? 'Best: trial ' + best.number + ', ' + data.study.metric + ' = ' + fmt(best.value) + ' (' + data.study.direction + ').' : 'No trial has completed yet.';
  }

  /** Draws the report of `data` into `root`, replacing what was there. */
  export function render(root: HTMLElement, data: ReportData): void {
    resetCharts();
    // Keep the page's height while the charts are redrawn, so a live update does not move the scroll position.
    if (root.offsetHeight) root.style.minHeight = root.offsetHeight + 'px';
    root.textContent = '';
    sectionStyles(data);
    const c = data.counts;
    const summary = el('section');
    summary.id = 'summary';
    summary.appendChild(el('h2', null, 'Summary'));
    summary.appendChild(
      el(
        'p',
        null,
        data.trials.length + ' trials: ' + (c.COMPLETE || 0) + ' complete, ' + (c.PRUNED || 0) + ' pruned, ' + (c.FAIL || 0) + ' failed, ' + (c.RUNNING || 0) + ' running. ' +
          bestText(data),
      ),
    );
    root.appendChild(summary);

    const hist = section(root, 'history', 'Optimisation history',
      'Each trial\u2019s objective (' + data.study.metric + '); the green step line is the best so far. Pruned trials are orange triangles at their last reported value; failed trials are red dashed vertical rules (hover for the error).');
    chartsOf(data, 'history').forEach((ch) => chartBox(hist, ch));

    const imp = section(root, 'importance', 'Parameter importance', data.importance.method);
    imp.appendChild(el('p', 'note', data.importance.limits));
    const impCharts = chartsOf(data, 'importance');
    const notEstimable = data.importance.items.filter((i) => !i.estimable).map((i) => i.param + ' (' + i.n + ' trials in ' + i.groups + ' groups)');
    if (data.importance.trials < 3 || !impCharts.length) imp.appendChild(el('p', 'empty', 'Needs at least 3 completed trials (' + data.importance.trials + ' so far).'));
    else impCharts.forEach((ch) => chartBox(imp, ch));
    if (notEstimable.length && data.importance.trials >= 3) imp.appendChild(el('p', 'note', 'Too few trials per group to estimate (shown as 0): ' + notEstimable.join(', ') + '.'));

    const sl = section(root, 'slices', 'Slice plots', 'Each searched parameter against the objective, completed trials only, coloured by trial number (later trials are yellow).');
    const grid = el('div', 'grid');
    sl.appendChild(grid);
    const slices = chartsOf(data, 'slice');
    if (!slices.length) sl.appendChild(el('p', 'empty', 'No searched parameters.'));
    slices.forEach((ch) => {
      const cell = el('div', 'slice');
      cell.appendChild(el('h3', null, ch.title));
      grid.appendChild(cell);
      chartBox(cell, ch);
    });

    const pc = section(root, 'parallel', 'Parallel coordinates', 'One line per completed trial through each parameter (scaled to its range; log parameters on a log scale; categorical choices evenly spaced) and the objective, coloured by the objective.');
    const pcs = chartsOf(data, 'parallel');
    if (!pcs.length) pc.appendChild(el('p', 'empty', 'No completed trials yet.'));
    pcs.forEach((ch) => chartBox(pc, ch));

    renderSections(root, data, 'analysis');

    const lc = section(root, 'curves', 'Learning curves', 'The values each trial reported per step (the pruner\u2019s input); dashed: pruned, dotted: failed.');
    const lcs = chartsOf(data, 'curves');
    if (!lcs.length) lc.appendChild(el('p', 'empty', 'No intermediate values reported yet.'));
    lcs.forEach((ch) => chartBox(lc, ch));

    const tb = section(root, 'trials', 'Trials', 'Click a column header to sort; click again to reverse. Best trials are shaded.');
    const tbox = el('div', 'table-box');
    tb.appendChild(tbox);
    renderTable(tbox, data);

    const which = data.front !== undefined ? data.best.length + ' trials along the Pareto front (its ends and its middle)' : 'The ' + data.best.length + ' best completed trials';
    const bt = section(root, 'best', 'Best trials', which + (data.pictureNotes.length ? ': ' + data.pictureNotes.join('; ') : '') + '.');
    renderBest(bt, data);

    renderSections(root, data, 'end');
    void chartsDrawn().then(() => {
      root.style.minHeight = '';
    });
  }
}
