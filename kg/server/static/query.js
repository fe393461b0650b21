/* The query page: YASGUI (from npm, served locally) pointed at this server's /sparql, with the
 * analysts' queries from queries/ one click away. Nothing is requested from other hosts: the
 * LOV-backed class/property autocompleters are switched off and the endpoint list is ours only. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("kg-config").textContent);
  const queries = JSON.parse(document.getElementById("kg-queries").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).href;
  KG.base = config.base;
  KG.root = config.root;

  // "class" and "property" completion ask lov.linkeddata.es: keep only the offline completers.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
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
  }
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => open(button.dataset.name));
  }
})();
