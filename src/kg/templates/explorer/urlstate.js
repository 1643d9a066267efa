/* The reader's state in the URL's fragment, so that a link reopens the same view:
   #lang=fa&node=kgi:iran&view=table:agreement&hide=statement,slip&hops=1&z=1.200,10,-40&sort=2&filter=rail
   (`sort` is the column's position from 1, negative when descending). Pure: encodeHash and decodeHash
   are each other's inverse for every state the page can be in (Node's tests check it). */

export const MAX_HOPS = 6;

/* state: {lang, selected, view, hidden: [group], hop, hops, around, zoom: {scale, x, y}, sort: {col, dir}, filter} */
export function encodeHash(state) {
  const p = new URLSearchParams();
  p.set("lang", state.lang);
  if (state.selected) p.set("node", state.selected);
  if (state.view && state.view !== "network") p.set("view", state.view);
  if (state.hidden && state.hidden.length) p.set("hide", state.hidden.join(","));
  if (state.hop) p.set("hops", String(state.hops));
  if (state.hop && !state.selected && state.around) p.set("around", state.around);
  if (state.zoom) p.set("z", [state.zoom.scale.toFixed(3), Math.round(state.zoom.x), Math.round(state.zoom.y)].join(","));
  if (state.view && state.view.startsWith("table:")) {
    if (state.sort) p.set("sort", String((state.sort.col + 1) * state.sort.dir));
    if (state.filter) p.set("filter", state.filter);
  }
  return "#" + p.toString();
}

/* The state a fragment asks for, checked against what the page has (`known`: {groups: [key],
   isNode(id), views: [view]}): unknown values are dropped, numbers bounded. */
export function decodeHash(hash, known) {
  const p = new URLSearchParams(String(hash).replace(/^#/, ""));
  const lang = p.get("lang");
  const hide = new Set((p.get("hide") || "").split(","));
  const hops = parseInt(p.get("hops") || "", 10);
  const hop = Number.isFinite(hops) && hops > 0;
  const view = known.views.includes(p.get("view")) ? p.get("view") : "network";
  const out = {
    lang: lang === "fa" || lang === "en" ? lang : null,
    hidden: known.groups.filter((g) => hide.has(g)),
    hop,
    hops: hop ? Math.min(hops, MAX_HOPS) : 1,
    around: known.isNode(p.get("around")) ? p.get("around") : null,
    view,
    node: known.isNode(p.get("node")) ? p.get("node") : null,
    sort: null,
    filter: "",
    zoom: null,
  };
  if (view.startsWith("table:")) {
    const sort = parseInt(p.get("sort") || "", 10);
    if (Number.isFinite(sort) && sort !== 0) out.sort = { col: Math.abs(sort) - 1, dir: Math.sign(sort) };
    out.filter = p.get("filter") || "";
  }
  const z = (p.get("z") || "").split(",").map(Number);
  if (z.length === 3 && z.every(Number.isFinite) && z[0] > 0) out.zoom = { scale: z[0], x: z[1], y: z[2] };
  return out;
}
