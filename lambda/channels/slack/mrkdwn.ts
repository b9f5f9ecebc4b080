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
