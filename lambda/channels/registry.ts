/**
 * The notification channels, in the order the workflow tries them and in the words `config/agents.yaml` uses.
 * Every other list of channels in the project is derived from this one.
 */
export const CHANNELS = ['slack', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
