import { createHash } from 'node:crypto';
import { PAGE_HEADERS, escapeHtml, renderConfirmPage, renderMessagePage } from '../../lambda/actions/link-pages';

describe('the email link pages', () => {
  const confirm = () =>
    renderConfirmPage({
      title: 'Start prep for this meeting?',
      explanation: 'This starts your prep session for “<b>Q4</b> & more”.',
      facts: [['Meeting', '<script>alert(1)</script>']],
      button: 'Start Prep Session',
      action: 'act',
      token: 'k1.abc"><x.def',
    });

  it('is an accessible document: language, title, one heading, a labelled button', () => {
    const { status, html } = confirm();

    expect(status).toBe(200);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Start prep for this meeting?</title>');
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<button type="submit">Start Prep Session</button>');
  });

  it('posts the token back to a relative action, escaped everywhere', () => {
    const { html } = confirm();

    expect(html).toContain('<form method="post" action="act">');
    expect(html).toContain('<input type="hidden" name="t" value="k1.abc&quot;&gt;&lt;x.def">');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('“&lt;b&gt;Q4&lt;/b&gt; &amp; more”');
    expect(html).not.toContain('<script>');
  });

  it('allows exactly its own stylesheet, forms to itself, no framing, no caching, no referrer', () => {
    const style = /<style>([^<]*)<\/style>/.exec(confirm().html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');

    expect(PAGE_HEADERS['content-security-policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(PAGE_HEADERS).toMatchObject({
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-type': 'text/html; charset=utf-8',
    });
  });

  it('shows a message page with its status and escaped paragraphs', () => {
    const page = renderMessagePage(410, 'This link has expired', 'First <line>.\nSecond line.');

    expect(page.status).toBe(410);
    expect(page.html).toContain('<p>First &lt;line&gt;.</p>\n<p>Second line.</p>');
  });

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
