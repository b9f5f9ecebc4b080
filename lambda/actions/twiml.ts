/**
 * TwiML answers to an inbound SMS: one `<Message>` (Twilio sends it back to the sender) or an empty `<Response/>`
 * (nothing is sent), shaped as the twilio SDK's `MessagingResponse` writes them. Pure.
 */

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** The answer that sends nothing (Twilio's own opt-out and help replies stand). */
export const EMPTY_TWIML = `${DECLARATION}<Response/>`;

/** The content type of a TwiML answer. */
export const TWIML_CONTENT_TYPE = 'text/xml';

/**
 * Escapes text for an XML element: the five special characters, and characters XML 1.0 cannot carry at all
 * (control characters other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF) are removed.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A TwiML answer sending `text` back to the sender. */
export function twimlMessage(text: string): string {
  return `${DECLARATION}<Response><Message>${escapeXml(text)}</Message></Response>`;
}
