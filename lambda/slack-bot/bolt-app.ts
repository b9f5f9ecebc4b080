/**
 * The Bolt app: routes `/meetings`, the two buttons and DMs to the bot's logic. Built once per set of
 * credentials, with no network call at start-up: `authorize` hands Bolt the bot token directly (no `auth.test`),
 * and the receiver does not re-check signatures (the webhook has already verified them, on the decoded body).
 */
// App and the Lambda receiver are imported from their own modules, not the package index: the index also loads the
// Express and HTTP-server receivers (express, iconv-lite, mime-db…), which a Lambda never uses. Types only from the index.
import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import App from '@slack/bolt/dist/App';
import AwsLambdaReceiver, { type AwsEvent, type AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { LogLevel } from '@slack/logger';
import { ActionIds } from '../shared/messages';
import { MetricNames, countMetric } from '../shared/metrics';
import { BotDeps, ClickReplies } from './deps';
import { DirectMessageEvent, handleDirectMessage } from './direct-message';
import { meetingsCommand } from './meetings-command';
import { ClickOutcome, PrepClick, remindLater, startPrep } from './prep-actions';
import { BotMessage } from './views';

/** The slash command the bot serves. */
export const MEETINGS_COMMAND = '/meetings';

/** Handles one (verified, normalised) API Gateway event. */
export type BoltHandler = (event: AwsEvent, context: unknown) => Promise<AwsResponse>;

/** Bot-only Slack calls besides {@link BotDeps.slack}: replacing a message in place. */
export interface MessageUpdater {
  update(channel: string, ts: string, message: BotMessage): Promise<void>;
}

const withBlocks = (message: BotMessage) => ({ text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });

/**
 * How a click is answered: a normal message is replaced with `chat.update` (in its channel, by ts); an ephemeral
 * one (the `/meetings` list) can only be replaced through its `response_url`.
 */
export function clickReplies(deps: BotDeps, updater: MessageUpdater, body: BlockAction, respond: RespondFn): ClickReplies {
  const container = body.container as { channel_id?: unknown; message_ts?: unknown; is_ephemeral?: unknown };
  const channel = body.channel?.id ?? (typeof container.channel_id === 'string' ? container.channel_id : undefined);
  const ts = body.message?.ts ?? (typeof container.message_ts === 'string' ? container.message_ts : undefined);
  const ephemeral = container.is_ephemeral === true;
  return {
    async replaceOriginal(message) {
      if (!ephemeral && channel && ts) await updater.update(channel, ts, message);
      else await respond({ replace_original: true, ...withBlocks(message) });
    },
    async tellUser(message) {
      if (channel) await deps.slack.postEphemeral(channel, body.user.id, message);
      else await respond({ response_type: 'ephemeral', replace_original: false, ...withBlocks(message) });
    },
  };
}

/** Builds the Bolt app and returns its Lambda handler. */
export function createBoltHandler(options: {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly deps: BotDeps;
  readonly updater: MessageUpdater;
  readonly slackApiUrl?: string;
}): BoltHandler {
  const { deps } = options;
  const receiver = new AwsLambdaReceiver({
    signingSecret: options.signingSecret,
    signatureVerification: false,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: options.botToken }),
    logLevel: LogLevel.ERROR,
    clientOptions: {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      timeout: 2500,
    },
  });

  app.command(MEETINGS_COMMAND, async ({ ack, command }) => {
    const message = await meetingsCommand(deps, command.user_id);
    await ack({ response_type: 'ephemeral', ...withBlocks(message) });
    countMetric(MetricNames.SlackInteractions, { Kind: 'meetings_command' });
  });

  const onButton = (actionId: string, run: (deps: BotDeps, click: PrepClick, replies: ClickReplies) => Promise<ClickOutcome>) =>
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionId }, async ({ ack, body, action, respond }) => {
      await ack();
      const outcome = await run(deps, { userId: body.user.id, value: action.value }, clickReplies(deps, options.updater, body, respond));
      deps.logger.info('Button handled', { action_id: actionId, outcome });
      countMetric(MetricNames.SlackInteractions, { Kind: actionId });
      if (outcome === 'reminder_scheduled') countMetric(MetricNames.RemindersScheduled);
    });
  onButton(ActionIds.StartPrep, startPrep);
  onButton(ActionIds.RemindLater, remindLater);

  app.event('message', async ({ event, body }) => {
    const outcome = await handleDirectMessage(deps, body.event_id, event as unknown as DirectMessageEvent);
    deps.logger.info('Message event handled', { event_id: body.event_id, outcome });
    if (outcome !== 'ignored' && outcome !== 'duplicate') countMetric(MetricNames.SlackInteractions, { Kind: 'direct_message' });
  });

  app.error(async (error) => {
    deps.logger.error('A Slack listener failed', { error });
    throw error;
  });

  return receiver.toHandler() as BoltHandler;
}
