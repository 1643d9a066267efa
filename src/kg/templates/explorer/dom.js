/* Building elements, apart from any page's state: the explorer's panels and the static site's SPARQL page
   both build theirs with these. Every text is set as text (textContent, append of a string); nothing is
   ever parsed as HTML. */

export const $ = (id) => document.getElementById(id);

/* An element with `props` (class, on: {event: handler}, style, data-/aria- attributes, role, any other
   property such as title, lang, dir, href, onclick) and its children (strings as text; null, undefined and
   false left out; arrays flattened). */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
