/* Numbers, dates and interface strings as a reader of either language reads them. Pure functions of
   their arguments (the UI language is passed in), so that Node's test runner can check them. */

const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

/* Datatypes (as the projection gives them, in a literal's `lang`) whose values are numbers, and dates */
export const NUMERIC = new Set(["xsd:integer", "xsd:decimal", "xsd:double", "xsd:float", "xsd:long", "xsd:int", "xsd:nonNegativeInteger", "xsd:positiveInteger"]);
export const DATES = new Set(["xsd:date", "xsd:dateTime", "xsd:gYearMonth", "xsd:gYear"]);

/* Latin digits of a text as the UI writes them: Persian digits in the Persian UI. */
export const localDigits = (text, lang) =>
  lang === "fa" ? String(text).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[d]) : String(text);

const NUMBER = /^[+-]?(\d+)(\.\d+)?$/;

/* A number with thousands separators: "265,200,000" in English, "۲۶۵٬۲۰۰٬۰۰۰" in Persian (U+066C, the
   Arabic thousands separator, and U+066B as the decimal point). Text that is not a plain decimal number
   comes back as it is (with the UI's digits): a year, an id or a date is never regrouped. */
export function formatNumber(value, lang) {
  const text = String(value).trim();
  const match = NUMBER.exec(text);
  if (!match) return localDigits(text, lang);
  const sign = text.startsWith("-") ? "-" : "";
  const whole = match[1].replace(/^0+(?=\d)/, "");
  const grouped = whole.length > 4 ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, lang === "fa" ? "\u066c" : ",") : whole;
  const fraction = match[2] ? (lang === "fa" ? "\u066b" : ".") + match[2].slice(1) : "";
  return localDigits(sign + grouped + fraction, lang);
}

/* A count in running text: grouped from five digits, in the UI's digits. */
export const formatCount = (n, lang) => formatNumber(String(n), lang);

/* The UI string `key` in `lang` (English if it has none), its {name} placeholders filled. */
export function translate(strings, lang, key, values) {
  let text = (strings[lang] || {})[key] || (strings.en || {})[key] || key;
  if (values) for (const [k, v] of Object.entries(values)) text = text.split("{" + k + "}").join(String(v));
  return text;
}

/* The direction of a text in a known language; anything else finds its own (dir=auto). */
export const dirOf = (lang) => (lang === "fa" ? "rtl" : lang === "en" ? "ltr" : "auto");

/* "—label→", pointing the way the text runs */
export const arrow = (text, lang) => "—" + text + (lang === "fa" ? "←" : "→");

/* "2022-06" or "2001-03-21" as a Date (UTC) and its precision */
export function parseDate(text) {
  const m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(text || "");
  if (!m) return null;
  const precision = m[3] ? "day" : m[2] ? "month" : "year";
  return { date: new Date(Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1)), precision };
}

/* A date in the Solar Hijri ("persian") or Gregorian ("gregory") calendar, in the UI's language. */
export function formatDate(parsed, calendar, lang) {
  if (!parsed) return "…";
  const opts = { timeZone: "UTC", year: "numeric" };
  if (parsed.precision !== "year") opts.month = "long";
  if (parsed.precision === "day") opts.day = "numeric";
  const locale = calendar === "persian" ? "fa-IR-u-ca-persian-nu-arabext" : lang === "fa" ? "fa-IR-u-ca-gregory" : "en-GB";
  if (calendar === "persian" && parsed.precision === "month") {
    /* a Gregorian month spans two Solar Hijri months: give both ends */
    const d = parsed.date;
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    const f = new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" });
    return f.format(d) + " – " + f.format(last);
  }
  return new Intl.DateTimeFormat(locale, opts).format(parsed.date);
}
