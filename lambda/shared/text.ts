/** Text helpers every surface shares (messages, pages, Block Kit views). Pure. */

/** Escapes the five characters HTML reserves, for text and attribute values alike. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Cuts to at most `max` characters (code points, so no emoji is split), ending with `ellipsis` when cut. */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - ellipsis.length)).join('')}${ellipsis}`;
}

/** A dot as a URL may spell it: ASCII, and the ideographic, fullwidth and halfwidth full stops IDNA maps to it. */
const DOT = '[.\\u3002\\uFF0E\\uFF61]';
/** One hostname label: letters (any script) and digits, inner hyphens. */
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?';
/** A top-level label: starts with a letter, two characters at least (`.com`, `.example`, `.xn--p1ai`), so `e.g.` and `v1.5` are left alone. */
const TOP_LABEL = '\\p{L}[\\p{L}\\p{N}-]*[\\p{L}\\p{N}]';
const HOSTNAME = new RegExp(`(?<![\\p{L}\\p{N}-])(?:${LABEL}${DOT})+${TOP_LABEL}(?![\\p{L}\\p{N}])`, 'gu');
const IPV4 = new RegExp(`(?<![\\p{N}.])\\p{N}{1,3}(?:${DOT}\\p{N}{1,3}){3}(?![\\p{N}])`, 'gu');
const DOTS = new RegExp(DOT, 'gu');
/** `http://`, `https://`, `ftp://` in any case: the scheme loses its letters (`hxxps`, `fxp`), keeping its case. */
const SCHEME = /\b(h)(tt)(ps?):\/\/|\b(f)(t)(p):\/\//gi;

/**
 * Defangs the links in text that came from data (a meeting title anyone can set by sending an invitation, a
 * location, a name) before it goes where the reader's software turns addresses into links: an SMS (phones linkify
 * `https://…`, `www.…`, `evil.example/login`, `a@b.example`) or an email (mail clients do the same, HTML or not). A
 * title `Board sync https://evil.example/login` would otherwise put a tappable phishing link in a message sent
 * under the assistant's name. One scheme, the one security teams use to quote indicators: the scheme loses its
 * letters (`hxxps://`) and every dot of a host name or IPv4 address becomes `[.]`
 * (`hxxps://evil[.]example/login`). A person still reads the address; no linkifier recognises it, since neither
 * `hxxps` is a scheme nor `evil[.]example` a host name. The characters it adds are GSM-7, so an SMS stays GSM-7.
 * Idempotent. Pure.
 */
export function defuseUrls(text: string): string {
  return text
    .replace(SCHEME, (_m, h, tt, ps, f, t, p) =>
      h ? `${h}${tt === 'TT' ? 'XX' : 'xx'}${ps}://` : `${f}${t === 'T' ? 'X' : 'x'}${p}://`,
    )
    .replace(HOSTNAME, (host) => host.replace(DOTS, '[.]'))
    .replace(IPV4, (ip) => ip.replace(DOTS, '[.]'));
}
