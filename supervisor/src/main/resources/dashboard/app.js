// Ringleader live dashboard: plain JavaScript, no build step, no external resources.
// Every POLL_MS it reads /cluster, /cluster/ring, /cluster/events and /health from the node that
// served the page, and /node/workers from every member (cross-origin; the API sends
// Access-Control-Allow-Origin: *). One poll runs at a time; the next is scheduled when it ends.
// Testable DOM: member rows, legend items and ring arcs carry data-node; the leader's row and
// legend item carry data-leader="true"; a member row carries data-workers (its live worker count)
// once that member answered, and data-detached while some of its workers are detached in a split;
// body.dataset.ready = "true" after the first render;
// body.dataset.reachable = "true" | "false" follows the last poll.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var FETCH_TIMEOUT_MS = 2500;
  var RING_SLICES = 720;
  var EVENT_LIMIT = 50;
  var SVG_NS = "http://www.w3.org/2000/svg";

  // Distinct on a dark background. A name ending in a number N takes colour N-1 (node1, node2,
  // ... never collide up to the palette's size); any other name takes a colour by its hash.
  var PALETTE = ["#4e9cff", "#ff7a59", "#3fd08f", "#c58cff", "#ffc940",
                 "#3cd3de", "#ff5fa2", "#a4d65e", "#f29e4c", "#8fa3ff"];

  function colorOf(node) {
    var m = /(\d+)$/.exec(node);
    if (m) {
      var n = parseInt(m[1], 10);
      if (n >= 1) {
        return PALETTE[(n - 1) % PALETTE.length];
      }
    }
    var h = 2166136261; // FNV-1a
    for (var i = 0; i < node.length; i++) {
      h ^= node.charCodeAt(i);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return PALETTE[h % PALETTE.length];
  }

  var state = {
    rendered: false,
    ringKey: null,     // what the arcs were last drawn from, to redraw only on change
    failures: 0,
    lastOk: 0,
    lastEventAt: 0     // newest event already shown, to highlight new ones
  };

  // ---- fetching ---------------------------------------------------------------------------

  function getJson(url, allowError) {
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, FETCH_TIMEOUT_MS) : null;
    return fetch(url, { cache: "no-store", signal: ctrl ? ctrl.signal : undefined })
      .then(function (r) {
        return r.json().catch(function () { return null; }).then(function (body) {
          if (!r.ok && !allowError) {
            var msg = body && body.message ? body.message : "HTTP " + r.status;
            throw new Error(url + ": " + msg);
          }
          return { status: r.status, body: body };
        });
      })
      .finally(function () { if (timer) { clearTimeout(timer); } });
  }

  function workersOf(member, self) {
    // The serving node is asked on the page's own origin: it works even when its advertised URL
    // is not reachable from the browser.
    var url = member.node === self ? "/node/workers" : member.url.replace(/\/+$/, "") + "/node/workers";
    return getJson(url).then(function (r) { return r.body; }, function () { return null; });
  }

  function poll() {
    Promise.all([
      getJson("/cluster"),
      getJson("/cluster/ring?max=" + RING_SLICES),
      getJson("/cluster/events?limit=" + EVENT_LIMIT),
      getJson("/health", true).catch(function () { return null; })
    ]).then(function (r) {
      var cluster = r[0].body;
      var members = cluster.members || [];
      return Promise.all(members.map(function (m) { return workersOf(m, cluster.node); }))
        .then(function (workers) {
          var byNode = {};
          members.forEach(function (m, i) { byNode[m.node] = workers[i]; });
          render(cluster, r[1].body, r[2].body, r[3], byNode);
          reachable();
        });
    }).catch(function (err) {
      unreachable(err);
    }).then(function () {
      setTimeout(poll, POLL_MS);
    });
  }

  // ---- small DOM helpers -----------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG_NS, tag);
    setAttrs(e, attrs);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function setAttrs(e, attrs) {
    if (!attrs) { return; }
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] !== undefined && attrs[k] !== null) { e.setAttribute(k, attrs[k]); }
    });
  }

  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  function swatch(node) {
    var s = el("span", { "class": "swatch" });
    s.style.background = colorOf(node);
    return s;
  }

  function pct(f) { return (f * 100).toFixed(1) + "%"; }

  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) { return s + "s"; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + "m " + (s % 60) + "s"; }
    var h = Math.floor(m / 60);
    if (h < 48) { return h + "h " + (m % 60) + "m"; }
    return Math.floor(h / 24) + "d " + (h % 24) + "h";
  }

  function clock(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var milli = String(d.getMilliseconds());
    while (milli.length < 3) { milli = "0" + milli; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) + "." + milli;
  }

  // ---- rendering -------------------------------------------------------------------------

  function render(cluster, ring, events, health, workers) {
    var shares = (cluster.ring && cluster.ring.shares) || {};
    $("cluster").textContent = cluster.cluster;
    $("self").textContent = cluster.node;
    $("leader").textContent = cluster.leader || "none";
    $("epoch").textContent = cluster.ring ? cluster.ring.epoch : "–";
    $("vnodes").textContent = cluster.ring ? cluster.ring.vnodes : "–";
    renderHealth(health);
    renderRing(ring, cluster.leader, shares);
    renderLegend(cluster, shares);
    renderMembers(cluster, shares, workers);
    renderEvents(events.events || []);
    document.title = "Ringleader · " + cluster.cluster + " · " + cluster.node;
    if (!state.rendered) {
      state.rendered = true;
      document.body.dataset.ready = "true";
    }
  }

  function renderHealth(health) {
    var h = $("health");
    if (!health || !health.body) {
      h.textContent = "?";
      h.className = "num warn";
      h.title = "";
    } else if (health.status === 200) {
      h.textContent = "serving";
      h.className = "num ok";
      h.title = health.body.writes ? "writes " + health.body.writes : "";
    } else {
      h.textContent = "not serving";
      h.className = "num bad";
      h.title = health.body.message || "";
    }
  }

  function point(f, r) {
    var a = f * 2 * Math.PI;
    return (r * Math.sin(a)).toFixed(3) + " " + (-r * Math.cos(a)).toFixed(3);
  }

  // A band of the donut from fraction `from` to `to` between radii r0 < r1.
  function bandPath(from, to, r0, r1) {
    if (to - from >= 0.999999) { // a whole circle cannot be one SVG arc: draw two halves
      return bandPath(from, from + 0.5, r0, r1) + " " + bandPath(from + 0.5, to, r0, r1);
    }
    var large = to - from > 0.5 ? 1 : 0;
    return "M " + point(from, r1) +
      " A " + r1 + " " + r1 + " 0 " + large + " 1 " + point(to, r1) +
      " L " + point(to, r0) +
      " A " + r0 + " " + r0 + " 0 " + large + " 0 " + point(from, r0) + " Z";
  }

  // Radii in SVG units (the view box is 240 wide, centred on 0): the outer band is the ring's
  // token ownership as sampled arcs (with many vnodes it is a fine mix); the inner band sums
  // those up as one segment per node, its share of the ring, which is readable at a glance.
  var R_TOK_IN = 84, R_TOK_OUT = 100, R_SHARE_IN = 50, R_SHARE_OUT = 78, R_TICK = 103, R_MARK = 112;

  function renderRing(ring, leader, shares) {
    var arcs = ring.arcs || [];
    var nodes = Object.keys(shares).sort();
    var key = ring.epoch + "|" + leader + "|" + nodes.map(function (n) { return n + "=" + shares[n]; }).join(",") +
      "|" + arcs.map(function (a) { return a.node + ":" + a.from + "-" + a.to; }).join(",");
    $("ring-epoch").textContent = ring.epoch;
    $("ring-count").textContent = nodes.length + (nodes.length === 1 ? " node · " : " nodes · ") +
      arcs.length + " arcs";
    if (key === state.ringKey) { return; }
    state.ringKey = key;

    var ticks = $("ring-ticks");
    if (!ticks.firstChild) {
      ticks.appendChild(svg("circle", { r: (R_TOK_IN + R_TOK_OUT) / 2, "class": "ring-empty",
        "stroke-width": R_TOK_OUT - R_TOK_IN }));
      for (var i = 0; i < 24; i++) {
        var major = i % 6 === 0;
        ticks.appendChild(svg("path", { "class": major ? "tick major" : "tick",
          d: "M " + point(i / 24, R_TICK) + " L " + point(i / 24, R_TICK + (major ? 6 : 3)) }));
      }
      ticks.appendChild(svg("text", { "class": "tick-label", x: 0, y: -(R_TICK + 11) }, "0"));
    }

    // Outer band: who owns each sampled slice of the hash circle.
    var g = $("ring-arcs");
    clear(g);
    arcs.forEach(function (a) {
      var path = svg("path", {
        "class": "arc" + (a.node === leader ? " leader" : ""),
        "data-node": a.node,
        d: bandPath(a.from, a.to, R_TOK_IN, R_TOK_OUT),
        fill: colorOf(a.node)
      });
      path.appendChild(svg("title", null, a.node + ": " + a.from.toFixed(4) + " – " + a.to.toFixed(4)));
      g.appendChild(path);
    });

    // Inner band: each node's share as one segment; the leader's outlined in gold, with a star.
    var lg = $("ring-shares");
    clear(lg);
    var at = 0;
    nodes.forEach(function (n) {
      var share = shares[n];
      if (share <= 0) { return; }
      var isLeader = n === leader;
      var seg = svg("path", { "class": "share-seg" + (isLeader ? " leader" : ""), "data-node": n,
        "data-leader": isLeader ? "true" : "false", fill: colorOf(n),
        d: bandPath(at, Math.min(1, at + share), R_SHARE_IN, R_SHARE_OUT) });
      seg.appendChild(svg("title", null, n + ": " + pct(share) + " of the ring" + (isLeader ? " (leader)" : "")));
      lg.appendChild(seg);
      var mid = at + share / 2;
      if (share >= 0.06) {
        var p = point(mid, (R_SHARE_IN + R_SHARE_OUT) / 2).split(" ");
        lg.appendChild(svg("text", { "class": "seg-name", x: p[0], y: +p[1] - 3 }, n));
        lg.appendChild(svg("text", { "class": "seg-share", x: p[0], y: +p[1] + 6 }, pct(share)));
      }
      if (isLeader) {
        var q = point(mid, R_MARK).split(" ");
        lg.appendChild(svg("text", { "class": "leader-star", x: q[0], y: q[1], "data-leader": "true" }, "★"));
      }
      at += share;
    });

    $("ring-epoch-label").textContent = "ring epoch";
    var lead = $("ring-leader-label");
    if (!lead) {
      lead = svg("text", { id: "ring-leader-label", "class": "center-leader", y: 38 });
      $("ring-center").appendChild(lead);
    }
    lead.textContent = leader ? "★ " + leader + " leads" : "no leader";
  }

  function renderLegend(cluster, shares) {
    var ul = $("legend");
    clear(ul);
    var names = Object.keys(shares).sort();
    names.forEach(function (n) {
      var isLeader = n === cluster.leader;
      var li = el("li", { "data-node": n, "data-leader": isLeader ? "true" : "false",
        "class": isLeader ? "leader" : null });
      li.appendChild(swatch(n));
      li.appendChild(el("span", { "class": "name" }, n));
      li.appendChild(el("span", { "class": "num share" }, pct(shares[n])));
      if (isLeader) { li.appendChild(el("span", { "class": "badge leader-badge" }, "★ leader")); }
      ul.appendChild(li);
    });
    if (names.length === 0) {
      ul.appendChild(el("li", { "class": "empty" }, "the ring is empty"));
    }
  }

  function renderMembers(cluster, shares, workers) {
    var tbody = $("members");
    clear(tbody);
    var now = Date.now();
    var total = 0, known = 0;
    var members = (cluster.members || []).slice().sort(function (a, b) {
      return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
    });
    members.forEach(function (m) {
      var isLeader = m.node === cluster.leader;
      var tr = el("tr", { "class": "member" + (isLeader ? " leader" : ""), "data-node": m.node,
        "data-leader": isLeader ? "true" : "false", "data-status": m.status,
        "data-in-ring": m.inRing ? "true" : "false" });

      var name = el("td", { "class": "node" });
      name.appendChild(swatch(m.node));
      name.appendChild(el("span", { "class": "name" }, m.node));
      if (isLeader) { name.appendChild(el("span", { "class": "badge leader-badge" }, "★ leader")); }
      if (m.node === cluster.node) { name.appendChild(el("span", { "class": "badge self-badge" }, "this page")); }
      tr.appendChild(name);

      var st = el("td");
      st.appendChild(el("span", { "class": "pill " + m.status }, m.status));
      tr.appendChild(st);

      tr.appendChild(el("td", { "class": m.inRing ? "yes" : "no" }, m.inRing ? "yes" : "no"));

      var share = shares[m.node] || 0;
      var sc = el("td", { "class": "share-col" });
      var box = el("div", { "class": "share-box" });
      var bar = el("span", { "class": "meter" });
      var fill = el("span", { "class": "fill" });
      fill.style.width = (share * 100).toFixed(1) + "%";
      fill.style.background = colorOf(m.node);
      bar.appendChild(fill);
      box.appendChild(bar);
      box.appendChild(el("span", { "class": "num" }, m.inRing ? pct(share) : "–"));
      sc.appendChild(box);
      tr.appendChild(sc);

      var w = workers[m.node];
      if (w) { tr.setAttribute("data-workers", w.count); }
      var wc = el("td", { "class": "r num workers" });
      if (w) {
        total += w.count;
        known++;
        var unmerged = (w.detached || 0) + (w.awaitingMerge || 0);
        wc.textContent = unmerged ? w.count + " (" + unmerged + " detached)" : w.count;
        wc.title = breakdown(w) + (unmerged ? "; " + (w.detached || 0) + " detached (partition mode available), "
          + (w.awaitingMerge || 0) + " states waiting for the conflict resolver" : "");
        if (unmerged) { wc.className += " warn"; tr.setAttribute("data-detached", unmerged); }
      } else {
        wc.textContent = "?";
        wc.className += " warn";
        wc.title = "could not reach " + m.url + "/node/workers";
      }
      tr.appendChild(wc);

      tr.appendChild(el("td", { "class": "r num" }, m.weight));
      tr.appendChild(el("td", { "class": "r num" }, m.startedAt ? duration(now - m.startedAt) : "–"));
      tr.appendChild(el("td", { "class": "num url", title: m.url }, String(m.url).replace(/^https?:\/\//, "")));
      tbody.appendChild(tr);
    });
    var foot = $("workers-total");
    foot.textContent = members.length + (members.length === 1 ? " member" : " members") + " · " +
      total + " live workers" + (known < members.length ? " (" + (members.length - known) + " unreachable)" : "") +
      typesText(workers);
  }

  function breakdown(w) {
    var byType = {};
    (w.workers || []).forEach(function (x) { byType[x.type] = (byType[x.type] || 0) + 1; });
    return Object.keys(byType).sort().map(function (t) { return t + " " + byType[t]; }).join(", ");
  }

  function typesText(workers) {
    var byType = {};
    Object.keys(workers).forEach(function (n) {
      var w = workers[n];
      if (!w) { return; }
      (w.workers || []).forEach(function (x) { byType[x.type] = (byType[x.type] || 0) + 1; });
    });
    var parts = Object.keys(byType).sort().map(function (t) { return t + " " + byType[t]; });
    return parts.length ? " · " + parts.join(" · ") : "";
  }

  function renderEvents(events) {
    var ol = $("events");
    clear(ol);
    var newest = state.lastEventAt;
    events.forEach(function (e) {
      var li = el("li", { "class": "event kind-" + String(e.kind).replace(/[^a-z0-9-]/gi, ""),
        "data-kind": e.kind });
      if (state.rendered && e.at > state.lastEventAt) { li.className += " fresh"; }
      li.appendChild(el("span", { "class": "num at", title: new Date(e.at).toISOString() }, clock(e.at)));
      li.appendChild(el("span", { "class": "kind" }, e.kind));
      li.appendChild(el("span", { "class": "text" }, e.text));
      ol.appendChild(li);
      if (e.at > newest) { newest = e.at; }
    });
    state.lastEventAt = newest;
    if (events.length === 0) {
      ol.appendChild(el("li", { "class": "empty" }, "no events yet"));
    }
  }

  // ---- reachability ----------------------------------------------------------------------

  function reachable() {
    state.failures = 0;
    state.lastOk = Date.now();
    document.body.dataset.reachable = "true";
    $("unreachable").hidden = true;
    var s = $("status");
    s.className = "status live";
    s.textContent = "live";
    $("updated").textContent = "updated " + clock(state.lastOk);
  }

  function unreachable(err) {
    state.failures++;
    document.body.dataset.reachable = "false";
    $("unreachable").hidden = false;
    var h = $("health");
    h.textContent = "unknown";
    h.className = "num bad";
    $("unreachable-detail").textContent = location.host + ": " + (err && err.name === "AbortError"
      ? "no answer within " + FETCH_TIMEOUT_MS + " ms" : (err && err.message) || "request failed") +
      (state.lastOk ? "; last answer " + duration(Date.now() - state.lastOk) + " ago." : ".");
    var s = $("status");
    s.className = "status down";
    s.textContent = "cannot reach node";
  }

  poll();
})();
