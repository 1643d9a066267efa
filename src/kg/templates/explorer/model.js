/* The page's data as the views read it: the projection's nodes (attributes under the projection's own
   names, kg.project.to_networkx), its edges and their indexes, and the labels of nodes, classes and
   properties in a language. Pure: built from the data object alone (Node's tests build it from JSON). */

export function buildModel(kg) {
  const META = kg.nodes;
  const NODE_IDS = Object.keys(META);
  const EDGES = kg.edges;
  const EDGE_BY_ID = new Map(EDGES.map((e) => [e.id, e]));
  const ADJ = new Map(NODE_IDS.map((id) => [id, new Set()]));
  const OUT = new Map(NODE_IDS.map((id) => [id, []]));
  const IN = new Map(NODE_IDS.map((id) => [id, []]));
  for (const e of EDGES) {
    ADJ.get(e.from).add(e.to);
    ADJ.get(e.to).add(e.from);
    OUT.get(e.from).push(e);
    IN.get(e.to).push(e);
  }
  const groupOf = Object.fromEntries(kg.groups.map((g) => [g.key, g]));
  const label = (id, lang) => META[id]["label_" + lang];
  /* the language a node's label is really in (a label missing in one language falls back to the other) */
  const labelLang = (id, lang) => (META[id].label_en === META[id].label_fa ? undefined : lang);
  const propLabel = (prop, lang) => (kg.props[prop] || {})[lang] || prop;
  const classLabel = (cls, lang) => (kg.classes[cls] || {})[lang] || cls;
  const edgeLabel = (edge, lang) => edge["label_" + lang] || propLabel(edge.prop, lang);
  return { kg, META, NODE_IDS, EDGES, EDGE_BY_ID, ADJ, OUT, IN, groupOf, label, labelLang, propLabel, classLabel, edgeLabel };
}

/* The literals of a list in `lang`, or all of them when none is. */
export function pickLang(literals, lang) {
  const here = literals.filter((l) => l.lang === lang);
  return here.length ? here : literals;
}
