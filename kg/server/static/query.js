/* The query page: YASGUI (from npm, served locally) pointed at this server's /sparql, with the
 * analysts' queries from queries/ one click away. Nothing is requested from other hosts: the
 * LOV-backed class/property autocompleters are switched off and the endpoint list is ours only.
 *
 * Three things are told to YASGUI that it cannot know by itself:
 * - the prefixes the server predeclares (ckg:, rdfs:, ...), so the editor's grammar does not mark a
 *   query that uses them without PREFIX lines as an error (and the run button stays ready);
 * - how to show a result cell: a number or date as it reads ("5", not "5"^^xsd:integer; the
 *   datatype on hover), an IRI minted under the graph's base as a link to its page on this server,
 *   in the same tab, another http(s) IRI as an outside link, and any other scheme (javascript:,
 *   data:, ...) as text, never as a link;
 * - that CONSTRUCT answers open on the graph view. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("kg-config").textContent);
  const queries = JSON.parse(document.getElementById("kg-queries").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).href;
  KG.base = config.base;
  KG.root = config.root;
  const Yasqe = Yasgui.Yasqe;

  // -- predeclared prefixes: every editor state starts with them, as the server's queries do ------
  const sparqlMode = Yasqe.modes && Yasqe.modes.sparql11;
  if (sparqlMode && !sparqlMode.kgPrefixes) {
    const wrapped = function (cmConfig, modeConfig) {
      const mode = sparqlMode(cmConfig, modeConfig);
      const start = mode.startState;
      mode.startState = function () {
        const state = start.apply(this, arguments);
        state.prefixes = Object.assign({}, config.prefixes, state.prefixes);
        return state;
      };
      return mode;
    };
    wrapped.kgPrefixes = true;
    Yasqe.defineMode("sparql11", wrapped);
  }

  // -- result cells -----------------------------------------------------------------------------
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map((t) => XSD + t));

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                       '"': "&quot;", "'": "&#39;" })[c]);
  }
  function shortName(iri, prefixes) {
    for (const [prefix, ns] of Object.entries(prefixes || {})) {
      if (ns && iri.startsWith(ns) && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
    }
    return iri;
  }
  /** Where a result IRI goes in a browser: its page here, itself when http(s), else nowhere. */
  KG.resultHref = function (iri) {
    if (KG.base && iri.startsWith(KG.base)) return KG.localHref(iri, KG.base);
    return /^https?:/i.test(iri) ? iri : null;
  };
  function cellHtml(binding, prefixes) {
    if (binding.type === "uri") {
      // an IRI minted here reads as its path under the base (event/...), the full IRI on hover
      const local = KG.base && binding.value.startsWith(KG.base) && binding.value.length > KG.base.length;
      const shown = escapeHtml(local ? binding.value.slice(KG.base.length) : shortName(binding.value, prefixes));
      const href = KG.resultHref(binding.value);
      if (!href) return `<div><span class="iri-text" title="${escapeHtml(binding.value)}">${shown}</span></div>`;
      const here = !/^https?:/i.test(href);
      return `<div><a class="iri${here ? " local" : ""}" href="${escapeHtml(href)}" title="${escapeHtml(binding.value)}"` +
             (here ? "" : ' target="_blank" rel="noopener noreferrer"') + `>${shown}</a></div>`;
    }
    if (binding.type === "bnode") return `<div><span class="nonIri">_:${escapeHtml(binding.value)}</span></div>`;
    const datatype = binding.datatype;
    const cls = datatype && NUMERIC.has(datatype) ? "nonIri number" : "nonIri";
    const title = datatype ? ` title="${escapeHtml(shortName(datatype, prefixes))}"` : "";
    const lang = binding["xml:lang"] ? `<sup class="lang">@${escapeHtml(binding["xml:lang"])}</sup>` : "";
    return `<div><span class="${cls}"${title}>${escapeHtml(binding.value)}</span>${lang}</div>`;
  }
  const Table = Yasgui.Yasr.plugins.table;
  if (Table) {
    Table.prototype.getCellContent = cellHtml;
    Table.defaults.openIriInNewWindow = false;
  }

  // "class" and "property" completion ask lov.linkeddata.es: keep only the offline completers.
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  if (window.vis) Yasgui.Yasr.registerPlugin("Graph", KG.YasrGraphPlugin);

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: "conflict-kg",
    yasqe: { value: config.initial },
    endpointCatalogueOptions: {
      getData: () => [{ endpoint: endpoint }],
      keys: [],
      renderItem: (data, source) => {
        const item = document.createElement("div");
        item.textContent = data.value.endpoint;
        source.appendChild(item);
      },
    },
  });
  window.kgYasgui = yasgui;

  // A CONSTRUCT answer opens on the graph view; a SELECT answer on the table. The tab announces the
  // response before handing it to YASR, hence the deferral.
  yasgui.on("queryResponse", (_instance, tab) => {
    setTimeout(() => {
      const yasr = tab.getYasr();
      const results = yasr.results;
      const graph = !!(window.vis && results && !results.hasError() && results.getType() === "ttl");
      const selected = yasr.getSelectedPluginName();
      if (graph && selected !== "Graph") yasr.selectPlugin("Graph");
      else if (!graph && selected === "Graph") yasr.selectPlugin("table");
    }, 0);
  });

  function open(name) {
    const q = queries.find((item) => item.name === name);
    if (!q) return;
    let tab = Object.values(yasgui._tabs).find((t) => t.getName() === q.title);
    if (tab) yasgui.selectTabId(tab.getId());
    else tab = yasgui.addTab(true, { name: q.title, yasqe: { value: q.text },
                                      requestConfig: { endpoint: endpoint, method: "POST" } });
    tab.setQuery(q.text);
    tab.getYasqe().refresh();
    return tab;
  }
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => open(button.dataset.name));
  }
  // /?open=NAME (the "open in the editor" links of /queries) opens that canned query in its own tab
  const asked = new URLSearchParams(window.location.search).get("open");
  if (asked && queries.some((q) => q.name === asked)) open(asked);
})();
