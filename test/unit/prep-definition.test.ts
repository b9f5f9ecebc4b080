import type { ChannelName } from '../../lib/config';
import { MAX_QUIET_MINUTES } from '../../lambda/shared/preferences';
import {
  type AslDefinition,
  LONGEST_QUIET_WAIT_SECONDS,
  setReceiptTimeouts,
  CHANNEL_STATES,
  keepDeployedChannels,
  readPrepDefinition,
} from '../../lib/prep-definition';

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

describe('keepDeployedChannels', () => {
  /** The channel states PickChannel can route to, in its rules' order. */
  function pickTargets(definition: AslDefinition): string[] {
    return ((definition.States.PickChannel?.['Choices'] ?? []) as { Next: string }[]).map((rule) => rule.Next);
  }

  it.each<[string, ChannelName[], string[]]>([
    ['slack, sms, email', ['slack', 'sms', 'email'], []],
    ['email, slack', ['email', 'slack'], ['NotifyViaSms']],
    ['sms', ['sms'], ['NotifyViaSlack', 'NotifyViaEmail']],
  ])('deploys %s: the claim goes to PickChannel, which reaches exactly those channels', (_order, channels, removed) => {
    const states = channels.map((channel) => CHANNEL_STATES[channel]);

    const definition = keepDeployedChannels(readPrepDefinition(), channels);

    expect(definition.States.LoadMeeting.Next).toBe('PickChannel');
    expect(
      pickTargets(definition)
        .filter((t) => t.startsWith('NotifyVia'))
        .sort(),
    ).toEqual([...states].sort());
    expect(states.map((state) => catchAllNext(definition, state))).toEqual(states.map(() => 'RouteNextChannel'));
    for (const state of removed) expect(definition.States).not.toHaveProperty(state);
    for (const state of states) expect(definition.States[state].Next).toBe('RecordDelivery');
    expect(definition.States.PickChannel?.['Default']).toBe('RecordAllChannelsFailed');
  });

  it.each<ChannelName[][]>([[['slack', 'sms', 'email']], [['email', 'slack']], [['sms']]])(
    'leaves no transition to a missing state for %j',
    (channels) => {
      const definition = keepDeployedChannels(readPrepDefinition(), channels);

      const dangling = transitionTargets(definition).filter((target) => !(target in definition.States));

      expect(dangling).toEqual([]);
    },
  );

  it('keeps the skip guard: a skipped or duplicate event (skip_reason) still goes to NotificationSkipped, first', () => {
    const definition = keepDeployedChannels(readPrepDefinition(), ['email', 'slack']);

    expect(definition.States.PickChannel?.['Choices']).toEqual(
      expect.arrayContaining([{ Variable: '$.prep.skip_reason', IsPresent: true, Next: 'NotificationSkipped' }]),
    );
    expect((definition.States.PickChannel?.['Choices'] as unknown as { Variable: string }[])[0]?.Variable).toBe(
      '$.prep.skip_reason',
    );
  });

  it('does not change the definition it is given', () => {
    const original = readPrepDefinition();
    const before = structuredClone(original);

    keepDeployedChannels(original, ['sms']);

    expect(original).toEqual(before);
  });

  it('refuses an empty channel list', () => {
    expect(() => keepDeployedChannels(readPrepDefinition(), [])).toThrow(
      'at least one notification channel is required',
    );
  });
});

describe('the execution timeout', () => {
  it('lets the longest quiet hours pass without the execution timing out', () => {
    const definition = setReceiptTimeouts(readPrepDefinition(), { sms: 600, email: 900 });

    expect(LONGEST_QUIET_WAIT_SECONDS).toBe(MAX_QUIET_MINUTES * 60);
    expect(definition['TimeoutSeconds']).toBeGreaterThanOrEqual(LONGEST_QUIET_WAIT_SECONDS + 600 + 900);
  });
});
