import { maskContacts } from '../../lambda/shared/logger';

describe('maskContacts', () => {
  it('masks an email address, keeping its first letter and domain', () => {
    expect(maskContacts('jordan.lee@acme.example')).toBe('j***@acme.example');
  });

  it.each([
    ['+12125550143', '+***43'],
    ['+447700900123', '+***23'],
    ['+818012345678', '+***78'],
  ])('masks the E.164 number %s as %s', (number, masked) => {
    expect(maskContacts(number)).toBe(masked);
  });

  it('masks every contact in a log line and leaves the rest as it was', () => {
    const line =
      "SMS to +12125550143 failed (21211: The 'To' number +1212555014 is not valid); emailing jordan.lee@acme.example and Jordan.Lee+exec@Mail.Acme.Example";

    const masked = maskContacts(line);

    expect(masked).toBe(
      "SMS to +***43 failed (21211: The 'To' number +***14 is not valid); emailing j***@acme.example and J***@Mail.Acme.Example",
    );
  });

  it('leaves ids, timestamps and offsets alone', () => {
    const line =
      'meeting m-7f3a user U024BE7LH ts 1795701604.218309 at 2026-11-27T14:00:00+00:00 date Thu, 26 Nov 2026 14:00:06 +0000';

    expect(maskContacts(line)).toBe(line);
  });
});

describe('maskContacts on phone numbers as people write them', () => {
  it.each([
    ['+1 212 555 0143', '+***43'],
    ['+1-212-555-0143', '+***43'],
    ['+1 (212) 555-0143', '+***43'],
    ['+44 7700 900123', '+***23'],
    ['(212) 555-0143', '***43'],
    ['212-555-0143', '***43'],
    ['212.555.0143', '***43'],
    ['07700 900123', '***23'],
  ])('masks %s as %s', (number, masked) => {
    expect(maskContacts(`call ${number} now`)).toBe(`call ${masked} now`);
  });

  it('leaves epoch times, Slack timestamps, dates and counts alone', () => {
    const line = 'at 1795701604 ts 1795701604.218309 on 2026-11-27 took 1234 ms, 12 of 20 attempts, segments 2';

    expect(maskContacts(line)).toBe(line);
  });
});
