/* The search box of every page (kg.publish): suggestions as you type, from /search on kg serve or from
   search-index.json on the static site; arrow keys move, Enter opens, Escape closes. The form still
   works without this script (it opens the search page). */
(() => {
  "use strict";
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-search-list");
  if (!input || !list) return;
  const root = input.dataset.root || "/";
  const lang = input.dataset.lang || "en";
  const isStatic = input.dataset.static === "1";
  let index = null;
  let items = [];
  let active = -1;
  let timer = 0;

  function fold(text) {
    /* On the static site: the key kg.text.fold computes, from the table shipped in the index. */
    const table = index.fold;
    let out = "";
    for (const ch of String(text).normalize("NFC")) {
      if (Object.prototype.hasOwnProperty.call(table, ch)) { out += table[ch]; continue; }
      if (/[\s\p{P}]/u.test(ch)) continue;
      const plain = ch.normalize("NFKD").replace(/\p{M}/gu, "");
      out += plain.toLowerCase();
    }
    return out;
  }

  async function staticSuggest(query) {
    if (index === null) {
      const response = await fetch(`${root}search-index.${lang}.json`);
      index = await response.json();
    }
    const key = fold(query);
    if (!key) return [];
    const ranked = [];
    for (const r of index.records) {
      const hits = r.keys.filter((k) => k.includes(key));
      if (!hits.length) continue;
      const rank = Math.min(...hits.map((k) => (k === key ? 0 : k.startsWith(key) ? 1 : 2)));
      ranked.push([rank, Math.min(...hits.map((k) => k.length)), r]);
    }
    ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return ranked.slice(0, 10).map((x) => ({ ...x[2], href: root + x[2].href }));
  }

  async function suggest(query) {
    if (isStatic) return staticSuggest(query);
    const response = await fetch(`${root}search?${new URLSearchParams({ q: query, lang })}`);
    return response.ok ? response.json() : [];
  }

  function show(found) {
    items = found;
    active = -1;
    list.replaceChildren(
      ...found.map((item, i) => {
        const li = document.createElement("li");
        li.id = `site-search-${i}`;
        li.setAttribute("role", "option");
        const a = document.createElement("a");
        a.href = item.href;
        a.dir = "auto";
        a.textContent = item.label;
        li.append(a);
        if (item.class) {
          const kind = document.createElement("span");
          kind.className = "kind";
          kind.dir = "auto";
          kind.textContent = ` ${item.class}`;
          li.append(kind);
        }
        return li;
      }),
    );
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  function move(step) {
    if (!items.length) return;
    active = (active + step + items.length) % items.length;
    for (const [i, li] of Array.from(list.children).entries()) li.setAttribute("aria-selected", String(i === active));
    input.setAttribute("aria-activedescendant", `site-search-${active}`);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value;
    timer = setTimeout(async () => {
      if (!query.trim()) { show([]); return; }
      try { show(await suggest(query)); } catch { show([]); }
    }, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { move(1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { move(-1); event.preventDefault(); }
    else if (event.key === "Escape") { show([]); }
    else if (event.key === "Enter" && active >= 0) { window.location.href = items[active].href; event.preventDefault(); }
  });
})();
