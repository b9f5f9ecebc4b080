/**
 * Slack mrkdwn escaping. Slack reads `<…>` as mentions (`<@U…>`, `<!channel>`) and links (`<https://…|label>`),
 * and `&` as the start of an entity: any text that came from data (a title anyone can set by sending an invitation,
 * a location, a name, a note) is escaped before it reaches a message, its fallback `text` included. Pure.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */

/** Escapes the three characters Slack's mrkdwn reserves (`&` first, so nothing is escaped twice). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes text placed inside a code block (```…```): the entity rules still apply there, and a run of
 * backticks in the data would close the block early, so it is broken up.
 */
export function escapeMrkdwnCode(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, '`\u200b`\u200b`');
}

/**
 * A mrkdwn text object Slack shows as written: `verbatim: true`, so Slack does not turn a bare URL, a `#channel`
 * or an `@name` in it into a link or a mention (without it, a title `Board sync https://evil.example/login` would
 * become a clickable link in a message sent under the bot's name). Our own formatting (`*bold*`, emoji) still
 * renders. Every mrkdwn text object the product sends is built here; what came from data is escaped with
 * {@link escapeMrkdwn} as well, which neutralises explicit `<https://…|label>` links and `<!channel>` mentions.
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object
 */
export function mrkdwnText(text: string): { readonly type: 'mrkdwn'; readonly text: string; readonly verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/**
 * What every message body the product posts carries (`chat.postMessage`, `chat.update`, `chat.postEphemeral`, a
 * `response_url` or a slash command's answer): no link or media previews, so an address in a title never unfurls
 * into a preview card under the bot's name.
 */
export const NO_UNFURLS = { unfurl_links: false, unfurl_media: false } as const;
