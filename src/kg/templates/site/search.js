/* The search box of every page (kg.publish): suggestions as you type, from /search on kg serve or from
   search-index.LANG.json on the static site (folded here as kg.text.fold folds, by the explorer's fold
   module); arrow keys move, Enter opens, Escape closes. Without this script the form opens the search page.
   A module of the subset kg.explore.script bundles with fold.js into one script (kg.publish.script). */
import { fold } from "./fold.js";

const input = document.getElementById("site-search");
const list = document.getElementById("site-search-list");
const root = input ? input.dataset.root || "/" : "/";
const lang = input ? input.dataset.lang || "en" : "en";
const isStatic = input ? input.dataset.static === "1" : false;
let index = null;
let items = [];
let active = -1;
let timer = 0;

export function rank(records, query, limit) {
  const key = fold(query);
  if (!key) return [];
  const ranked = [];
  for (const record of records) {
    const hits = record.keys.filter((k) => k.includes(key));
    if (!hits.length) continue;
    const best = Math.min(...hits.map((k) => (k === key ? 0 : k.startsWith(key) ? 1 : 2)));
    ranked.push([best, Math.min(...hits.map((k) => k.length)), record]);
  }
  ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return ranked.slice(0, limit).map((r) => r[2]);
}

async function suggest(query) {
  if (isStatic) {
    if (index === null) {
      const response = await fetch(`${root}search-index.${lang}.json`);
      index = await response.json();
    }
    return rank(index, query, 10).map((r) => ({ ...r, href: root + r.href }));
  }
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
      li.setAttribute("aria-selected", "false");
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
  input.removeAttribute("aria-activedescendant");
}

function move(step) {
  if (!items.length) return;
  active = (active + step + items.length) % items.length;
  for (const [i, li] of Array.from(list.children).entries()) li.setAttribute("aria-selected", String(i === active));
  input.setAttribute("aria-activedescendant", `site-search-${active}`);
}

if (input && list) {
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value;
    timer = setTimeout(async () => {
      if (!query.trim()) {
        show([]);
        return;
      }
      try {
        show(await suggest(query));
      } catch {
        show([]);
      }
    }, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      move(1);
      event.preventDefault();
    } else if (event.key === "ArrowUp") {
      move(-1);
      event.preventDefault();
    } else if (event.key === "Escape") {
      show([]);
    } else if (event.key === "Enter" && active >= 0) {
      window.location.href = items[active].href;
      event.preventDefault();
    }
  });
}
