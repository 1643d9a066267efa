/* The editor page of kg serve (/editor): YASGUI on this site's /query, in the page's language, keeping
   nothing in the browser. A module of the subset kg.explore.script bundles (with the explorer's
   format.js, the one number formatter) into the page's one inline script (kg.site.editor).

   The page's settings (#editor-settings): the query text, the prefixes, the page's language and
   direction, the names of YASGUI's controls and its texts in that language (from i18n.toml [site]).

   Nothing is kept between visits: YASGUI keeps its tabs, queries and results only under a persistence
   id (none is given), but its prefix completer keeps the prefixes it fetched in localStorage under its
   own id ("prefixes") whatever the editor's; it is registered again without one, and what an earlier
   page kept there (YASGUI's "triply" namespace) is removed. */
/* global Yasgui */
import { formatCount, formatNumber } from "./format.js";

const S = JSON.parse(document.getElementById("editor-settings").textContent);
const { lang, dir, words } = S;
const say = (element, attribute, value) => {
  if (value && element.getAttribute(attribute) !== value) element.setAttribute(attribute, value);
};
const fill = (template, values) =>
  Object.entries(values).reduce((text, [key, value]) => text.split("{" + key + "}").join(value), template);

// Nothing kept: the prefix completer without its storage id, and what was kept before removed.
Yasgui.Yasqe.registerAutocompleter({ ...Yasgui.Yasqe.Autocompleters.prefixes, persistenceId: null });
Yasgui.Yasqe.clearStorage();

// The result table's texts and numbers (DataTables' own options): the counter, the empty table, the
// sorting announcements, the page numbers in the page's digits.
const table = Yasgui.Yasr.plugins.table.defaults.tableConfig;
table.language = { ...table.language, ...S.table };
table.formatNumber = (n) => formatCount(n, lang);

// The answer's size and time above the results ("16 results in 0.05 seconds"), in the page's language.
Yasgui.Yasr.prototype.updateResponseInfo = function () {
  let text = "";
  if (this.results) {
    this.dataElement.classList.remove("empty");
    const rows = this.results.getBindings();
    const forms = words.rows; // one string, or English's forms by CLDR's plural category
    if (rows) text = fill(typeof forms === "string" ? forms : rows.length === 1 ? forms.one : forms.other, { n: formatCount(rows.length, lang) });
    const time = this.results.getResponseTime();
    if (time) text = fill(text ? words.rows_in_time : words.answer_in_time, { rows: text, s: formatNumber(time / 1000, lang) });
  } else {
    this.dataElement.classList.add("empty");
  }
  this.dataElement.textContent = text;
  say(this.dataElement, "lang", lang);
  say(this.dataElement, "dir", dir);
};

const endpoint = new URL("/query", window.location.href).href;
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: endpoint, method: "POST" },
  copyEndpointOnNewTab: false,
  persistenceId: null,
  tabName: words.tab,
  endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
  yasr: { prefixes: S.prefixes, persistenceId: null },
  yasqe: { value: S.text, prefixCcApi: new URL("/prefixes.json", window.location.href).href, persistenceId: null },
});
yasgui.getTab().setQuery(S.text);

// YASGUI's own controls, named in the page's language, now and whenever it draws more (its results,
// its settings): named inputs and selects, its English texts replaced, one tab (no "add tab" button
// inside the tab list, which may hold only tabs).
const root = document.getElementById("yasgui");
const OWN = new Set(Object.values(S.texts));
const HTML = "http://www.w3.org/1999/xhtml";
const TEXTS = ".tabsList span, .tabContextButton title, .tabMenu label, .tableControls span, .pageSizerLabel";
const mend = () => {
  for (const [selector, name] of Object.entries(S.names)) {
    for (const element of root.querySelectorAll(selector)) say(element, "aria-label", name);
  }
  for (const [selector, [title, name, own]] of Object.entries(S.controls)) {
    for (const element of root.querySelectorAll(selector)) {
      say(element, "title", title);
      say(element, "aria-label", name);
      if (element.tagName === "INPUT") say(element, "placeholder", name);
      const text = own && (element.querySelector("span") || (element.children.length ? null : element));
      if (text && text.textContent !== own) text.textContent = own;
      say(element, "lang", lang);
    }
  }
  // Texts YASGUI writes in English (settings, table switches, tab name): replaced where they are.
  for (const element of root.querySelectorAll(TEXTS)) {
    if (element.children.length) continue;
    const found = element.textContent.trim();
    const own = S.texts[found];
    if (own && own !== found) element.textContent = own;
    if (own || OWN.has(found)) {
      say(element, "lang", lang);
      if (element.namespaceURI === HTML) say(element, "dir", dir);
    }
  }
  // The settings' unnamed inputs: an argument's or a header's name and value, a graph's IRI.
  for (const row of root.querySelectorAll(".tabMenu .textRow")) {
    const [name, value] = row.querySelectorAll("input");
    if (name) say(name, "aria-label", words.argument_name);
    if (value) say(value, "aria-label", words.argument_value);
  }
  for (const input of root.querySelectorAll(".tabMenu .graphInput input")) say(input, "aria-label", words.graph_iri);
  for (const add of root.querySelectorAll(".tabsList .addTab")) add.parentElement.remove();
  for (const rename of root.querySelectorAll(".tabsList input")) rename.remove();
};
mend();
new MutationObserver(mend).observe(root, { childList: true, subtree: true, characterData: true });
