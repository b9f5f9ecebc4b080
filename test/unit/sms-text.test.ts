import { isE164, renderSms, smsSegments, toGsmPunctuation } from '../../lambda/channels/sms/text';
import { notice } from './fixture';

describe('smsSegments', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['€'.repeat(80), 'GSM-7', 1],
    ['€'.repeat(81), 'GSM-7', 2],
    ['ł'.repeat(70), 'UCS-2', 1],
    ['ł'.repeat(71), 'UCS-2', 2],
    ['ł'.repeat(134), 'UCS-2', 2],
    ['ł'.repeat(135), 'UCS-2', 3],
  ])('bills %#: %s… as %s in %d segment(s)', (text, encoding, segments) => {
    expect(smsSegments(text)).toMatchObject({ encoding, segments });
  });

  it('counts an emoji as two UCS-2 units and switches the whole text to UCS-2', () => {
    expect(smsSegments(`${'a'.repeat(68)}🚀`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
  });
});

describe('toGsmPunctuation', () => {
  it('replaces typographic quotes, dashes and the ellipsis with GSM-7 characters', () => {
    expect(toGsmPunctuation('Jordan’s “Q4” plan – budget — FY27…')).toBe('Jordan\'s "Q4" plan - budget - FY27...');
  });
});

describe('renderSms with titles as calendars write them', () => {
  it('keeps one GSM-7 segment for a title with typographic quotes and a dash', () => {
    const sms = renderSms(notice({ meeting: { title: 'Jordan’s “Q4” review – budget' } }));

    expect(sms).toContain('Jordan\'s "Q4" review - budget');
    expect(smsSegments(sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('drops an emoji and accents GSM-7 lacks rather than paying UCS-2, and stays one segment', () => {
    const sms = renderSms(notice({ meeting: { title: '🚀 Launch review with Łukasz' } }));

    expect(sms).toContain('Launch review with Lukasz');
    expect(smsSegments(sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('keeps accents GSM-7 has (é, ü, ñ)', () => {
    expect(renderSms(notice({ meeting: { title: 'Café Müller España' } }))).toContain('Café Müller España');
  });

  it('keeps a title GSM-7 cannot write (Japanese) in UCS-2, in at most two segments', () => {
    const sms = renderSms(notice({ meeting: { title: '四半期事業レビュー'.repeat(10) } }), { slackDelivered: true });

    expect(smsSegments(sms)).toMatchObject({ encoding: 'UCS-2' });
    expect(smsSegments(sms).segments).toBeLessThanOrEqual(2);
    expect(sms).toContain('四半期事業レビュー');
    expect(sms).toContain('Start Prep Session');
  });

  it('never exceeds one GSM-7 segment for a long Latin title', () => {
    const sms = renderSms(
      notice({
        meeting: {
          title: 'Quarterly Business Review – FY27 budget, headcount, and the “north star” roadmap priorities',
        },
      }),
      { slackDelivered: true },
    );

    expect(smsSegments(sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(sms).toMatch(/\.\.\., /);
  });
});

describe('isE164', () => {
  it.each(['+12125550143', '+447700900123', '+818012345678'])('accepts %s', (phone) => {
    expect(isE164(phone)).toBe(true);
  });

  it.each(['2125550143', '+1 212 555 0143', '(212) 555-0143', '+1212555014', '+0123456789', '+1234567890123456', ''])(
    'rejects %j',
    (phone) => {
      expect(isE164(phone)).toBe(false);
    },
  );
});

describe('renderSms with how to reply', () => {
  it('ends with how to answer, and the fixture meeting still fits one GSM-7 segment', () => {
    const sms = renderSms(notice(), { reply: {} });

    expect(sms).toBe(
      'Meeting prep: Q4 Leadership Sync, Fri Nov 27 9:00 AM EST. Reply PREP to start, LATER for a reminder in 2 hours.',
    );
    expect(smsSegments(sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('names the meeting number when several meetings await a reply', () => {
    const sms = renderSms(notice({ reminder: true }), { reply: { number: 2 } });

    expect(sms).toMatch(
      /^Reminder you asked for: Q4 Leadership Sync, .* Reply PREP 2 to start, LATER 2 for a reminder in 2 hours\.$/,
    );
  });

  it.each([
    [
      'a long Latin title',
      'Quarterly Business Review – FY27 budget, headcount, and the “north star” roadmap priorities',
      'GSM-7',
      1,
    ],
    ['a title GSM-7 cannot write', '四半期事業レビュー'.repeat(10), 'UCS-2', 2],
    ['a title full of extension characters', '[{Budget}] ~ |€| ^'.repeat(8), 'GSM-7', 1],
  ])('cuts %s, never the instruction, within the segment budget', (_what, title, encoding, segments) => {
    const sms = renderSms(notice({ meeting: { title }, user: { timezone: 'Asia/Kolkata' } }), { reply: { number: 9 } });

    expect(sms).toMatch(/Reply PREP 9 to start, LATER 9 for a reminder in 2 hours\.$/);
    expect(smsSegments(sms)).toMatchObject({ encoding });
    expect(smsSegments(sms).segments).toBeLessThanOrEqual(segments);
  });

  it('takes the reply instruction over the Slack pointer (replying works either way)', () => {
    const sms = renderSms(notice(), { slackDelivered: true, reply: {} });

    expect(sms).toContain('Reply PREP to start');
    expect(sms).not.toContain('Slack');
  });
});
