/**
 * The small HTML pages of the email's links: a confirmation page (what the button will do, for which meeting, in
 * the user's time) with one button that POSTs, the outcome page, and the refusal pages. Pure: every value is
 * HTML-escaped here; the only style is one inline stylesheet, allowed by its hash in the Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../shared/text';

/** A page and its HTTP status. */
export interface Page {
  readonly status: number;
  readonly html: string;
}

/** Escapes text for HTML content and quoted attribute values (the emails' own). */
export { escapeHtml };

const STYLE =
  'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1d1c1d}' +
  'button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:.3rem;background:#007a5a;color:#fff;cursor:pointer}' +
  'button:focus-visible{outline:3px solid #1264a3;outline-offset:2px}.muted{color:#616061}';

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/**
 * Headers of every page: nothing loads but the page and its own stylesheet, forms post only to this origin, no
 * framing (clickjacking), no caching (the token is in the URL), no referrer (the token would leak in it).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function layout(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    body,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** What the confirmation page asks. */
export interface ConfirmPage {
  /** The page's title and heading: "Start prep for your meeting?" */
  readonly title: string;
  /** What will happen, one or two sentences. */
  readonly explanation: string;
  /** The facts of the meeting, label → value (already in the user's time). */
  readonly facts?: readonly (readonly [string, string])[];
  /** The button's label. */
  readonly button: string;
  /** Where the form posts: a path relative to the page (`act`), so it stays on the API's stage. */
  readonly action: string;
  /** The token, posted back in the form body. */
  readonly token: string;
}

/** The confirmation page: nothing has happened yet; one button posts. */
export function renderConfirmPage(page: ConfirmPage): Page {
  const facts =
    page.facts && page.facts.length > 0
      ? ['<dl>', ...page.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`), '</dl>'].join(
          '\n',
        )
      : '';
  const body = [
    `<p>${escapeHtml(page.explanation)}</p>`,
    facts,
    `<form method="post" action="${escapeHtml(page.action)}">`,
    `<input type="hidden" name="t" value="${escapeHtml(page.token)}">`,
    `<button type="submit">${escapeHtml(page.button)}</button>`,
    '</form>',
    '<p class="muted">Nothing happens until you press the button.</p>',
  ].join('\n');
  return { status: 200, html: layout(page.title, body) };
}

/** A page that reports: an outcome, or why nothing was done. */
export function renderMessagePage(status: number, title: string, text: string): Page {
  const paragraphs = text
    .split(/\n+/)
    .filter((p) => p.trim().length > 0)
    .map((p) => `<p>${escapeHtml(p)}</p>`);
  return { status, html: layout(title, paragraphs.join('\n')) };
}
