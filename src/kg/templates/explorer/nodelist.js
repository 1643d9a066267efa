/* The graph's nodes for the keyboard and screen readers: the nodes the network view shows, as a list of
   buttons (in the side bar, folded), in the order of their labels. The canvas cannot take focus node by
   node; this list can, and a node chosen here is selected as a click on the canvas would. */
import { model } from "./data.js";
import { state } from "./state.js";
import { $, count, el, label } from "./ui.js";
import { visibleNode } from "./graph.js";
import { nodeButton } from "./panel.js";

const shownNodes = () => model.NODE_IDS.filter((id) => visibleNode.get(id));

export function renderNodeList() {
  const shown = shownNodes();
  $("node-list-count").textContent = "(" + count(shown.length) + ")";
  const box = $("node-list-box");
  /* the buttons are built while the list is open (and when it opens), not for every filter change */
  if (!box.open) return $("node-list").replaceChildren();
  const collator = new Intl.Collator(state.lang);
  shown.sort((a, b) => collator.compare(label(a), label(b)) || (a < b ? -1 : 1));
  $("node-list").replaceChildren(...shown.map((id) => el("li", null, nodeButton(id))));
}

export function wireNodeList() {
  $("node-list-box").addEventListener("toggle", renderNodeList);
}
