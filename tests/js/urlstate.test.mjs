// The reader's state in the URL's fragment (urlstate.js): written and read back, hostile values dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_HOPS, decodeHash, encodeHash } from "../../src/kg/templates/explorer/urlstate.js";

const known = {
  groups: ["person", "agreement", "statement"],
  isNode: (id) => ["kgi:iran", "kgi:kassym-jomart-tokayev"].includes(id),
  views: ["network", "table:agreement", "table:person", "questions", "timeline"],
};

test("a state survives the round trip through the fragment", () => {
  const state = {
    lang: "fa",
    selected: "kgi:iran",
    view: "table:agreement",
    hidden: ["statement"],
    hop: true,
    hops: 2,
    around: null,
    zoom: { scale: 1.2, x: 10.4, y: -40.6 },
    sort: { col: 1, dir: -1 },
    filter: "راه آهن",
  };
  const hash = encodeHash(state);
  assert.equal(hash, "#lang=fa&node=kgi%3Airan&view=table%3Aagreement&hide=statement&hops=2&z=1.200%2C10%2C-41&sort=-2&filter=%D8%B1%D8%A7%D9%87+%D8%A2%D9%87%D9%86");
  assert.deepEqual(decodeHash(hash, known), {
    lang: "fa",
    hidden: ["statement"],
    hop: true,
    hops: 2,
    around: null,
    view: "table:agreement",
    node: "kgi:iran",
    sort: { col: 1, dir: -1 },
    filter: "راه آهن",
    zoom: { scale: 1.2, x: 10, y: -41 },
  });
});

test("the network view with nothing chosen writes only the language and the zoom", () => {
  const hash = encodeHash({ lang: "en", selected: null, view: "network", hidden: [], hop: false, hops: 1, around: null, zoom: { scale: 1, x: 0, y: 0 }, sort: { col: 0, dir: 1 }, filter: "x" });
  assert.equal(hash, "#lang=en&z=1.000%2C0%2C0");
});

test("the neighbourhood of the starting point is kept when nothing is selected", () => {
  const hash = encodeHash({ lang: "en", view: "network", hop: true, hops: 1, around: "kgi:iran" });
  assert.equal(decodeHash(hash, known).around, "kgi:iran");
});

test("unknown nodes, views, groups and languages are dropped; numbers are bounded", () => {
  const asked = decodeHash("#lang=de&node=kgi:nobody&view=table:nothing&hide=person,bogus&hops=99&around=x&z=0,1,2&sort=abc", known);
  assert.equal(asked.lang, null);
  assert.equal(asked.node, null);
  assert.equal(asked.view, "network");
  assert.deepEqual(asked.hidden, ["person"]);
  assert.equal(asked.hops, MAX_HOPS);
  assert.equal(asked.around, null);
  assert.equal(asked.zoom, null);
  assert.equal(asked.sort, null);
  assert.deepEqual(decodeHash("", known).hop, false);
  assert.deepEqual(decodeHash("#hops=-3", known).hops, 1);
});
