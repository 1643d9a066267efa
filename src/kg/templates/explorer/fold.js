/* The search key of a text, exactly as kg.text.fold computes it: the table is generated from kg.text
   (fold-table.js); any other character takes the generic path: whitespace is dropped, else NFKD,
   the combining marks of Python's Unicode database dropped, lower case. */
import { FOLD, SPACES, MARKS } from "./fold-table.js";

const TABLE = new Map(Object.entries(FOLD));
const SPACE = new Set(SPACES);

function combining(code) {
  let lo = 0;
  let hi = MARKS.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (code < MARKS[mid][0]) hi = mid - 1;
    else if (code > MARKS[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export function fold(text) {
  let out = "";
  for (const ch of String(text)) {
    const mapped = TABLE.get(ch);
    if (mapped !== undefined) out += mapped;
    else if (!SPACE.has(ch.codePointAt(0))) {
      let kept = "";
      for (const part of ch.normalize("NFKD")) if (!combining(part.codePointAt(0))) kept += part;
      out += kept.toLowerCase();
    }
  }
  return out;
}
