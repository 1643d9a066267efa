/* The search key of a text, exactly as kg.text.fold computes it: the table is generated from kg.text
   (fold-table.js); any other character takes the generic path: whitespace is dropped, else NFKD,
   the combining marks of Python's Unicode database dropped, lower case. The yeh with hamza folds by
   its neighbour (HAMZA_CONTEXT, also from kg.text): هیئت ~ هیأت ~ هیات, مسئول ~ مسؤول. */
import { FOLD, SPACES, MARKS, HAMZA_YEH, HAMZA_CONTEXT } from "./fold-table.js";

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

function foldChar(ch) {
  const mapped = TABLE.get(ch);
  if (mapped !== undefined) return mapped;
  if (SPACE.has(ch.codePointAt(0))) return "";
  let kept = "";
  for (const part of ch.normalize("NFKD")) if (!combining(part.codePointAt(0))) kept += part;
  return kept.toLowerCase();
}

function hamzaYeh(chars, index, out) {
  for (const [side, neighbour, folded] of HAMZA_CONTEXT) {
    if (side === "after" && out.endsWith(neighbour)) return folded;
    if (side === "before" && index + 1 < chars.length && foldChar(chars[index + 1]).startsWith(neighbour)) {
      return folded;
    }
  }
  return foldChar(HAMZA_YEH);
}

export function fold(text) {
  const chars = Array.from(String(text));
  let out = "";
  chars.forEach((ch, index) => {
    out += ch === HAMZA_YEH ? hamzaYeh(chars, index, out) : foldChar(ch);
  });
  return out;
}
