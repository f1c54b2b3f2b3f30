// The status page: polls /status.json every second and redraws. No library, no CDN.
// Everything from the server goes in through textContent, never as HTML.
(function () {
  'use strict';

  var STATES = ['idle', 'reading', 'handling', 'writing', 'closing', 'starting', 'retiring'];
  var KEYS = { idle: '_', reading: 'R', handling: 'H', writing: 'W', closing: 'C', starting: 'S', retiring: 'G' };
  var MEANING = {
    idle: 'waiting for a connection (a loop: in select)',
    reading: 'waiting for the peer\u2019s next bytes',
    handling: 'framing and running the handler',
    writing: 'sending replies',
    closing: 'ending a connection',
    starting: 'starting up',
    retiring: 'stopping, or gone'
  };
  var HISTORY = 120; // samples kept for the chart: two minutes

  var previous = null;          // the last document, for rates
  var history = [];             // {t, rate, open}
  var seenEvents = 0;           // pool events already listed (they only accumulate, up to the server's cap)
  var lastEventAt = null;
  var workerRates = {};

  function $(id) { return document.getElementById(id); }

  function text(el, value) { el.textContent = value; return el; }

  function make(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (value !== undefined) el.textContent = value;
    return el;
  }

  function number(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en'); }

  function bytes(n) {
    if (n < 1024) return n + ' B';
    var units = ['KiB', 'MiB', 'GiB', 'TiB'];
    var v = n, i = -1;
    do { v /= 1024; i++; } while (v >= 1024 && i < units.length - 1);
    return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[i];
  }

  function duration(ms) {
    var s = Math.floor(ms / 1000);
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + (s % 60) + ' s';
    var h = Math.floor(m / 60);
    if (h < 48) return h + ' h ' + (m % 60) + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  function clock(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function buildLegend() {
    var legend = $('legend');
    STATES.forEach(function (s) {
      var li = make('li');
      li.title = MEANING[s];
      var sw = make('span', 'swatch ' + s);
      li.appendChild(sw);
      li.appendChild(make('span', null, KEYS[s] + ' ' + s));
      var count = make('span', 'count', '0');
      count.id = 'legend-' + s;
      li.appendChild(count);
      legend.appendChild(li);
    });
  }

  function render(doc) {
    var server = doc.server, totals = doc.totals;
    text($('model'), server.model);
    text($('listen'), server.listen);
    text($('pid'), server.pid);
    text($('uptime'), duration(server.uptimeSeconds * 1000));
    document.title = 'turnstile ' + server.model + ' \u00b7 ' + totals.open + ' open';

    var elapsed = previous ? (Date.parse(doc.sampledAt) - Date.parse(previous.sampledAt)) / 1000 : 0;
    var rate = elapsed > 0 ? Math.max(0, (totals.messages - previous.totals.messages) / elapsed) : 0;
    var inRate = elapsed > 0 ? Math.max(0, (totals.bytesIn - previous.totals.bytesIn) / elapsed) : 0;
    var outRate = elapsed > 0 ? Math.max(0, (totals.bytesOut - previous.totals.bytesOut) / elapsed) : 0;

    text($('tile-open'), number(totals.open));
    text($('tile-peak'), number(totals.peakOpen));
    text($('tile-rate'), previous ? number(Math.round(rate)) : '…');
    text($('tile-messages'), number(totals.messages));
    text($('tile-accepted'), number(totals.accepted));
    text($('tile-closed'), number(totals.closed));
    text($('tile-rejected'), number(totals.rejected));
    var hits = 0;
    Object.keys(totals.limitHits).forEach(function (k) { hits += totals.limitHits[k]; });
    text($('tile-limits'), number(hits));
    text($('tile-bytes'), bytes(totals.bytesIn) + ' / ' + bytes(totals.bytesOut));
    text($('tile-byterate'), previous ? bytes(Math.round(inRate)) + '/s in, ' + bytes(Math.round(outRate)) + '/s out' : '');
    text($('tile-workers'), number(doc.workers.length));
    text($('tile-pool'), totals.poolSize === null ? 'no pool' : 'pool size ' + totals.poolSize);

    renderWorkers(doc, elapsed);
    renderConnections(doc);
    renderEvents(doc);
    renderCloses(totals);
    renderSettings(server.settings);

    history.push({ t: Date.parse(doc.sampledAt), rate: previous ? rate : 0, open: totals.open });
    if (history.length > HISTORY) history.shift();
    drawChart();
    previous = doc;
  }

  function renderWorkers(doc, elapsed) {
    var grid = $('workers');
    var counts = {};
    STATES.forEach(function (s) { counts[s] = 0; });
    var kinds = {};
    var cells = grid.children;
    while (cells.length > doc.workers.length) grid.removeChild(grid.lastChild);
    var before = {};
    if (previous) previous.workers.forEach(function (w) { before[w.name] = w.messages; });
    var body = $('worker-table').tBodies[0];
    while (body.rows.length > doc.workers.length) body.deleteRow(-1);
    doc.workers.forEach(function (w, i) {
      counts[w.state] = (counts[w.state] || 0) + 1;
      kinds[w.kind] = (kinds[w.kind] || 0) + 1;
      var cell = cells[i];
      if (!cell) {
        cell = make('div');
        cell.appendChild(make('span', 'key'));
        cell.appendChild(make('span', 'open'));
        grid.appendChild(cell);
      }
      cell.className = 'cell ' + w.state;
      cell.setAttribute('data-worker', w.name);
      cell.setAttribute('data-state', w.state);
      text(cell.firstChild, KEYS[w.state] || '?');
      text(cell.lastChild, w.open > 0 ? String(w.open) : '');
      var perSecond = elapsed > 0 && before[w.name] !== undefined ? (w.messages - before[w.name]) / elapsed : 0;
      workerRates[w.name] = perSecond;
      cell.title = w.name + ' (' + w.kind + '): ' + w.state + ' \u2014 ' + MEANING[w.state] + '\n' + w.open + ' open, ' +
        number(w.connections) + ' connections, ' + number(w.messages) + ' messages, ' + Math.round(perSecond) + ' msg/s';

      var row = body.rows[i] || body.insertRow(-1);
      var values = [w.name, w.kind, null, number(w.open), number(w.connections), number(w.messages), number(Math.round(perSecond))];
      while (row.cells.length < values.length) row.insertCell(-1);
      values.forEach(function (v, j) {
        var c = row.cells[j];
        if (j === 2) {
          c.textContent = '';
          c.appendChild(make('span', 'badge ' + w.state, w.state));
        } else {
          c.textContent = v;
          c.className = j >= 3 ? 'num' : '';
        }
      });
    });
    STATES.forEach(function (s) { text($('legend-' + s), String(counts[s])); });
    var parts = Object.keys(kinds).map(function (k) { return kinds[k] + ' ' + k + (kinds[k] === 1 ? '' : 's'); });
    text($('workers-hint'), parts.join(', '));
  }

  function renderConnections(doc) {
    var body = $('connections').tBodies[0];
    var rows = doc.connections;
    while (body.rows.length > Math.max(rows.length, 1)) body.deleteRow(-1);
    if (rows.length === 0) {
      var row = body.rows[0] || body.insertRow(-1);
      while (row.cells.length > 1) row.deleteCell(-1);
      var only = row.cells[0] || row.insertCell(-1);
      only.colSpan = 8;
      only.className = 'empty';
      only.textContent = 'no connection open';
    }
    rows.forEach(function (c, i) {
      var row = body.rows[i] || body.insertRow(-1);
      if (row.cells.length === 1) row.deleteCell(0);
      var values = [c.id, c.peer, c.worker, duration(c.ageMillis), number(c.messages), bytes(c.bytesIn), bytes(c.bytesOut), null];
      while (row.cells.length < values.length) row.insertCell(-1);
      values.forEach(function (v, j) {
        var cell = row.cells[j];
        cell.colSpan = 1;
        if (j === 7) {
          cell.textContent = '';
          cell.className = '';
          cell.appendChild(make('span', 'badge ' + c.state, c.state));
        } else {
          cell.textContent = v;
          cell.className = (j === 0 || j >= 3) ? 'num' : '';
        }
      });
    });
    text($('connections-hint'), doc.connectionsListed < doc.connectionsOpen
      ? 'the oldest ' + number(doc.connectionsListed) + ' of ' + number(doc.connectionsOpen)
      : number(doc.connectionsOpen) + ' open');
  }

  function renderEvents(doc) {
    var list = $('events');
    var events = doc.poolEvents;
    // The server keeps the last 256: the new ones are those after the last one listed.
    var start = 0;
    if (lastEventAt !== null) {
      start = events.length;
      for (var i = events.length - 1; i >= 0; i--) {
        if (eventKey(events[i]) === lastEventAt) { start = i + 1; break; }
        if (i === 0) start = 0; // the last one listed fell out of the window: all are new
      }
    }
    var fresh = events.slice(start);
    fresh.forEach(function (e) {
      var li = make('li', seenEvents > 0 ? 'fresh' : '');
      li.appendChild(make('span', 'at', clock(e.at)));
      li.appendChild(make('span', 'size', String(e.size)));
      li.appendChild(make('span', 'reason', e.reason));
      list.insertBefore(li, list.firstChild);
      seenEvents++;
    });
    if (events.length > 0) lastEventAt = eventKey(events[events.length - 1]);
    while (list.children.length > 200) list.removeChild(list.lastChild);
    if (list.children.length === 0) {
      text($('events-hint'), 'none yet: this model has no pool, or it has not changed size');
    } else {
      text($('events-hint'), seenEvents + ' seen');
    }
  }

  function eventKey(e) { return e.at + ' ' + e.size + ' ' + e.reason; }

  function renderCloses(totals) {
    var body = $('closes').tBodies[0];
    body.textContent = '';
    var any = false;
    Object.keys(totals.closeReasons).forEach(function (r) {
      if (totals.closeReasons[r] > 0) {
        any = true;
        var row = body.insertRow(-1);
        row.insertCell(-1).textContent = r.replace(/_/g, ' ');
        var n = row.insertCell(-1);
        n.textContent = number(totals.closeReasons[r]);
        n.className = 'num';
      }
    });
    if (!any) {
      var row = body.insertRow(-1);
      var c = row.insertCell(-1);
      c.className = 'empty';
      c.textContent = 'no connection closed yet';
    }
  }

  var settingsShown = false;
  function renderSettings(settings) {
    if (settingsShown) return;
    settingsShown = true;
    var body = $('settings').tBodies[0];
    Object.keys(settings).forEach(function (k) {
      var row = body.insertRow(-1);
      row.insertCell(-1).textContent = k;
      row.insertCell(-1).textContent = settings[k];
    });
  }

  function drawChart() {
    var canvas = $('chart');
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth || 960, height = canvas.clientHeight || 200;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    var g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    var left = 56, right = 48, top = 10, bottom = 22;
    var w = width - left - right, h = height - top - bottom;
    var maxRate = 1, maxOpen = 1;
    history.forEach(function (p) { maxRate = Math.max(maxRate, p.rate); maxOpen = Math.max(maxOpen, p.open); });
    maxRate = nice(maxRate); maxOpen = nice(maxOpen);

    g.strokeStyle = '#e3e7ec'; g.fillStyle = '#667080'; g.lineWidth = 1;
    g.font = '11px system-ui, sans-serif';
    for (var i = 0; i <= 4; i++) {
      var y = top + h - (h * i / 4);
      g.beginPath(); g.moveTo(left, y + 0.5); g.lineTo(left + w, y + 0.5); g.stroke();
      g.textAlign = 'right'; g.fillText(compact(maxRate * i / 4), left - 6, y + 4);
      g.textAlign = 'left'; g.fillText(compact(maxOpen * i / 4), left + w + 6, y + 4);
    }
    g.textAlign = 'center';
    g.fillText('\u2212' + HISTORY + ' s', left + 12, height - 6);
    g.fillText('now', left + w - 8, height - 6);

    function line(key, max, colour, fill) {
      if (history.length < 2) return;
      var step = w / (HISTORY - 1);
      var x0 = left + w - (history.length - 1) * step;
      g.beginPath();
      history.forEach(function (p, j) {
        var x = x0 + j * step, y = top + h - (p[key] / max) * h;
        if (j === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.strokeStyle = colour; g.lineWidth = 2; g.stroke();
      if (fill) {
        g.lineTo(x0 + (history.length - 1) * step, top + h); g.lineTo(x0, top + h); g.closePath();
        g.fillStyle = fill; g.fill();
      }
    }
    line('rate', maxRate, '#f0a030', 'rgba(240,160,48,0.12)');
    line('open', maxOpen, '#4e8fe0', null);
  }

  function nice(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function compact(v) {
    if (v >= 1e6) return (v / 1e6).toFixed(v % 1e6 ? 1 : 0) + 'M';
    if (v >= 1e3) return (v / 1e3).toFixed(v % 1e3 ? 1 : 0) + 'k';
    return String(Math.round(v * 10) / 10);
  }

  function poll() {
    fetch('/status.json', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (doc) {
        render(doc);
        var live = $('live');
        live.className = 'live ok';
        text(live, 'live \u00b7 ' + clock(doc.sampledAt));
      })
      .catch(function (e) {
        var live = $('live');
        live.className = 'live down';
        text(live, 'no answer: ' + e.message);
      })
      .then(function () { setTimeout(poll, 1000); });
  }

  buildLegend();
  poll();
})();
