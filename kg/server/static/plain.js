/* The plain query form (no editor installed, or ?plain=1): POST the query to /sparql and show the
 * JSON results as a table built with textContent, so values are never parsed as HTML.
 * Without JavaScript the form still posts to /sparql and the browser shows the raw answer. */
(function () {
  "use strict";
  const form = document.getElementById("plain-form");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const queries = JSON.parse(document.getElementById("kg-queries").textContent);
  const config = JSON.parse(document.getElementById("kg-config").textContent);
  const base = config.base;
  const root = config.root;
  const picker = document.getElementById("examples");
  if (picker) {
    picker.addEventListener("change", () => {
      const q = queries.find((item) => item.name === picker.value);
      if (q) form.query.value = q.text;
    });
  }

  function cell(binding) {
    const td = document.createElement("td");
    if (!binding) return td;
    if (binding.type === "uri" && /^https?:\/\//i.test(binding.value)) {
      // only http(s) IRIs become links (a javascript: IRI from the data stays text); IRIs minted
      // under the graph's base open their page on this server, in the same tab
      const a = document.createElement("a");
      a.href = base && binding.value.startsWith(base)
        ? new URL("id/" + binding.value.slice(base.length), new URL(root, window.location.href)).pathname
        : binding.value;
      a.textContent = binding.value;
      td.appendChild(a);
    } else {
      td.textContent = binding.value;
    }
    return td;
  }

  function table(json) {
    const t = document.createElement("table");
    t.className = "results-table";
    if (typeof json.boolean === "boolean") {
      t.insertRow().insertCell().textContent = String(json.boolean);
      return t;
    }
    const head = t.createTHead().insertRow();
    for (const v of json.head.vars) {
      const th = document.createElement("th");
      th.textContent = "?" + v;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const b of json.results.bindings) {
      const row = body.insertRow();
      for (const v of json.head.vars) row.appendChild(cell(b[v]));
    }
    return t;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "running…";
    results.replaceChildren();
    const started = performance.now();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9",
                   "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: form.query.value }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(text || response.statusText);
      if ((response.headers.get("Content-Type") || "").includes("json") && !text.trimStart().startsWith("[")) {
        const json = JSON.parse(text);
        if (json.head) {
          results.appendChild(table(json));
          const n = json.results ? json.results.bindings.length : 1;
          status.textContent = n + " result" + (n === 1 ? "" : "s") + " in " + Math.round(performance.now() - started) + " ms";
          return;
        }
      }
      const pre = document.createElement("pre");
      pre.textContent = text;
      results.appendChild(pre);
      status.textContent = "done";
    } catch (err) {
      status.textContent = "error: " + err.message;
      status.classList.add("error");
    }
  });
})();
