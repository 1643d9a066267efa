/* What the reader has chosen (the one mutable state of the page), and the page's actions.

   `actions` breaks the import cycles of a user interface (a selection renders the panel, the panel
   selects): each module registers the functions others call back (Object.assign(actions, {...})) and
   calls what sits above it through `actions`, so that the modules import each other in one direction. */
import { KG } from "./data.js";

export const state = {
  lang: KG.lang,
  selected: null,
  selectedEdge: null,
  tab: "details",
  view: "network",
  groupsOn: Object.fromEntries(KG.groups.map((g) => [g.key, true])),
  hop: false,
  hops: 1,
  edgeLabels: false,
  firstViewAt: null,
  layoutRuns: 0,
  stabilised: true,
  animating: false,
  results: [],
  active: -1,
  sort: {},
  filter: {},
  restoring: false,
  around: null,
  complete: true,
  booting: false,
  booted: false,
  home: null,
  draws: 0,
};

export const actions = {};
