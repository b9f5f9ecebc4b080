/**
 * The notification channels, each listed once, in the order the workflow tries them and in the words
 * `config/agents.yaml` uses. Every other list of channels in the project (lib/, local/, the bot) is derived from
 * this one. Pure data: lib/ and local/ import it too, so no SDK and no other module here.
 */

/** How a channel's task learns the message arrived. */
export type ReceiptWait =
  /** The provider's answer is the receipt (Slack's `ok`): a plain Lambda task. */
  | { readonly kind: 'answer' }
  /** A callback completes the task (`waitForTaskToken`); no receipt within `defaultSeconds` → UNCONFIRMED. */
  | { readonly kind: 'callback'; readonly defaultSeconds: number };

/** One channel, as the workflow, the stack and the bot need to know it. */
export interface ChannelSpec {
  /** The channel's state in state-machines/prep-notification.asl.json. */
  readonly state: `NotifyVia${string}`;
  /** The id of its notify function in lib/constructs/prep-workflow.ts (the ASL's `${<id>FunctionArn}`). */
  readonly functionId: `Notify${string}`;
  /** As a label (the preferences modal). */
  readonly label: string;
  /** Inside a sentence ("Slack, then SMS, then email"). */
  readonly inText: string;
  /** The recipient flag that says the user can be reached (absent: always); false → the task skips the channel. */
  readonly reachableIf?: 'has_phone' | 'has_email';
  readonly receipt: ReceiptWait;
  /** Whether a re-run can ask the provider for an earlier send (else an unknown outcome is never retried). */
  readonly lookup: boolean;
  /** Whether quiet hours hold the channel back unless the user says otherwise. */
  readonly quietByDefault: boolean;
  /** The environment variable naming the secret its function reads (absent: none). */
  readonly secretEnv?: string;
}

export const CHANNEL_SPECS = {
  slack: {
    state: 'NotifyViaSlack',
    functionId: 'NotifySlack',
    label: 'Slack',
    inText: 'Slack',
    receipt: { kind: 'answer' },
    lookup: true,
    quietByDefault: false,
    secretEnv: 'SLACK_SECRET_ARN',
  },
  sms: {
    state: 'NotifyViaSms',
    functionId: 'NotifySms',
    label: 'SMS',
    inText: 'SMS',
    reachableIf: 'has_phone',
    receipt: { kind: 'callback', defaultSeconds: 600 },
    lookup: true,
    quietByDefault: true,
    secretEnv: 'TWILIO_SECRET_ARN',
  },
  email: {
    state: 'NotifyViaEmail',
    functionId: 'NotifyEmail',
    label: 'Email',
    inText: 'email',
    reachableIf: 'has_email',
    receipt: { kind: 'callback', defaultSeconds: 900 },
    lookup: false,
    quietByDefault: true,
  },
} as const satisfies Readonly<Record<string, ChannelSpec>>;

export type Channel = keyof typeof CHANNEL_SPECS;

/** The channels in order. */
export const CHANNELS = Object.keys(CHANNEL_SPECS) as readonly Channel[] as readonly [Channel, ...Channel[]];

/** A channel's spec, typed as the interface (the `as const` literal types are narrower than callers need). */
export function channelSpec(channel: Channel): ChannelSpec {
  return CHANNEL_SPECS[channel];
}

/** The channels whose task waits for a callback receipt (`sms`, `email`). */
export const CALLBACK_CHANNELS = CHANNELS.filter((c) => channelSpec(c).receipt.kind === 'callback');

/** How long a callback channel waits for its receipt by default. */
export function callbackSeconds(wait: ReceiptWait): number {
  if (wait.kind !== 'callback') throw new Error('the channel does not wait for a callback receipt');
  return wait.defaultSeconds;
}

/** A per-channel record built from the specs (labels, state names...). */
export function byChannel<T>(pick: (spec: ChannelSpec, channel: Channel) => T): Readonly<Record<Channel, T>> {
  return Object.fromEntries(CHANNELS.map((c) => [c, pick(channelSpec(c), c)])) as Record<Channel, T>;
}

/** The channels a recipient cannot be reached on (no phone number, no email address). */
export function unreachableChannels(user: Readonly<Partial<Record<'has_phone' | 'has_email', boolean>>>): Channel[] {
  return CHANNELS.filter((c) => {
    const flag = channelSpec(c).reachableIf;
    return flag !== undefined && user[flag] === false;
  });
}
