/**
 * The browser side of the report and the dashboard, as text inlined in the page: it renders the
 * Vega-Lite specs of a ReportData (with the inlined vega and vega-lite bundles), the trials table
 * and the best trials' pictures. Every user string goes into the DOM through textContent or an
 * attribute set with setAttribute, never through innerHTML. Plain ES2017, no template literals.
 */
export const CLIENT_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #243447; color: #fff; padding: 14px 28px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; word-break: break-all; }
header .meta { color: #c8d3df; font-size: 13px; margin-top: 4px; }
header a { color: #9cc8ff; }
main { padding: 8px 28px 40px; max-width: 1500px; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 12px 18px 16px; margin: 16px 0; }
section h2 { font-size: 17px; margin: 2px 0 6px; }
section p.note { color: #555; font-size: 12.5px; margin: 4px 0 10px; max-width: 1100px; }
.grid { display: flex; flex-wrap: wrap; gap: 12px 20px; }
.slice h3 { font-size: 13px; margin: 4px 0; font-weight: 600; word-break: break-all; }
.latent-summary h3, .latent-trial h3 { font-size: 13px; margin: 4px 0; font-weight: 600; }
.latent-trial h3 { max-width: 380px; overflow-wrap: anywhere; }
.latent-grid { gap: 14px 28px; }
.latent-summary { margin-bottom: 14px; }
ul.latent-missing { font-size: 12.5px; color: #555; margin: 2px 0; }
.chart { overflow-x: auto; }
.table-box { overflow-x: auto; }
.chart-error { color: #b00020; white-space: pre-wrap; font-family: monospace; }
table.trials { border-collapse: collapse; font-size: 12.5px; width: 100%; }
table.trials th, table.trials td { border-bottom: 1px solid #eee; padding: 4px 8px; text-align: right; white-space: nowrap; }
table.trials th { cursor: pointer; user-select: none; background: #f3f5f7; position: sticky; top: 0; }
table.trials th.sorted-asc::after { content: " \\25B2"; font-size: 9px; }
table.trials th.sorted-desc::after { content: " \\25BC"; font-size: 9px; }
table.trials td.text, table.trials th.text { text-align: left; }
table.trials td.err { color: #b00020; white-space: normal; min-width: 240px; max-width: 420px; text-align: left; }
table.trials tr.best td { background: #eef7ee; }
.state-COMPLETE { color: #1f77b4; } .state-PRUNED { color: #d46a00; } .state-FAIL { color: #d62728; } .state-RUNNING { color: #666; }
.best-trial { margin: 10px 0 18px; }
.best-trial h3 { font-size: 14px; margin: 4px 0; }
.best-trial .params { color: #555; font-size: 12px; margin-bottom: 6px; word-break: break-all; }
.pics { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.pics figure { margin: 0; }
.pics figcaption { font-size: 12px; color: #555; }
.pics img { image-rendering: pixelated; border: 1px solid #ddd; max-width: 100%; }
.status { font-size: 12px; color: #c8d3df; }
.status.error { color: #ffb4b4; }
table.studies { border-collapse: collapse; }
table.studies td, table.studies th { padding: 5px 12px; border-bottom: 1px solid #eee; text-align: left; }
.empty { color: #777; font-style: italic; }
`;

export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var views = [];
  var pending = [];
  var sortState = { key: 'number', dir: 1 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined) return '\u2014';
    if (typeof v === 'number') {
      if (!isFinite(v)) return String(v);
      if (Number.isInteger(v)) return String(v);
      var a = Math.abs(v);
      return a >= 1000 || a < 0.01 ? v.toPrecision(4) : v.toFixed(3);
    }
    return String(v);
  }
  function showParam(v) { return typeof v === 'number' ? String(+v.toPrecision(5)) : v === null ? 'null' : String(v); }

  function renderChart(container, spec) {
    var error = function (err) {
      var msg = err && err.message ? err.message : String(err);
      container.textContent = '';
      container.appendChild(el('div', 'chart-error', 'chart failed: ' + msg));
    };
    try {
      var compiled = vegaLite.compile(spec).spec;
      var view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: container, hover: true });
      views.push(view);
      pending.push(view.runAsync().catch(error));
    } catch (err) { error(err); }
  }

  function section(root, id, title, note) {
    var s = el('section');
    s.id = id;
    s.appendChild(el('h2', null, title));
    if (note) s.appendChild(el('p', 'note', note));
    root.appendChild(s);
    return s;
  }

  function chartsOf(data, sec) { return data.charts.filter(function (c) { return c.section === sec; }); }
  function chartBox(parent, c) {
    var box = el('div', 'chart');
    box.setAttribute('data-chart', c.id);
    parent.appendChild(box);
    renderChart(box, c.spec);
    return box;
  }

  function columns(data) {
    var cols = [
      { key: 'number', label: 'trial', get: function (t) { return t.number; } },
      { key: 'state', label: 'state', text: true, get: function (t) { return t.state; } },
      { key: 'value', label: data.study.metric, get: function (t) { return t.value; } }
    ];
    data.params.forEach(function (p) {
      cols.push({ key: 'p:' + p.name, label: p.name, text: p.type === 'categorical', get: function (t) { return p.name in t.params ? t.params[p.name] : null; }, param: true });
    });
    var has = function (k) { return data.trials.some(function (t) { return t.metrics && typeof t.metrics[k] === 'number'; }); };
    [['negElbo', '\u2212ELBO'], ['recon', 'recon'], ['kl', 'KL'], ['activeUnits', 'active units'], ['mutualInfo', 'MI'], ['rocAuc', 'ROC-AUC'], ['prAuc', 'PR-AUC']].forEach(function (m) {
      if (m[0] !== data.study.metric && has(m[0])) cols.push({ key: 'm:' + m[0], label: m[1], get: function (t) { return t.metrics ? (t.metrics[m[0]] === undefined ? null : t.metrics[m[0]]) : null; } });
    });
    cols.push({ key: 'steps', label: 'steps', get: function (t) { return t.curve.length; } });
    cols.push({ key: 'seconds', label: 'seconds', get: function (t) { return t.seconds; } });
    if (data.trials.some(function (t) { return t.error; })) cols.push({ key: 'error', label: 'error', text: true, get: function (t) { return t.error; } });
    return cols;
  }

  function compare(a, b) {
    var an = a === null || a === undefined, bn = b === null || b === undefined;
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }

  function renderTable(box, data) {
    box.textContent = '';
    var cols = columns(data);
    if (!cols.some(function (c) { return c.key === sortState.key; })) sortState = { key: 'number', dir: 1 };
    var table = el('table', 'trials');
    var thead = el('thead');
    var hr = el('tr');
    cols.forEach(function (c) {
      var th = el('th', c.text ? 'text' : '', c.label);
      th.setAttribute('data-key', c.key);
      th.title = 'sort by ' + c.label;
      if (c.key === sortState.key) th.classList.add(sortState.dir > 0 ? 'sorted-asc' : 'sorted-desc');
      th.addEventListener('click', function () {
        sortState = { key: c.key, dir: sortState.key === c.key ? -sortState.dir : 1 };
        renderTable(box, data);
      });
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var col = cols.filter(function (c) { return c.key === sortState.key; })[0];
    var rows = data.trials.slice().sort(function (a, b) {
      var va = col.get(a), vb = col.get(b);
      var nullA = va === null || va === undefined, nullB = vb === null || vb === undefined;
      if (nullA || nullB) return compare(va, vb) || a.number - b.number;
      return sortState.dir * compare(va, vb) || a.number - b.number;
    });
    var tbody = el('tbody');
    rows.forEach(function (t) {
      var tr = el('tr', data.best.indexOf(t.number) >= 0 ? 'best' : '');
      tr.setAttribute('data-trial', String(t.number));
      cols.forEach(function (c) {
        var v = c.get(t);
        var td;
        if (c.key === 'error') td = el('td', 'err', v || '');
        else if (c.key === 'state') td = el('td', 'text state-' + t.state, v);
        else td = el('td', c.text ? 'text' : '', c.param ? (v === null ? '\u2014' : showParam(v)) : fmt(v));
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
  }

  function renderBest(sec, data) {
    if (!data.best.length) { sec.appendChild(el('p', 'empty', 'No trial has completed yet.')); return; }
    data.best.forEach(function (n, rank) {
      var t = data.trials.filter(function (x) { return x.number === n; })[0];
      var box = el('div', 'best-trial');
      box.appendChild(el('h3', null, '#' + (rank + 1) + ': trial ' + t.number + ', ' + data.study.metric + ' = ' + fmt(t.value)));
      box.appendChild(el('div', 'params', Object.keys(t.params).map(function (k) { return k + ' = ' + showParam(t.params[k]); }).join(',  ')));
      var pics = el('div', 'pics');
      ['reconstructions', 'samples', 'traversals'].forEach(function (name) {
        var src = t.images && t.images[name];
        if (!src) return;
        var fig = el('figure');
        var img = el('img');
        img.setAttribute('alt', name + ' of trial ' + t.number);
        img.setAttribute('src', src);
        fig.appendChild(img);
        fig.appendChild(el('figcaption', null, name));
        pics.appendChild(fig);
      });
      box.appendChild(pics);
      if (t.missingImages && t.missingImages.length) box.appendChild(el('p', 'note', 'not found in the trial folder: ' + t.missingImages.join(', ')));
      sec.appendChild(box);
    });
  }

  function renderLatent(root, data) {
    var L = data.latent;
    var base = L.baseline === null ? null : data.trials.filter(function (t) { return t.number === L.baseline; })[0];
    var sec = section(root, 'latent', 'Latent usage',
      'Posterior collapse made visible: for each trial, the KL divergence of each latent dimension from the prior on the validation split, per epoch (one colour scale for every trial, in nats; a dark row is a dimension the encoder does not use). ' +
      'Under each heat map: the active units per epoch (dimensions whose posterior mean varies across inputs, Cov_x E[z_d|x] > 0.01; Burda et al. 2016) and the mutual information I(x;z) between inputs and code, when measured.');
    var bars = chartsOf(data, 'latent-summary');
    if (bars.length) {
      var sum = el('div', 'latent-summary');
      sum.appendChild(el('h3', null, bars[0].title));
      sum.appendChild(el('p', 'note', base
        ? 'The dashed rule is trial ' + base.number + ', whose searched parameters are all off (' + Object.keys(base.params).map(function (k) { return k + '=' + showParam(base.params[k]); }).join(', ') + '): the no-remedy run. Green bars keep more dimensions in use than it does, light blue as many, red fewer. I(x;z) at the last epoch is printed beside each bar: with every dimension above the threshold, it (and the heat maps) still tell the runs apart.'
        : 'By trial number.'));
      sec.appendChild(sum);
      chartBox(sum, bars[0]);
    }
    var grid = el('div', 'grid latent-grid');
    sec.appendChild(grid);
    chartsOf(data, 'latent').forEach(function (ch) {
      var cell = el('div', 'latent-trial');
      cell.appendChild(el('h3', null, ch.title));
      grid.appendChild(cell);
      chartBox(cell, ch);
    });
    if (!L.shown.length) sec.appendChild(el('p', 'empty', 'No trial has latent metrics per epoch yet.'));
    if (L.missing.length) {
      sec.appendChild(el('p', 'note', 'No heat map for ' + L.missing.length + ' trial' + (L.missing.length > 1 ? 's' : '') + ':'));
      var ul = el('ul', 'latent-missing');
      L.missing.forEach(function (m) { ul.appendChild(el('li', null, 'trial ' + m.number + ' (' + m.state + '): ' + m.reason)); });
      sec.appendChild(ul);
    }
  }

  function render(root, data) {
    views.forEach(function (v) { try { v.finalize(); } catch (e) { /* already gone */ } });
    views = [];
    pending = [];
    // Keep the page's height while the charts are redrawn, so a live update does not move the scroll position.
    if (root.offsetHeight) root.style.minHeight = root.offsetHeight + 'px';
    root.textContent = '';
    var c = data.counts;
    var summary = el('section');
    summary.id = 'summary';
    var best = data.best.length ? data.trials.filter(function (t) { return t.number === data.best[0]; })[0] : null;
    summary.appendChild(el('h2', null, 'Summary'));
    summary.appendChild(el('p', null,
      data.trials.length + ' trials: ' + (c.COMPLETE || 0) + ' complete, ' + (c.PRUNED || 0) + ' pruned, ' + (c.FAIL || 0) + ' failed, ' + (c.RUNNING || 0) + ' running. ' +
      (best ? 'Best: trial ' + best.number + ', ' + data.study.metric + ' = ' + fmt(best.value) + ' (' + data.study.direction + ').' : 'No trial has completed yet.')));
    root.appendChild(summary);

    var hist = section(root, 'history', 'Optimisation history',
      'Each trial\u2019s objective (' + data.study.metric + '); the green step line is the best so far. Pruned trials are orange triangles at their last reported value; failed trials are red dashed vertical rules (hover for the error).');
    chartsOf(data, 'history').forEach(function (ch) { chartBox(hist, ch); });

    var imp = section(root, 'importance', 'Parameter importance', data.importance.method);
    imp.appendChild(el('p', 'note', data.importance.limits));
    var impCharts = chartsOf(data, 'importance');
    var notEstimable = data.importance.items.filter(function (i) { return !i.estimable; }).map(function (i) { return i.param + ' (' + i.n + ' trials in ' + i.groups + ' groups)'; });
    if (data.importance.trials < 3 || !impCharts.length) imp.appendChild(el('p', 'empty', 'Needs at least 3 completed trials (' + data.importance.trials + ' so far).'));
    else impCharts.forEach(function (ch) { chartBox(imp, ch); });
    if (notEstimable.length && data.importance.trials >= 3) imp.appendChild(el('p', 'note', 'Too few trials per group to estimate (shown as 0): ' + notEstimable.join(', ') + '.'));

    var sl = section(root, 'slices', 'Slice plots', 'Each searched parameter against the objective, completed trials only, coloured by trial number (later trials are yellow).');
    var grid = el('div', 'grid');
    sl.appendChild(grid);
    var slices = chartsOf(data, 'slice');
    if (!slices.length) sl.appendChild(el('p', 'empty', 'No searched parameters.'));
    slices.forEach(function (ch) {
      var cell = el('div', 'slice');
      cell.appendChild(el('h3', null, ch.title));
      grid.appendChild(cell);
      chartBox(cell, ch);
    });

    var pc = section(root, 'parallel', 'Parallel coordinates', 'One line per completed trial through each parameter (scaled to its range; log parameters on a log scale; categorical choices evenly spaced) and the objective, coloured by the objective.');
    var pcs = chartsOf(data, 'parallel');
    if (!pcs.length) pc.appendChild(el('p', 'empty', 'No completed trials yet.'));
    pcs.forEach(function (ch) { chartBox(pc, ch); });

    var rds = chartsOf(data, 'rd');
    if (rds.length) {
      var rd = section(root, 'rate-distortion', 'Rate\u2013distortion plane',
        'Each completed trial at its ' + (data.trials.filter(function (t) { return t.split; }).map(function (t) { return t.split; })[0] || 'validation') +
        ' rate (KL) and distortion (reconstruction term); \u2212ELBO = R + D, so lines of slope \u22121 have equal ELBO. Red-ringed points form the Pareto front (no other trial has both lower rate and lower distortion), joined by the dashed red staircase (Alemi et al. 2018).');
      rds.forEach(function (ch) { chartBox(rd, ch); });
    }

    if (data.latent) renderLatent(root, data);

    var lc = section(root, 'curves', 'Learning curves', 'The values each trial reported per step (the pruner\u2019s input); dashed: pruned, dotted: failed.');
    var lcs = chartsOf(data, 'curves');
    if (!lcs.length) lc.appendChild(el('p', 'empty', 'No intermediate values reported yet.'));
    lcs.forEach(function (ch) { chartBox(lc, ch); });

    var tb = section(root, 'trials', 'Trials', 'Click a column header to sort; click again to reverse. Best trials are shaded.');
    var tbox = el('div', 'table-box');
    tb.appendChild(tbox);
    renderTable(tbox, data);

    var bt = section(root, 'best', 'Best trials', 'The ' + data.best.length + ' best completed trials: inputs above their reconstructions, samples from the prior, and latent traversals (one row per latent dimension, most used first, swept from \u22123 to 3).');
    renderBest(bt, data);
    Promise.all(pending).then(function () { root.style.minHeight = ''; });
  }

  window.vaekitRender = render;
})();
`;
