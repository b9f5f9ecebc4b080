/**
 * Loads the prep workflow's ASL file and orders its channel states as `config/agents.yaml` lists the channels.
 * Pure apart from reading the file; the stack hands the result to Step Functions with ARN substitutions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { byChannel } from '../lambda/shared/channel-registry';
import { ChannelName } from './config';

/** The ASL file: the single picture of the workflow. */
export const PREP_DEFINITION_PATH = path.join(__dirname, '..', 'state-machines', 'prep-notification.asl.json');

/** The state that tries each channel. */
export const CHANNEL_STATES: Readonly<Record<ChannelName, string>> = byChannel((spec) => spec.state);

/** The Choice state that picks the next channel from `$.prep.route`. */
export const PICK_CHANNEL_STATE = 'PickChannel';

interface ChoiceRule {
  Next: string;
  [key: string]: unknown;
}

interface TaskLike {
  Type: string;
  Next?: string;
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Choices?: ChoiceRule[];
  [key: string]: unknown;
}

/** An ASL document, loosely typed: states are edited by name. */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, TaskLike>;
  [key: string]: unknown;
}

/** Reads the ASL file. */
export function readPrepDefinition(file = PREP_DEFINITION_PATH): AslDefinition {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AslDefinition;
}

/**
 * Keeps the channel states of the deployed channels only: the states of channels not listed are removed, with
 * PickChannel's rules that lead to them, so no transition points at a missing state. The order of the channels is
 * the user's, decided at run time (the stack's order is their default, given to the tasks that route); the states'
 * order in the file does not matter. Returns a new document.
 */
export function keepDeployedChannels(definition: AslDefinition, channels: readonly ChannelName[]): AslDefinition {
  if (channels.length === 0) throw new Error('at least one notification channel is required');
  const states: Record<string, TaskLike> = structuredClone(definition.States);
  const pick = states[PICK_CHANNEL_STATE];
  if (!pick?.Choices) throw new Error(`the ASL file has no ${PICK_CHANNEL_STATE} Choice state`);
  for (const [channel, stateName] of Object.entries(CHANNEL_STATES)) {
    if (!states[stateName]) throw new Error(`the ASL file has no ${stateName} state`);
    if (!pick.Choices.some((rule) => rule.Next === stateName))
      throw new Error(`${PICK_CHANNEL_STATE} has no rule for ${stateName}`);
    if (!channels.includes(channel as ChannelName)) {
      delete states[stateName];
      pick.Choices = pick.Choices.filter((rule) => rule.Next !== stateName);
    }
  }
  return { ...definition, States: states };
}

/**
 * The longest a quiet-hours wait can last, in seconds: quiet hours are at most 18 hours long (`MAX_QUIET_MINUTES`
 * in lambda/shared/preferences.ts; a unit test keeps the two equal), and once they are over nothing waits again.
 */
export const LONGEST_QUIET_WAIT_SECONDS = 18 * 3600;

/** How long each waiting channel waits for the provider's receipt, in seconds. */
export interface ReceiptTimeouts {
  readonly sms: number;
  readonly email: number;
}

/** The states that wait for a receipt (`.waitForTaskToken`), by channel. */
export const WAITING_STATES = { sms: CHANNEL_STATES.sms, email: CHANNEL_STATES.email } as const;

/**
 * Sets each waiting channel state's `TimeoutSeconds` (after which the send is recorded UNCONFIRMED, never resent),
 * and the execution's own timeout so that the longest quiet-hours wait and every channel's full receipt wait fit. Returns a new document.
 */
export function setReceiptTimeouts(definition: AslDefinition, timeouts: ReceiptTimeouts): AslDefinition {
  const problems: string[] = [];
  for (const [channel, seconds] of Object.entries(timeouts)) {
    if (!Number.isInteger(seconds) || seconds < 60 || seconds > 86_400)
      problems.push(`${channel} receipt timeout must be a whole number of seconds in 60..86400, got ${seconds}`);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  const states: Record<string, TaskLike> = structuredClone(definition.States);
  let waiting = 0;
  for (const [channel, stateName] of Object.entries(WAITING_STATES)) {
    const state = states[stateName];
    if (!state) continue;
    state['TimeoutSeconds'] = timeouts[channel as keyof ReceiptTimeouts];
    waiting += timeouts[channel as keyof ReceiptTimeouts];
  }
  // Room for the longest quiet-hours wait, and for the non-waiting states and their retries (minutes at most), on
  // top of the receipt waits: an execution must never time out while it waits for the morning.
  const executionTimeout = Math.max(
    Number(definition['TimeoutSeconds'] ?? 0),
    LONGEST_QUIET_WAIT_SECONDS + waiting + 900,
  );
  return { ...definition, TimeoutSeconds: executionTimeout, States: states };
}
