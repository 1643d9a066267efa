/* The search box of every page (kg.publish): suggestions as you type, from /search on kg serve or from
   search-index.LANG.json on the static site (folded here as kg.text.fold folds, by the explorer's fold
   module); arrow keys move, Enter opens, Escape closes. Without this script the form opens the search page.
   A module of the subset kg.explore.script bundles with fold.js into one script (kg.publish.script). */
import { fold } from "./fold.js";
import { formatCount } from "./format.js";

const input = document.getElementById("site-search");
const list = document.getElementById("site-search-list");
const root = input && input.dataset.root !== undefined ? input.dataset.root : "/"; // "" at the static site's top
const lang = input ? input.dataset.lang || "en" : "en";
const isStatic = input ? input.dataset.static === "1" : false;
let index = null;

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
  const response = await fetch(`${root}search.json?${new URLSearchParams({ q: query, lang })}`);
  return response.ok ? response.json() : [];
}

/* A found resource into ``li``: its label, a link to its page, and its class; the link. */
function entry(li, item) {
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
  return a;
}

/* What the search box says of its suggestions, in the page's language (the header box's data-none and
   data-count): nothing matched «TEXT» (shown, the typed text isolated in a <bdi>), or how many (for screen
   readers only: the list shows them). Said in ``status``, a live region that is on the page from the start. */
const texts = document.getElementById("site-search");
function say(status, found, query) {
  if (!status) return;
  if (!query.trim() || found === null) {
    status.replaceChildren();
    return;
  }
  if (!found.length) {
    const [before, after = ""] = (texts ? texts.dataset.none || "" : "").split("{query}");
    const typed = document.createElement("bdi");
    typed.textContent = query;
    status.replaceChildren(before, typed, after);
    return;
  }
  const count = document.createElement("span");
  count.className = "visually-hidden";
  count.textContent = (texts ? texts.dataset.count || "" : "").replace("{n}", formatCount(found.length, lang));
  status.replaceChildren(count);
}

/* One combobox: suggestions under ``input`` in ``list``, what they are said in ``status``; ``choose(item)``
   when one is picked. */
function attach(input, list, choose, status) {
  let items = [];
  let active = -1;
  let timer = 0;

  function show(found, query = "") {
    say(status, found, query);
    found = found || [];
    items = found;
    active = -1;
    list.replaceChildren(
      ...found.map((item, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const a = entry(li, item);
        a.addEventListener("click", (event) => {
          if (choose(item)) event.preventDefault();
          show([]);
        });
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
    input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value;
    timer = setTimeout(async () => {
      if (!query.trim()) {
        show([]);
        return;
      }
      let found = null; // null: no answer (the network, the server): nothing is said
      try {
        found = await suggest(query);
      } catch {
        found = null;
      }
      if (input.value === query) show(found, query); // a later keystroke's answer is the one shown
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
      const item = items[active];
      if (!choose(item)) window.location.href = item.href;
      show([]);
      event.preventDefault();
    }
  });
}

/* The search page of the static site: its results, found in the browser from ?q= */
async function fillResults(box) {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  if (!query.trim()) return;
  input.value = query;
  const found = await suggest(query);
  const heading = document.querySelector("h1");
  if (heading) {
    const typed = document.createElement("bdi"); // the reader's text, isolated: it never reorders the heading
    typed.textContent = query;
    heading.append(": ", typed);
  }
  if (!found.length) {
    const none = document.createElement("p");
    none.textContent = box.dataset.none || "";
    box.replaceChildren(none);
    return;
  }
  const ul = document.createElement("ul");
  ul.className = "results";
  for (const item of found) {
    const li = document.createElement("li");
    entry(li, item);
    ul.append(li);
  }
  box.replaceChildren(ul);
}

if (input && list) {
  attach(input, list, () => false, document.getElementById("site-search-status"));
  const results = document.getElementById("search-results");
  if (isStatic && results) fillResults(results).catch(() => {});
}

/* Question forms: an IRI parameter takes a name; the chosen entity's IRI (prefixed) becomes the value. */
for (const [i, field] of Array.from(document.querySelectorAll('form.params input[data-type="iri"]')).entries()) {
  const box = document.createElement("ul");
  box.id = `param-list-${i}`;
  box.className = "suggestions";
  box.setAttribute("role", "listbox");
  box.hidden = true;
  field.after(box);
  field.setAttribute("role", "combobox");
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-expanded", "false");
  field.setAttribute("aria-controls", box.id);
  field.setAttribute("autocomplete", "off");
  const status = document.createElement("p");
  status.className = "search-status";
  status.setAttribute("role", "status");
  box.after(status);
  attach(
    field,
    box,
    (item) => {
      field.value = item.curie || `<${item.iri}>`;
      return true;
    },
    status,
  );
}
