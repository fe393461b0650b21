/* The top bar's search box: names suggested while typing (from /search?format=json, a few at a time),
 * and picking one opens its page. Options are built with textContent/value, never parsed as HTML.
 * Without JavaScript the box is a plain form that submits to /search. */
(function () {
  "use strict";
  const form = document.querySelector("form.topsearch");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = document.createElement("datalist");
  list.id = "topsearch-suggestions";
  form.appendChild(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  let hrefs = new Map();
  let timer = null;
  let asked = "";

  function suggest() {
    const text = input.value.trim();
    if (text.length < 2 || text === asked) return;
    asked = text;
    const url = form.action + "?format=json&limit=8&q=" + encodeURIComponent(text);
    fetch(url, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((body) => {
        if (input.value.trim() !== text) return; // typed on meanwhile
        list.replaceChildren();
        hrefs = new Map();
        for (const hit of body.results) {
          const option = document.createElement("option");
          option.value = hit.label;
          option.textContent = hit.kind + (hit.matched ? " · also called " + hit.matched : "");
          list.appendChild(option);
          if (hit.href && !hrefs.has(hit.label)) hrefs.set(hit.label, hit.href);
        }
      })
      .catch(() => {});
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const href = hrefs.get(input.value); // a suggestion picked: go to its page
    if (href && /^(\/|https?:\/\/)/.test(href)) {
      window.location.href = href;
      return;
    }
    timer = setTimeout(suggest, 150);
  });
})();
