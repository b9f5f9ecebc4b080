/**
 * The local email stand-in's inbox, for a browser: `GET /local/mail` lists what SES took (newest first) and
 * `GET /local/mail?id=<message id>` shows one email's HTML as sent, whose Start Prep, Remind Me and unsubscribe
 * links point at the local API. An email's one-click unsubscribe (RFC 8058) is shown as the button a mail client
 * would draw: it POSTs `List-Unsubscribe=One-Click` to the header's URL.
 */
import { escapeHtml } from '../lambda/shared/text';
import type { LocalResponse } from './local-api';
import type { StoredEmail } from './local-ses';

const html = (status: number, body: string): LocalResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body,
});

function unsubscribeUrl(email: StoredEmail): string | undefined {
  const header = email.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value;
  return header ? /<([^>]+)>/.exec(header)?.[1] : undefined;
}

/** The inbox page, or one email when `id` is given. */
export function mailPage(emails: readonly StoredEmail[], id: string | null): LocalResponse {
  if (id !== null) {
    const email = emails.find((e) => e.messageId === id);
    if (!email)
      return html(
        404,
        `<!doctype html><html lang="en"><title>Not found</title><h1>No email ${escapeHtml(id)}</h1></html>`,
      );
    return html(200, email.body.html ?? `<pre>${escapeHtml(email.body.text ?? '')}</pre>`);
  }
  const rows = [...emails].reverse().map((e) => {
    const unsubscribe = unsubscribeUrl(e);
    return [
      '<li>',
      `<a href="/local/mail?id=${encodeURIComponent(e.messageId)}">${escapeHtml(e.subject)}</a>`,
      ` to ${escapeHtml(e.destination.to.join(', '))} at ${escapeHtml(new Date(e.at * (e.at < 1e12 ? 1000 : 1)).toISOString())}`,
      unsubscribe
        ? `<form method="post" action="${escapeHtml(unsubscribe)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe (as a mail client's one-click button)</button></form>`
        : '',
      '</li>',
    ].join('');
  });
  return html(
    200,
    [
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local inbox</title></head><body>',
      '<h1>Emails the local SES took</h1>',
      rows.length > 0
        ? `<ul>${rows.join('\n')}</ul>`
        : '<p>None yet. Try <code>npm start -- --fail slack,sms</code>, or <code>npm start -- notify m-qbr4</code> with Slack and SMS failing.</p>',
      '</body></html>',
    ].join('\n'),
  );
}
