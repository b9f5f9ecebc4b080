/**
 * What the stack reads from `config/agents.yaml`, shared with the other agents: the order of the notification
 * channels and the quiet hours' minimum lead. Each reader adds one line per mistake to `problems`.
 */
import * as path from 'node:path';
import { parse } from 'yaml';
import { CHANNELS } from '../lambda/shared/channel-registry';

/** Notification channels, as `config/agents.yaml` names them (the registry's). */
export const CHANNEL_NAMES = CHANNELS;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The default location of the agents configuration. */
export const AGENTS_CONFIG_PATH = path.join(__dirname, '..', 'config', 'agents.yaml');

/** The minimum lead when agents.yaml sets none: two hours. */
export const DEFAULT_MINIMUM_LEAD_MINUTES = 120;

/** Reads `meeting_coordinator.quiet_hours_minimum_lead_minutes` (a whole number 0..1440; absent: the default). */
export function readMinimumLeadMinutes(yamlText: string, problems: string[]): number {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch {
    return DEFAULT_MINIMUM_LEAD_MINUTES; // readNotificationChannels reports the YAML error
  }
  const value = (doc as { meeting_coordinator?: { quiet_hours_minimum_lead_minutes?: unknown } } | null)
    ?.meeting_coordinator?.quiet_hours_minimum_lead_minutes;
  if (value === undefined || value === null) return DEFAULT_MINIMUM_LEAD_MINUTES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1440) {
    problems.push(
      `config/agents.yaml: meeting_coordinator.quiet_hours_minimum_lead_minutes must be a whole number of minutes in 0..1440, got ${JSON.stringify(value)}`,
    );
    return DEFAULT_MINIMUM_LEAD_MINUTES;
  }
  return value;
}

/** Reads and validates the channel order from an agents.yaml document. */
export function readNotificationChannels(yamlText: string, problems: string[]): ChannelName[] {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (error) {
    problems.push(`config/agents.yaml is not valid YAML: ${(error as Error).message}`);
    return [];
  }
  const list = (doc as { meeting_coordinator?: { notification_channels?: unknown } } | null)?.meeting_coordinator
    ?.notification_channels;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push('config/agents.yaml: meeting_coordinator.notification_channels must be a non-empty list');
    return [];
  }
  const channels: ChannelName[] = [];
  for (const item of list) {
    if (!(CHANNEL_NAMES as readonly unknown[]).includes(item)) {
      problems.push(
        `config/agents.yaml: unknown notification channel ${JSON.stringify(item)} (known: ${CHANNEL_NAMES.join(', ')})`,
      );
    } else if (channels.includes(item as ChannelName)) {
      problems.push(`config/agents.yaml: channel ${item} is listed twice`);
    } else {
      channels.push(item as ChannelName);
    }
  }
  return channels;
}
