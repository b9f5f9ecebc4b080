import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { twiml as twilioTwiml } from 'twilio';
import { EMPTY_TWIML, escapeXml, twimlMessage } from '../../lambda/actions/twiml';

const FIXTURE = readFileSync(path.join(__dirname, '..', 'fixtures', 'twilio', 'twiml-reply.xml'), 'utf8').trim();

describe('TwiML answers', () => {
  it("writes one Message exactly as Twilio's MessagingResponse does (the fixture)", () => {
    const text = 'Prep started for Q4 Leadership Sync (Fri Nov 27, 9:00 AM EST). Your prep kit is in your Slack DM.';

    expect(twimlMessage(text)).toBe(FIXTURE);
    expect(twimlMessage(text)).toBe(new twilioTwiml.MessagingResponse().message(text).toString());
  });

  it('answers with an empty Response that sends nothing, as the SDK writes it', () => {
    expect(EMPTY_TWIML).toBe(new twilioTwiml.MessagingResponse().toString());
  });

  it('escapes markup in a meeting title so the answer stays one Message', () => {
    const xml = twimlMessage('Prep started for <Budget> & "Q4" </Message><Message>evil');

    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Prep started for &lt;Budget&gt; &amp; &quot;Q4&quot; &lt;/Message&gt;&lt;Message&gt;evil</Message></Response>',
    );
    expect(xml.match(/<Message>/g)).toHaveLength(1);
  });

  it('drops characters XML cannot carry (control characters), keeps line breaks and emoji', () => {
    expect(escapeXml('a\u0000b\u0007c\nd 🚀 \uFFFF')).toBe('abc\nd 🚀 ');
  });
});
