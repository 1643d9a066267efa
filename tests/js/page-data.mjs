// A small page data object, in the shape kg.explore.page.page_data writes (three agreements, their
// parties and signatory, two figures), for the tests of the pure modules.
const node = (group, cls, en, fa, extra = {}) => ({ group, cls, label_en: en, label_fa: fa, alt_labels: [], literals: [], values: [], mentions: [], slips: [], ...extra });

export const KG = {
  lang: "en",
  groups: [
    { key: "agreement", label: { en: "Agreement", fa: "سند" }, shape: "diamond", color: "#f00", count: 3 },
    { key: "country", label: { en: "Country", fa: "کشور" }, shape: "dot", color: "#0f0", count: 2 },
    { key: "person", label: { en: "Person", fa: "شخص" }, shape: "dot", color: "#00f", count: 1 },
    { key: "figure", label: { en: "Figure", fa: "رقم" }, shape: "box", color: "#999", count: 2 },
  ],
  classes: { "kg:Agreement": { en: "Agreement", fa: "سند" }, "kg:Country": { en: "Country", fa: "کشور" }, "schema:Person": { en: "Person", fa: "شخص" } },
  props: { "kg:party": { en: "party", fa: "طرف" }, "kg:signatory": { en: "signatory", fa: "امضاکننده" } },
  nodes: {
    "agreement:rail": node("agreement", "kg:Agreement", "Rail cooperation memorandum", "یادداشت تفاهم همکاری راه‌آهن", {
      values: [{ prop: "kg:agreementKind", term: "kg:MoU", label: { en: "memorandum of understanding", fa: "یادداشت تفاهم" } }],
    }),
    "agreement:customs": node("agreement", "kg:Agreement", "Customs agreement", "موافقت‌نامهٔ گمرکی"),
    "agreement:visa": node("agreement", "kg:Agreement", "Visa waiver", "لغو روادید"),
    "kgi:iran": node("country", "kg:Country", "Iran", "ایران"),
    "kgi:kazakhstan": node("country", "kg:Country", "Kazakhstan", "قزاقستان", { alt_labels: [["Qazaqstan", "en"]] }),
    "kgi:kassym-jomart-tokayev": node("person", "schema:Person", "Kassym-Jomart Tokayev", "قاسم‌ژومارت توکایف"),
    "figure:trade": node("figure", "kg:Figure", "Trade in 1400", "تجارت در ۱۴۰۰", { literals: [{ prop: "schema:value", text: "265200000", lang: "xsd:decimal" }] }),
    "figure:transit": node("figure", "kg:Figure", "Transit", "ترانزیت", { literals: [{ prop: "schema:value", text: "9000", lang: "xsd:decimal" }] }),
  },
  edges: [
    { id: "e0", from: "agreement:rail", to: "kgi:iran", prop: "kg:party" },
    { id: "e1", from: "agreement:rail", to: "kgi:kazakhstan", prop: "kg:party" },
    { id: "e2", from: "agreement:customs", to: "kgi:iran", prop: "kg:party" },
    { id: "e3", from: "agreement:customs", to: "kgi:kazakhstan", prop: "kg:party" },
    { id: "e4", from: "agreement:rail", to: "kgi:kassym-jomart-tokayev", prop: "kg:signatory" },
  ],
  tables: [
    {
      group: "agreement",
      columns: [
        { kind: "label", label: { en: "Agreement", fa: "سند" } },
        { kind: "val", prop: "kg:agreementKind", label: { en: "Kind", fa: "نوع" } },
        { kind: "out", prop: "kg:party", label: { en: "Parties", fa: "طرف‌ها" } },
        { kind: "out", prop: "kg:signatory", label: { en: "Signatories", fa: "امضاکنندگان" } },
      ],
    },
    {
      group: "figure",
      columns: [
        { kind: "label", label: { en: "Figure", fa: "رقم" } },
        { kind: "lit", prop: "schema:value", label: { en: "Value", fa: "مقدار" } },
      ],
    },
  ],
};
