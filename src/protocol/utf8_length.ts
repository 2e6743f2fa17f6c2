/**
 * UTF-8 byte length of a string without encoding it, and whether it encodes without loss.
 * @module
 */

const NON_ASCII = /[\u0080-\uFFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Bytes `text` takes in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * False when `text` holds a lone surrogate (not well-formed UTF-16): UTF-8 turns every one into
 * U+FFFD, so two such ids would become one storage key. One pass; no scan at all for text
 * without surrogates.
 */
export function isWellFormedText(text: string): boolean {
  if (!SURROGATE.test(text)) return true;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit > 0xdbff || !isLowSurrogate(text.charCodeAt(i + 1))) return false;
    i++;
  }
  return true;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
