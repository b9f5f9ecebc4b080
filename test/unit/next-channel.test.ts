import { nextChannel } from '../../lambda/workflow/route';
import type { Channel } from '../../lambda/shared/domain';

/** Walks the order as the workflow would, every attempt failing: the channels tried, in order. */
function walk(
  order: Channel[],
  unavailable: Partial<Record<Channel, string>> = {},
): { tried: Channel[]; skipped: string[] } {
  const tried: Channel[] = [];
  const skipped: string[] = [];
  let left: readonly Channel[] = order;
  for (;;) {
    const pick = nextChannel({ order: left, unavailable });
    skipped.push(...pick.skipped.map((s) => `${s.channel}:${s.reason}`));
    if (pick.next === 'none') return { tried, skipped };
    tried.push(pick.next);
    left = pick.remaining;
  }
}

describe('nextChannel', () => {
  test("the user's order, whatever it is", () => {
    expect(walk(['email'])).toEqual({ tried: ['email'], skipped: [] });
    expect(walk(['sms', 'slack'])).toEqual({ tried: ['sms', 'slack'], skipped: [] });
    expect(walk(['slack', 'email'])).toEqual({ tried: ['slack', 'email'], skipped: [] });
    expect(walk(['slack', 'sms', 'email'])).toEqual({ tried: ['slack', 'sms', 'email'], skipped: [] });
  });

  test('plain JSON for a Choice state', () => {
    expect(nextChannel({ order: ['slack', 'sms', 'email'] })).toEqual({
      next: 'slack',
      remaining: ['sms', 'email'],
      skipped: [],
    });
    expect(nextChannel({ order: ['slack', 'sms', 'email'], tried: ['slack'] })).toEqual({
      next: 'sms',
      remaining: ['email'],
      skipped: [],
    });
    expect(nextChannel({ order: ['slack'], tried: ['slack'] })).toEqual({ next: 'none', remaining: [], skipped: [] });
    expect(nextChannel({ order: [] })).toEqual({ next: 'none', remaining: [], skipped: [] });
  });

  test('an unavailable channel is reported as skipped, with its reason, only when the walk reaches it', () => {
    expect(nextChannel({ order: ['slack', 'sms', 'email'], unavailable: { sms: 'no_phone_number' } })).toEqual({
      next: 'slack',
      remaining: ['sms', 'email'],
      skipped: [],
    });
    expect(walk(['slack', 'sms', 'email'], { sms: 'no_phone_number' })).toEqual({
      tried: ['slack', 'email'],
      skipped: ['sms:no_phone_number'],
    });
    expect(
      nextChannel({ order: ['sms', 'email'], unavailable: { sms: 'no_phone_number', email: 'no_email' } }),
    ).toEqual({
      next: 'none',
      remaining: [],
      skipped: [
        { channel: 'sms', reason: 'no_phone_number' },
        { channel: 'email', reason: 'no_email' },
      ],
    });
  });

  test('unknown names and repeats coming through the execution JSON are ignored', () => {
    const order = ['fax', 'sms', 'sms', 'email'] as unknown as Channel[];
    expect(nextChannel({ order })).toEqual({ next: 'sms', remaining: ['email'], skipped: [] });
  });
});
