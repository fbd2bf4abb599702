/**
 * The weighted lists of HTTP content negotiation (RFC 9110 §12.4.2, §12.5.1, §12.5.3):
 * `Accept: a/b;q=0.5, c/d` and `Accept-Encoding: gzip;q=0`. Each member's name, lower-cased, and
 * its weight: 1 when absent; 0 for a malformed one (`q=abc`, `q=2`), which accepts nothing, so the
 * plain answer stays the safe one. Other parameters are dropped. Hand-written because the two
 * readers need only this, and negotiator's cost grows fast with a long header.
 */

/** RFC 9110 §12.4.2: a qvalue is 0 to 1 with at most three decimals. */
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;

export interface Weighted {
  name: string;
  q: number;
}

/**
 * `text` split at `separator` outside quoted strings (RFC 9110 §5.6.4: `"…"` with `\` escapes): a
 * comma or semicolon inside a parameter's quoted value (`;foo="a,b";q=0`) splits nothing.
 */
function splitOutsideQuotes(text: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * The members of `header`, or undefined past `maxMembers` of them. Empty members are skipped and
 * not counted (RFC 9110 §5.6.1: a recipient ignores a reasonable number of them; the callers bound
 * the header's length).
 */
export function parseWeightedList(header: string, maxMembers = Infinity): Weighted[] | undefined {
  const out: Weighted[] = [];
  for (const member of splitOutsideQuotes(header, ',')) {
    const [name = '', ...params] = splitOutsideQuotes(member, ';');
    const n = name.trim().toLowerCase();
    if (n === '') continue;
    if (out.length === maxMembers) return undefined;
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (
        param
          .slice(0, eq === -1 ? undefined : eq)
          .trim()
          .toLowerCase() !== 'q'
      )
        continue;
      const value = eq === -1 ? '' : param.slice(eq + 1).trim();
      q = QVALUE.test(value) ? Number(value) : 0;
    }
    out.push({ name: n, q });
  }
  return out;
}
