/* Shared graph drawing for the query page (CONSTRUCT results) and the entity pages.
 * Uses vis-network (served from /assets/vendor, installed from npm) when present. Labels are drawn
 * on a canvas and tooltips are plain text, so no value from an article is ever parsed as HTML. */
(function () {
  "use strict";
  const KG = (window.KG = window.KG || {});
  const MAX_NODES = 400;

  const GROUPS = {
    center: { color: { background: "#d9480f", border: "#a63a0c" }, font: { color: "#fff" }, shape: "box" },
    Attack: { color: { background: "#c92a2a", border: "#8b1e1e" }, font: { color: "#fff" }, shape: "box" },
    DiplomaticAction: { color: { background: "#1971c2", border: "#0b4f8a" }, font: { color: "#fff" }, shape: "box" },
    Event: { color: { background: "#5f3dc4", border: "#3b2585" }, font: { color: "#fff" }, shape: "box" },
    Place: { color: { background: "#2b8a3e", border: "#1b5e28" }, font: { color: "#fff" }, shape: "ellipse" },
    Actor: { color: { background: "#fff4e6", border: "#e8590c" }, shape: "ellipse" },
    Source: { color: { background: "#f1f3f5", border: "#868e96" }, shape: "box" },
    literal: { color: { background: "#fff", border: "#adb5bd" }, shape: "box", font: { size: 11 } },
    node: { color: { background: "#e7f5ff", border: "#339af0" }, shape: "ellipse" },
  };

  /** Draw nodes/edges ({id,label,title,group,href}) into container; returns the vis Network or null. */
  KG.drawGraph = function (container, nodes, edges, options) {
    container.dataset.nodes = String(nodes.length);
    container.dataset.edges = String(edges.length);
    if (!window.vis || !window.vis.Network) {
      container.classList.add("no-graph");
      container.textContent = "The interactive graph needs vis-network: run scripts/build_assets.py.";
      return null;
    }
    const data = { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) };
    const network = new vis.Network(container, data, Object.assign({
      groups: GROUPS,
      nodes: { font: { size: 14, face: "system-ui, sans-serif" }, margin: 8, widthConstraint: { maximum: 220 } },
      edges: { arrows: "to", font: { size: 11, align: "middle", face: "system-ui, sans-serif" },
               color: { color: "#868e96" }, smooth: { type: "dynamic" } },
      physics: { stabilization: { iterations: 250 }, barnesHut: { springLength: 160, avoidOverlap: 0.3 } },
      interaction: { hover: true, tooltipDelay: 150 },
    }, options || {}));
    network.once("afterDrawing", () => { container.dataset.drawn = "1"; });
    network.on("doubleClick", (params) => {
      const node = params.nodes.length ? data.nodes.get(params.nodes[0]) : null;
      if (node && KG.followable(node.href)) window.location.href = node.href;
    });
    container.kgNetwork = network;
    return network;
  };

  /** Only pages of this server (a path) and http(s) addresses are followed: never javascript: or data:. */
  KG.followable = function (href) {
    return typeof href === "string" && (/^\/(?!\/)/.test(href) || /^https?:\/\//i.test(href));
  };

  function shorten(iri, prefixes) {
    for (const [prefix, ns] of Object.entries(prefixes || {})) {
      if (ns && iri.startsWith(ns) && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
    }
    const cut = Math.max(iri.lastIndexOf("#"), iri.lastIndexOf("/"));
    return cut >= 0 && cut < iri.length - 1 ? iri.slice(cut + 1) : iri;
  }
  KG.shorten = shorten;

  const LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
  const TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

  /** RDF/JS quads (as YASR's N3 parser gives them) -> nodes and edges; rdfs:label names nodes. */
  KG.quadsToGraph = function (quads, prefixes, base) {
    const nodes = new Map();
    const edges = [];
    const labels = new Map();
    const types = new Map();
    for (const q of quads) {
      if (q.predicate.value === LABEL && q.object.termType === "Literal") labels.set(q.subject.value, q.object.value);
      if (q.predicate.value === TYPE) types.set(q.subject.value, shorten(q.object.value, prefixes));
    }
    function node(term) {
      const key = (term.termType === "Literal" ? "lit:" + edges.length + ":" : "") + term.value;
      if (!nodes.has(key)) {
        if (term.termType === "Literal") {
          nodes.set(key, { id: key, label: term.value.length > 60 ? term.value.slice(0, 57) + "…" : term.value,
                           title: term.value, group: "literal" });
        } else {
          const label = labels.get(term.value) || shorten(term.value, prefixes);
          const kind = types.get(term.value);
          nodes.set(key, { id: key, label: label, title: term.value + (kind ? "\n" + kind : ""), group: "node",
                           href: base && term.value.startsWith(base) ? KG.localHref(term.value, base) : undefined });
        }
      }
      return key;
    }
    for (const q of quads) {
      if (nodes.size > MAX_NODES) break;
      if (q.predicate.value === LABEL) { node(q.subject); continue; }
      edges.push({ from: node(q.subject), to: node(q.object), label: shorten(q.predicate.value, prefixes),
                   title: q.predicate.value });
    }
    return { nodes: Array.from(nodes.values()), edges: edges };
  };

  /** The path on this server where an entity IRI minted under `base` is described. */
  KG.localHref = function (iri, base) {
    return new URL("id/" + iri.slice(base.length), new URL(KG.root || "/", window.location.href)).pathname;
  };

  /** A YASR plugin showing CONSTRUCT / DESCRIBE results as an interactive graph. */
  KG.YasrGraphPlugin = class {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 20;
      this.label = "Graph";
    }
    canHandleResults() {
      const r = this.yasr.results;
      return !!(r && !r.hasError() && r.getType && r.getType() === "ttl" && r.getStatements().length);
    }
    getIcon() {
      const icon = document.createElement("span");
      icon.textContent = "◉";
      return icon;
    }
    draw() {
      const el = document.createElement("div");
      el.className = "kg-graph kg-construct-graph";
      this.yasr.resultsEl.appendChild(el);
      const graph = KG.quadsToGraph(this.yasr.results.getStatements(), this.yasr.getPrefixes(), KG.base);
      KG.drawGraph(el, graph.nodes, graph.edges);
    }
  };
})();
