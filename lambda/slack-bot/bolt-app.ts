/**
 * The Bolt app: routes `/meetings`, the two buttons and DMs, already validated by the webhook (`payload-schemas.ts`),
 * to the bot's decisions. Built once per set of credentials, with no network call at start-up: `authorize` hands
 * Bolt the bot token directly (no `auth.test`), and the receiver does not re-check signatures (the webhook has
 * verified them on the raw body). Nothing here calls Slack: what the user sees next is queued for the worker.
 * A listener's error is recorded in the request's scope, so the webhook can tell transient from deterministic.
 */
// App and the Lambda receiver are imported from their own modules, not the package index: the index also loads the
// Express and HTTP-server receivers (express, iconv-lite, mime-db…), which a Lambda never uses. Types only from the index.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import App from '@slack/bolt/dist/App';
import AwsLambdaReceiver, { type AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DIGEST_START_PREP_ACTION } from './digest';
import { NO_UNFURLS } from '../channels/slack/mrkdwn';
import { ActionIds } from '../channels/slack/messages';
import { registerHomeListeners } from './app-home/home-listeners';
import { ScopedAwsEvent, guarded } from './listener-scope';
import { MetricNames, countMetric } from '../shared/metrics';
import { BotDeps } from './deps';
import { meetingsCommand } from './meetings-command';
import { ClickOutcome, PrepClick, remindLater, startPrep } from './prep-actions';
import { MEETINGS_COMMAND } from './payload-schemas';
import { pinnedResponseUrl } from './response-url';
import { BotMessage } from './views';
import { ClickTarget } from '../actions/work-jobs';

export { MEETINGS_COMMAND };

/** Handles one (verified, validated) event. */
export type BoltHandler = (event: ScopedAwsEvent, context: unknown) => Promise<AwsResponse>;

const withBlocks = (message: BotMessage) => ({
  text: message.text,
  ...(message.blocks ? { blocks: message.blocks } : {}),
  ...NO_UNFURLS,
});

/** Where a click happened, from a validated `block_actions` payload; a response URL that is not Slack's is left out. */
export function clickTarget(body: BlockAction, logger: Pick<Logger, 'warn'>): ClickTarget {
  const container = body.container as { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  const channel = body.channel?.id ?? container.channel_id;
  const ts = body.message?.ts ?? container.message_ts;
  const responseUrl = pinnedResponseUrl(body.response_url, logger, 'webhook');
  return {
    user_id: body.user.id,
    ephemeral: container.is_ephemeral === true,
    ...(channel ? { channel_id: channel } : {}),
    ...(ts ? { message_ts: ts } : {}),
    ...(responseUrl ? { response_url: responseUrl } : {}),
  };
}

/** Bolt's own log lines, through the function's structured logger (errors only: the webhook logs the rest). */
function boltLogger(logger: Logger): SlackLogger {
  let level = LogLevel.ERROR;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => logger.warn('Bolt', { bolt: msg.map(String) }),
    error: (...msg: unknown[]) => logger.error('Bolt', { bolt: msg.map(String) }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** Builds the Bolt app and returns its Lambda handler. */
export function createBoltHandler(options: {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly deps: BotDeps;
}): BoltHandler {
  const { deps } = options;
  const receiver = new AwsLambdaReceiver({
    signingSecret: options.signingSecret,
    signatureVerification: false,
    logger: boltLogger(deps.logger),
    customPropertiesExtractor: (event) => ({ requestScope: (event as ScopedAwsEvent).requestScope }),
  });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: options.botToken }),
    logger: boltLogger(deps.logger),
    // No conversation store: no listener reads `context.conversation`, and the default in-memory store rejects
    // every lookup of a new conversation with an Error (and its stack) on every request.
    convoStore: false,
    // The listeners make no Slack call; the client is never used, but Bolt builds one.
    clientOptions: { retryConfig: { retries: 0 }, timeout: 1000 },
  });

  app.command(MEETINGS_COMMAND, async ({ ack, command, context }) =>
    guarded(context, ack, async (ack) => {
      const message = await meetingsCommand(deps, command.user_id);
      await ack({ response_type: 'ephemeral', ...withBlocks(message) });
      countMetric(MetricNames.SlackInteractions, { Kind: 'meetings_command' });
    }),
  );

  const onButton = (actionId: string, decide: (deps: BotDeps, click: PrepClick) => Promise<ClickOutcome>) =>
    app.action<BlockAction<ButtonAction>>(
      { type: 'block_actions', action_id: actionId },
      async ({ ack, body, action, context }) =>
        guarded(context, ack, async (ack) => {
          const click: PrepClick = {
            userId: body.user.id,
            value: action.value,
            target: clickTarget(body, deps.logger),
            interactionId: body.trigger_id,
          };
          const outcome = await decide(deps, click);
          await ack();
          deps.logger.info('Button handled', { action_id: actionId, outcome });
          countMetric(MetricNames.SlackInteractions, { Kind: actionId });
        }),
    );
  onButton(ActionIds.StartPrep, startPrep);
  onButton(ActionIds.RemindLater, remindLater);
  onButton(DIGEST_START_PREP_ACTION, startPrep);
  registerHomeListeners(app, deps, deps.views(options.botToken));

  app.event('message', async ({ event, body, context }) =>
    guarded(
      context,
      async () => undefined,
      async () => {
        // Validated as a person's DM by the webhook (payload-schemas.ts).
        const dm = event as unknown as { user: string; channel: string; ts: string; text: string };
        await deps.queue.enqueue(
          {
            kind: 'dm_reply',
            user_id: dm.user,
            channel_id: dm.channel,
            message_ts: dm.ts,
            text: dm.text,
            event_id: body.event_id,
            received_at: deps.now().toISOString(),
          },
          body.event_id,
        );
        deps.logger.info('Direct message queued', { event_id: body.event_id });
        countMetric(MetricNames.SlackInteractions, { Kind: 'direct_message' });
      },
    ),
  );

  app.error(async (error) => {
    throw error;
  });

  return receiver.toHandler() as BoltHandler;
}
