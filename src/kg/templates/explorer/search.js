/* Finding entities by name. Names of a node: strong (labels, alternative labels, id) and weak (its
   class, its kinds and domains, the properties it has): "memorandum" finds the agreements whose kind is
   one. Latin queries match whole words from their start ("Temir" does not find "Emir"), after a light
   stemming ("signed" finds "signing" and "signatory"), then as a transliteration skeleton ("Tokaev"
   finds "Tokayev", "Berdymukhamedov" finds "Berdimuhamedow"); other scripts match the folded text
   anywhere (Persian is written with or without its spaces and ZWNJs). */
import { fold } from "./fold.js";

const LATIN_QUERY = /^[\p{Script=Latin}\p{N}\s'’.,-]+$/u;
const wordsOf = (text) => String(text).split(/[^\p{L}\p{N}]+/u).map(fold).filter(Boolean);
const stem = (w) => (w.length > 4 ? w.replace(/(ing|ed|es|s)$/u, "") : w);

export function skeleton(w) {
  return w
    .replace(/kh/g, "h")
    .replace(/[sz]h/g, "j")
    .replace(/dj/g, "j")
    .replace(/ph/g, "f")
    .replace(/w/g, "v")
    .replace(/[qc]/g, "k")
    .replace(/[aeiouy]+/g, "a")
    .replace(/(.)\1+/g, "$1");
}

function nameEntry(text, weak) {
  const words = wordsOf(text);
  return { key: fold(text), words, skel: words.map(skeleton), weak };
}

/* Every node's names, in both languages (a model of model.js). */
export function buildNames(model) {
  const { META, NODE_IDS, OUT, groupOf, classLabel, propLabel } = model;
  return new Map(
    NODE_IDS.map((id) => {
      const m = META[id];
      const strong = [m.label_en, m.label_fa, id, id.split(":").slice(1).join(":"), ...m.alt_labels.map((a) => a[0])];
      const weak = [classLabel(m.cls, "en"), classLabel(m.cls, "fa"), groupOf[m.group].label.en, groupOf[m.group].label.fa];
      for (const v of m.values) if (v.label) weak.push(v.label.en, v.label.fa);
      for (const e of OUT.get(id)) weak.push(propLabel(e.prop, "en"), propLabel(e.prop, "fa"));
      return [id, [...new Set(strong)].map((n) => nameEntry(n, false)).concat([...new Set(weak)].map((n) => nameEntry(n, true)))];
    }),
  );
}

const prefixOfSome = (q, words) => words.some((w) => w.startsWith(q));
/* [tier, exact, whole words, share of the name covered], or null */
function score(query, name) {
  if (!query.key) return null;
  const cover = Math.min(1, query.key.length / (name.key.length || 1));
  const tier = name.weak ? 1 : 3;
  if (!query.latin) return name.key.includes(query.key) ? [tier, name.key === query.key ? 1 : 0, name.words.includes(query.key) ? 1 : 0, cover] : null;
  if (query.words.every((q) => prefixOfSome(q, name.words)))
    return [tier, name.key === query.key ? 1 : 0, query.words.every((q) => name.words.includes(q)) ? 1 : 0, cover];
  if (query.words.every((q) => prefixOfSome(stem(q), name.words))) return [tier, 0, 0, cover];
  if (!name.weak && query.words.every((q) => q.length > 3 && prefixOfSome(skeleton(q), name.skel))) return [2, 0, 0, cover];
  return null;
}
const better = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];

/* The ids of the nodes whose names match `text`, the best first (ties by id). */
export function searchNames(names, text) {
  const query = { key: fold(text), words: wordsOf(text), latin: LATIN_QUERY.test(text) };
  if (!query.key || (query.latin && !query.words.length)) return [];
  const found = [];
  for (const [id, entries] of names) {
    let best = null;
    for (const name of entries) {
      const s = score(query, name);
      if (s && (!best || better(s, best) > 0)) best = s;
    }
    if (best) found.push([id, best]);
  }
  found.sort((a, b) => better(b[1], a[1]) || (a[0] < b[0] ? -1 : 1));
  return found.map((f) => f[0]);
}
