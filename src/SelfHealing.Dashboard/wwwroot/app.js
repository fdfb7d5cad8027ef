// The SelfHealing dashboard's page: reads api/v1/snapshot, listens to api/v1/stream, draws with uPlot.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => escapes[c]);
  const clock = (t) => (t ? new Date(t).toLocaleTimeString() : '');
  const pct = (ratio) => (ratio * 100).toFixed(1) + ' %';
  const colors = { Healthy: '#1f9d55', Degraded: '#d69e2e', Critical: '#e3342f', Failed: '#8b1e1e' };
  const feedSize = 200;

  let snapshot = null;
  let refreshMs = 1000;
  let timer = null;
  let soonTimer = null;
  let token = null;
  let lastSequence = 0;
  let graphKey = '';
  let metricChart = null;
  let optimizerChart = null;
  let metricNamesAt = 0;
  let seriesAt = 0;
  const openIncidents = new Set();

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) {
      throw new Error(url + ' answered ' + response.status);
    }
    return response.json();
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      snapshot = await getJson('api/v1/snapshot');
      refreshMs = snapshot.refreshMilliseconds || 1000;
      render(snapshot);
      await refreshMetrics();
    } catch (error) {
      setLive(false);
      note('cannot read the dashboard: ' + error.message);
    } finally {
      timer = setTimeout(refresh, refreshMs);
    }
  }

  function soon(delay = 100) {
    if (soonTimer) {
      return;
    }
    soonTimer = setTimeout(() => { soonTimer = null; refresh(); }, delay);
  }

  function setLive(live) {
    $('live').dataset.live = String(live);
  }

  function note(text) {
    $('actions-note').textContent = text || '';
  }

  // What a test or a curious operator can read: how many renders, how long the last one took.
  const stats = { renders: 0, lastRenderMs: 0, maxRenderMs: 0 };
  window.selfHealingDashboard = stats;

  function render(s) {
    const started = performance.now();
    renderAll(s);
    stats.renders++;
    stats.lastRenderMs = performance.now() - started;
    stats.maxRenderMs = Math.max(stats.maxRenderMs, stats.lastRenderMs);
  }

  function renderAll(s) {
    document.title = s.title;
    const system = $('system');
    system.dataset.level = s.system ? s.system.level : 'Unknown';
    system.textContent = s.system
      ? s.system.level + (s.system.rootCauses.length ? ' · root cause: ' + s.system.rootCauses.join(', ') : '')
      : 'no health monitor';
    note(s.actions.allowed ? 'actions allowed' : 'read-only: ' + s.actions.reason);
    renderApprovals(s);
    renderGraph(s.components);
    renderBreakers(s);
    renderIncidents(s.incidents);
    renderSwitches(s);
    renderOptimizer(s.optimizer);
    renderConfiguration(s);
    renderCluster(s.cluster);
    renderFeed(s.events);
  }

  function actionButton(action, label, data, allowed) {
    const attributes = Object.entries(data).map(([k, v]) => ' data-' + k + '="' + esc(v) + '"').join('');
    return '<button type="button" data-action="' + action + '"' + attributes + (allowed ? '' : ' disabled') + '>' + label + '</button>';
  }

  function renderApprovals(s) {
    $('approvals-section').hidden = s.approvals.length === 0;
    $('approvals').innerHTML = s.approvals.map((a) =>
      '<li data-approval="' + esc(a.id) + '"><b>' + esc(a.strategy) + '</b> on <b>' + esc(a.component) + '</b> (risk ' + esc(a.risk) +
      ', incident ' + esc(a.incidentId) + ', since ' + clock(a.requestedAt) + ') ' +
      actionButton('approve', 'Approve', { id: a.id }, s.actions.allowed) + ' ' +
      actionButton('deny', 'Deny', { id: a.id }, s.actions.allowed) + '</li>').join('');
  }

  // Dependencies to the left, their dependents to the right: a column per depth in the dependency graph.
  function renderGraph(all) {
    const showChecks = $('show-breaker-checks').checked;
    const components = showChecks ? all : all.filter((c) => c.kind !== 'breaker');
    $('components-count').textContent = components.length ? '(' + components.length + ')' : '';
    const key = showChecks + components.map((c) => c.name + ':' + c.level + ':' + c.isRootCause + ':' + c.dependsOn.join(',')).join('|');
    if (key === graphKey) {
      return;
    }
    graphKey = key;
    if (!components.length) {
      $('graph').innerHTML = '<p class="muted">No component is monitored.</p>';
      return;
    }
    const byName = new Map(components.map((c) => [c.name, c]));
    const depth = new Map();
    const visiting = new Set();
    const depthOf = (name) => {
      if (depth.has(name)) {
        return depth.get(name);
      }
      if (visiting.has(name)) {
        return 0;
      }
      visiting.add(name);
      let value = 0;
      for (const dependency of byName.get(name).dependsOn) {
        if (byName.has(dependency)) {
          value = Math.max(value, depthOf(dependency) + 1);
        }
      }
      visiting.delete(name);
      depth.set(name, value);
      return value;
    };
    const columns = [];
    for (const c of components) {
      const d = depthOf(c.name);
      (columns[d] = columns[d] || []).push(c);
    }
    const width = 180;
    const height = 28;
    const gapX = 70;
    const gapY = 8;
    const position = new Map();
    let rows = 0;
    columns.forEach((column, x) => {
      (column || []).forEach((c, y) => position.set(c.name, { x: x * (width + gapX) + 4, y: y * (height + gapY) + 4 }));
      rows = Math.max(rows, (column || []).length);
    });
    const svgWidth = columns.length * (width + gapX);
    const svgHeight = rows * (height + gapY) + 8;
    const edges = [];
    const edgeCount = components.reduce((n, c) => n + c.dependsOn.length, 0);
    if (edgeCount <= 3000) {
      for (const c of components) {
        const to = position.get(c.name);
        for (const dependency of c.dependsOn) {
          const from = position.get(dependency);
          if (from) {
            edges.push('<line x1="' + (from.x + width) + '" y1="' + (from.y + height / 2) + '" x2="' + to.x + '" y2="' + (to.y + height / 2) + '"/>');
          }
        }
      }
    }
    const nodes = components.map((c) => {
      const p = position.get(c.name);
      return '<g data-component="' + esc(c.name) + '" data-level="' + esc(c.level) + '" transform="translate(' + p.x + ',' + p.y + ')">' +
        '<title>' + esc(c.name + ' — ' + c.level + ': ' + c.reason + (c.affectedBy.length ? ' (affected by ' + c.affectedBy.join(', ') + ')' : '')) + '</title>' +
        '<rect class="node' + (c.isRootCause ? ' root' : '') + '" width="' + width + '" height="' + height + '" fill="' + (colors[c.level] || '#9aa1ad') + '" fill-opacity="0.22"/>' +
        '<text x="8" y="18">' + esc(c.name.length > 24 ? c.name.slice(0, 23) + '…' : c.name) + '</text></g>';
    });
    $('graph').innerHTML = '<svg width="' + svgWidth + '" height="' + svgHeight + '" role="img" aria-label="component graph">' + edges.join('') + nodes.join('') + '</svg>';
  }

  function renderBreakers(s) {
    $('breakers-count').textContent = s.breakers.length ? '(' + s.breakers.length + ')' : '';
    const body = $('breakers-table').tBodies[0];
    if (!s.breakers.length) {
      body.innerHTML = '<tr><td colspan="7" class="muted">No circuit breaker yet.</td></tr>';
      return;
    }
    body.innerHTML = s.breakers.map((b) =>
      '<tr data-breaker="' + esc(b.name) + '"><td>' + esc(b.name) + '</td>' +
      '<td><span class="badge" data-state="' + esc(b.state) + '">' + esc(b.state) + '</span></td>' +
      '<td class="num">' + pct(b.failureRatio) + ' <small>/ ' + pct(b.failureThreshold) + '</small></td>' +
      '<td class="num">' + pct(b.slowCallRatio) + '</td>' +
      '<td class="num">' + b.totalCalls + '</td>' +
      '<td class="transitions">' + b.transitions.slice(0, 3).map((t) => clock(t.at) + ' ' + esc(t.from) + '→' + esc(t.to)).join('<br>') + '</td>' +
      '<td>' + actionButton('isolate', 'Isolate', { name: b.name }, s.actions.allowed) + ' ' + actionButton('reset', 'Reset', { name: b.name }, s.actions.allowed) + '</td></tr>').join('');
  }

  function incidentHtml(i) {
    return '<details class="incident" data-incident="' + esc(i.id) + '" data-component="' + esc(i.component) + '" data-status="' + esc(i.status) + '"' + (openIncidents.has(i.id) ? ' open' : '') + '>' +
      '<summary><b>' + esc(i.component) + '</b> ' + esc(i.failureType) + ' — <span class="status">' + esc(i.status) + '</span>' +
      (i.rootCause && i.rootCause !== i.component ? ' <small>(root cause ' + esc(i.rootCause) + ')</small>' : '') +
      ' <small>' + clock(i.openedAt) + (i.closedAt ? ' – ' + clock(i.closedAt) : '') + '</small></summary>' +
      '<ol class="timeline">' + i.timeline.map((t) => '<li><time>' + clock(t.at) + '</time><b>' + esc(t.kind) + '</b> ' + esc(t.message) + '</li>').join('') + '</ol></details>';
  }

  function renderSwitches(s) {
    const w = s.switches;
    $('switches').hidden = !w;
    if (!w) {
      return;
    }
    $('switches').innerHTML = 'Automatic recovery: <b data-switch="automatic-recovery" data-on="' + w.automaticRecovery + '">' + (w.automaticRecovery ? 'on' : 'OFF') + '</b>' +
      (w.overridden ? ' (set from this page) ' : ' (as configured) ') +
      actionButton('switch', w.automaticRecovery ? 'Turn off' : 'Turn on', { value: w.automaticRecovery ? 'off' : 'on' }, s.actions.allowed) +
      (w.overridden ? ' ' + actionButton('switch', 'As configured', { value: 'configured' }, s.actions.allowed) : '');
  }

  function renderIncidents(incidents) {
    document.querySelectorAll('details.incident').forEach((d) => (d.open ? openIncidents.add(d.dataset.incident) : openIncidents.delete(d.dataset.incident)));
    $('incidents-open').innerHTML = incidents.open.length ? incidents.open.map(incidentHtml).join('') : '<p class="muted">No open incident.</p>';
    $('incidents-closed').innerHTML = incidents.closed.length ? incidents.closed.map(incidentHtml).join('') : '<p class="muted">None yet.</p>';
  }

  function chart(existing, element, series, data, xTime) {
    const width = Math.max(240, element.clientWidth);
    if (existing) {
      existing.setData(data);
      if (Math.abs(existing.width - width) > 4) {
        existing.setSize({ width, height: 220 });
      }
      return existing;
    }
    return new uPlot({
      width,
      height: 220,
      scales: { x: { time: xTime } },
      series: [{}].concat(series),
      // Generations are whole numbers: no tick between two of them.
      axes: [xTime ? {} : { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
        { scale: series[0].scale }, { scale: series[series.length - 1].scale, side: 1, grid: { show: false } }],
    }, data, element);
  }

  function renderOptimizer(optimizer) {
    const element = $('optimizer-chart');
    const generations = optimizer ? optimizer.generations : [];
    element.dataset.generations = String(generations.length);
    $('optimizer-empty').hidden = generations.length > 0;
    $('generations-count').textContent = generations.length ? '(' + generations.length + ' generations, version ' + generations[generations.length - 1].version + ' promoted)' : '';
    if (!generations.length || typeof uPlot === 'undefined') {
      return;
    }
    const data = [generations.map((g) => g.generation), generations.map((g) => g.best), generations.map((g) => g.mean)];
    optimizerChart = chart(optimizerChart, element, [
      { label: 'best fitness', stroke: '#2563eb', width: 2, scale: 'f' },
      { label: 'mean fitness', stroke: '#9aa1ad', scale: 'f' },
    ], data, false);
  }

  function renderConfiguration(s) {
    const c = s.configuration;
    $('configuration').hidden = !c;
    if (!c) {
      return;
    }
    $('config-version').textContent = 'version ' + c.version + ' (' + c.source + ')';
    $('config-values').innerHTML = Object.entries(c.values).map(([k, v]) => '<div><code>' + esc(k) + '</code> = <b>' + esc(v) + '</b></div>').join('');
    $('config-history').tBodies[0].innerHTML = c.history.map((h) =>
      '<tr data-version="' + h.version + '"><td class="num">' + h.version + '</td><td>' + esc(h.source) + '</td><td class="num">' + clock(h.timestamp) + '</td><td>' + esc(h.reason) + '</td><td>' +
      (h.version === c.version ? '<small>current</small>' : actionButton('rollback', 'Roll back', { version: h.version }, s.actions.allowed)) + '</td></tr>').join('');
  }

  function renderCluster(c) {
    $('cluster').hidden = !c;
    if (!c) {
      return;
    }
    $('cluster-summary').textContent = 'this node ' + c.nodeId + ' (' + c.role + '), leader ' + (c.leaderId || 'none') + ', term ' + c.term +
      ', applied index ' + c.appliedIndex + (c.hasQuorum ? '' : ' · NO QUORUM: cluster-wide actions are refused');
    $('cluster-members').tBodies[0].innerHTML = c.members.map((m) =>
      '<tr data-member="' + esc(m.id) + '"><td>' + esc(m.id) + '</td><td>' + esc(m.address) + '</td><td>' +
      (m.id === c.leaderId ? 'leader' : (m.id === c.nodeId ? esc(c.role) : '')) + '</td></tr>').join('');
    $('cluster-leases').innerHTML = c.leases.length
      ? '<ul>' + c.leases.map((l) => '<li><b>' + esc(l.target) + '</b> held by ' + esc(l.holder) + ' for ' + esc(l.action) + ' on ' + esc(l.component) +
        ' (fencing token ' + l.fencingToken + ', until ' + clock(l.expiresAt) + ')</li>').join('') + '</ul>'
      : '<p class="muted">No lease held.</p>';
    $('cluster-circuits').innerHTML = c.circuits.length
      ? '<ul>' + c.circuits.map((x) => '<li><b>' + esc(x.name) + '</b> ' + (x.isOpen ? '<span class="badge" data-state="Open">Open</span>' : 'closed') +
        ' — open on ' + x.openNodes.length + ' of the ' + x.quorum + ' needed' + (x.openNodes.length ? ': ' + x.openNodes.map(esc).join(', ') : '') + '</li>').join('') + '</ul>'
      : '<p class="muted">No shared circuit reported.</p>';
  }

  function feedItem(e) {
    return '<li data-type="' + esc(e.type) + '"><time>' + clock(e.at) + '</time><span class="type">' + esc(e.type) + '</span>' +
      (e.subject ? '<b>' + esc(e.subject) + '</b> ' : '') + esc(e.text) + '</li>';
  }

  function renderFeed(events) {
    const fresh = events.filter((e) => e.sequence > lastSequence).reverse();
    fresh.forEach(prepend);
  }

  function prepend(e) {
    if (e.sequence <= lastSequence) {
      return;
    }
    lastSequence = e.sequence;
    const feed = $('feed');
    feed.insertAdjacentHTML('afterbegin', feedItem(e));
    while (feed.children.length > feedSize) {
      feed.lastElementChild.remove();
    }
  }

  async function refreshMetrics() {
    const now = Date.now();
    const select = $('metric');
    if (now - metricNamesAt > 10000) {
      metricNamesAt = now;
      const { names } = await getJson('api/v1/metrics');
      const current = select.value;
      select.innerHTML = names.map((n) => '<option>' + esc(n) + '</option>').join('');
      const preferred = names.find((n) => n === current) || names.find((n) => /circuit\.calls|request|latency|duration/.test(n)) || names[0];
      if (preferred) {
        select.value = preferred;
      }
    }
    if (!select.value || typeof uPlot === 'undefined' || now - seriesAt < Math.max(refreshMs, 2000)) {
      return;
    }
    seriesAt = now;
    const series = await getJson('api/v1/metrics/series?name=' + encodeURIComponent(select.value) + '&seconds=' + $('range').value + '&points=60');
    const points = series.points;
    const data = [points.map((p) => Date.parse(p.at) / 1000), points.map((p) => p.rate), points.map((p) => p.p50), points.map((p) => p.p95), points.map((p) => p.p99)];
    metricChart = chart(metricChart, $('metric-chart'), [
      { label: 'rate /s', stroke: '#2563eb', width: 2, scale: 'rate' },
      { label: 'p50', stroke: '#1f9d55', scale: 'v' },
      { label: 'p95', stroke: '#d69e2e', scale: 'v' },
      { label: 'p99', stroke: '#e3342f', scale: 'v' },
    ], data, true);
  }

  async function act(path, fields) {
    try {
      if (!token) {
        token = await getJson('api/v1/antiforgery');
      }
      const body = new URLSearchParams(fields);
      body.set(token.field, token.token);
      const response = await fetch(path, { method: 'POST', body });
      if (response.status === 400) {
        token = null;
      }
      note(response.ok ? 'done: ' + path : 'refused (' + response.status + '): ' + (await response.text()));
    } catch (error) {
      note('failed: ' + error.message);
    }
    soon(0);
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button || button.disabled) {
      return;
    }
    const d = button.dataset;
    switch (d.action) {
      case 'isolate': act('api/v1/breakers/' + encodeURIComponent(d.name) + '/isolate', {}); break;
      case 'reset': act('api/v1/breakers/' + encodeURIComponent(d.name) + '/reset', {}); break;
      case 'approve': act('api/v1/approvals/' + encodeURIComponent(d.id) + '/approve', {}); break;
      case 'deny': act('api/v1/approvals/' + encodeURIComponent(d.id) + '/deny', {}); break;
      case 'rollback': act('api/v1/configuration/rollback', { version: d.version }); break;
      case 'switch': act('api/v1/switches/automatic-recovery', { value: d.value }); break;
      default: break;
    }
  });

  // Charts keep the width they were drawn at: follow the window (a phone turned, a window narrowed).
  window.addEventListener('resize', () => {
    for (const [existing, id] of [[metricChart, 'metric-chart'], [optimizerChart, 'optimizer-chart']]) {
      if (existing) {
        existing.setSize({ width: Math.max(240, $(id).clientWidth), height: 220 });
      }
    }
  });

  $('show-breaker-checks').addEventListener('change', () => soon(0));
  $('metric').addEventListener('change', () => { seriesAt = 0; soon(0); });
  $('range').addEventListener('change', () => { seriesAt = 0; soon(0); });

  function listen() {
    const stream = new EventSource('api/v1/stream');
    stream.onopen = () => setLive(true);
    stream.onerror = () => setLive(false);
    stream.onmessage = (message) => {
      const e = JSON.parse(message.data);
      prepend(e);
      if (e.type === 'CircuitStateChanged') {
        // Show the new state at once; the snapshot that follows fills in the ratios.
        const row = document.querySelector('tr[data-breaker="' + CSS.escape(e.subject) + '"] .badge');
        const state = /-> (\w+)/.exec(e.text);
        if (row && state) {
          row.dataset.state = state[1];
          row.textContent = state[1];
        }
      }
      soon(150);
    };
  }

  listen();
  refresh();
})();
