/* Entity page: draw the neighbourhood graph from the JSON the server embedded in the page. */
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-graph-data").textContent);
  const container = document.getElementById("entity-graph");
  if (container) KG.drawGraph(container, data.nodes, data.edges);
})();
