import { CHANNELS, CHANNEL_SPECS } from '../../lambda/shared/channel-registry';
import { notifyStateTemplate } from '../../lib/notify-state';
import { CHANNEL_STATES, PICK_CHANNEL_STATE, readPrepDefinition } from '../../lib/prep-definition';

describe('the NotifyVia* states of the ASL file', () => {
  const definition = readPrepDefinition();

  it.each(CHANNELS)('%s: its state is the template built from its registry entry (Comment aside)', (channel) => {
    // Arrange
    const { Comment, ...state } = definition.States[CHANNEL_SPECS[channel].state] ?? {};

    // Act / Assert
    expect(typeof Comment).toBe('string');
    expect(state).toEqual(notifyStateTemplate(channel));
  });

  it('has one NotifyVia* state per registry entry, each picked by PickChannel', () => {
    // Arrange
    const notifyStates = Object.keys(definition.States).filter((name) => name.startsWith('NotifyVia'));
    const picked = (definition.States[PICK_CHANNEL_STATE]?.Choices ?? []).map((rule) => rule.Next);

    // Act / Assert
    expect(notifyStates.sort()).toEqual(Object.values(CHANNEL_STATES).sort());
    for (const state of Object.values(CHANNEL_STATES)) expect(picked).toContain(state);
  });
});
