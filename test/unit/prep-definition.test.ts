import type { ChannelName } from '../../lib/config';
import { type AslDefinition, CHANNEL_STATES, orderChannels, readPrepDefinition } from '../../lib/prep-definition';

/** The Next of a state's States.ALL catcher. */
function catchAllNext(definition: AslDefinition, stateName: string): string | undefined {
  return definition.States[stateName]?.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next;
}

/** Every state name a transition points to (Next, Default, Choices, Catch). */
function transitionTargets(definition: AslDefinition): string[] {
  const targets = [definition.StartAt];
  for (const state of Object.values(definition.States)) {
    if (typeof state.Next === 'string') targets.push(state.Next);
    if (typeof state['Default'] === 'string') targets.push(state['Default']);
    const choices = (state['Choices'] ?? []) as readonly { readonly Next: string }[];
    targets.push(...choices.map((choice) => choice.Next));
    targets.push(...(state.Catch ?? []).map((c) => c.Next));
  }
  return targets;
}

describe('orderChannels', () => {
  it.each<[string, ChannelName[], string[]]>([
    ['slack, sms, email', ['slack', 'sms', 'email'], []],
    ['email, slack', ['email', 'slack'], ['NotifyViaSms']],
    ['sms', ['sms'], ['NotifyViaSlack', 'NotifyViaEmail']],
  ])('chains %s: claim → first channel → … → RecordAllChannelsFailed', (_order, channels, removed) => {
    const states = channels.map((channel) => CHANNEL_STATES[channel]);

    const definition = orderChannels(readPrepDefinition(), channels);

    expect(definition.States.MarkPrepScheduled.Next).toBe(states[0]);
    expect(states.map((state) => catchAllNext(definition, state))).toEqual([...states.slice(1), 'RecordAllChannelsFailed']);
    for (const state of removed) expect(definition.States).not.toHaveProperty(state);
    for (const state of states) expect(definition.States[state].Next).toBe('RecordDelivery');
  });

  it.each<ChannelName[][]>([[['slack', 'sms', 'email']], [['email', 'slack']], [['sms']]])(
    'leaves no transition to a missing state for %j',
    (channels) => {
      const definition = orderChannels(readPrepDefinition(), channels);

      const dangling = transitionTargets(definition).filter((target) => !(target in definition.States));

      expect(dangling).toEqual([]);
    },
  );

  it('keeps the claim guard: a duplicate event still goes to NotificationSkipped', () => {
    const definition = orderChannels(readPrepDefinition(), ['email', 'slack']);

    expect(definition.States.MarkPrepScheduled.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['PrepAlreadyScheduled'], Next: 'NotificationSkipped' }),
    ]);
  });

  it('does not change the definition it is given', () => {
    const original = readPrepDefinition();
    const before = structuredClone(original);

    orderChannels(original, ['sms']);

    expect(original).toEqual(before);
  });

  it('refuses an empty channel list', () => {
    expect(() => orderChannels(readPrepDefinition(), [])).toThrow('at least one notification channel is required');
  });
});
