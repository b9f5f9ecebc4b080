/**
 * The routes of the local API: the project's public routes as API Gateway would serve them (`POST /slack/webhook`,
 * `POST /twilio/status`, `POST /twilio/sms`, and `POST /events` standing in for EventBridge), and local-only routes under `/local/` that the `npm start`
 * client commands use: what the bot showed on the Slack stand-in since a cursor, and seeding users and meetings.
 * Add a route by adding a key (`'POST /twilio/status'`…) to the table {@link localRoutes} returns. The local API
 * serves every route behind the loopback guard (local/loopback-guard.ts): loopback Host and Origin only, and a new
 * `POST /local/…` route takes JSON only.
 */
import type { User } from '../lambda/shared/domain';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { BadEventsRequest, PutEventsEntry, PutEventsResult, parseEventsRequest } from './events';
import type { Executions } from './executions';
import { LocalRoute, fromApiGatewayResult, jsonResponse, toApiGatewayEvent } from './local-api';
import type { LocalEndpoint, LocalEnvironment } from './local-environment';
import { mailPage } from './mail-viewer';
import { EMAIL_LINK_ROUTES, servedRoute } from './receipts-api';
import { Seed, SeedError, parseSeed } from './seed';
import type { SqsEventSource } from './sqs-event-source';
import { slackCursor, slackFeedSince } from './slack-feed';
import { blocksToText } from './trace';

/** A header the local API adds to webhook answers: the Slack feed's cursor before the request. */
export const SLACK_CURSOR_HEADER = 'x-local-slack-cursor';

/** The part of the running system the routes read and drive (runtime.ts builds the routes, so it is not imported). */
export interface RoutedRuntime {
  readonly env: LocalEnvironment;
  readonly executions: readonly unknown[];
  readonly endpoints: readonly LocalEndpoint[];
  publish(entries: readonly PutEventsEntry[]): Promise<PutEventsResult>;
  contents(): Promise<{ readonly users: readonly User[] }>;
  seed(seed: Seed): Promise<void>;
}

/** What the routes need from the runtime. */
export interface LocalRoutesDeps {
  readonly runtime: RoutedRuntime;
  readonly executions: Executions;
  readonly log: (line: string) => void;
  /** The bot's handler, loaded on first use (after the environment is set, as a cold start would). */
  readonly bot: () => (event: ApiGatewayEvent, context: unknown) => Promise<ApiGatewayResult>;
  /** Whether Slack calls go to Slack itself (then nothing is recorded locally). */
  readonly realSlack: boolean;
  /** The bot's worker on the work queue: what the webhook queued is sent from there, after the answer. */
  readonly worker: SqsEventSource;
}

/** The route table of `npm start`. */
export function localRoutes(deps: LocalRoutesDeps): Record<string, LocalRoute> {
  const { runtime, log } = deps;
  const slack = runtime.env.slack;
  const printSlack = (from: number) => {
    for (const message of slack.messages.slice(from)) {
      const shown = Array.isArray(message.blocks) ? blocksToText(message.blocks) : (message.text ?? '');
      log(`  Slack ${message.method} → ${message.channel}${message.user ? ` (only ${message.user} sees it)` : ''}:`);
      for (const line of shown.split('\n')) log(`    │ ${line}`);
    }
  };
  let workerSeen = deps.worker.invocations.length;
  /** Once the work queue is empty: what the worker did, and what it sent since `from`. */
  const reportWorker = async (from: number) => {
    await deps.worker.idle();
    const invocations = deps.worker.invocations.slice(workerSeen);
    workerSeen = deps.worker.invocations.length;
    if (invocations.length === 0) return;
    const jobs = invocations.reduce((n, i) => n + i.messageIds.length, 0);
    const failed = invocations.reduce((n, i) => n + i.failed.length, 0);
    log(
      `Worker: ${jobs} job(s) delivered in ${invocations.length} invocation(s)${failed ? `, ${failed} failed and retried` : ''}`,
    );
    printSlack(from);
  };
  return {
    'POST /slack/webhook': async (request) => {
      const cursor = slackCursor(slack);
      const before = slack.messages.length;
      const result = await deps.bot()(toApiGatewayEvent(request), {});
      log(`Slack webhook: ${request.headers['content-type'] ?? ''} → ${result.statusCode}`);
      printSlack(before);
      // The answer goes back now; the worker's Slack calls follow, and the client's wait includes them.
      const afterAnswer = slack.messages.length;
      deps.executions.track(reportWorker(afterAnswer));
      const answer = fromApiGatewayResult(result);
      return { ...answer, headers: { ...answer.headers, [SLACK_CURSOR_HEADER]: cursor } };
    },
    'POST /twilio/status': async (request) => {
      const answer = await servedRoute(request);
      log(
        `Twilio status callback: ${new URLSearchParams(request.body).get('MessageStatus') ?? '?'} → ${answer.status}`,
      );
      return answer;
    },
    'POST /twilio/sms': async (request) => {
      const before = slack.messages.length;
      const answer = await servedRoute(request);
      log(`Twilio incoming SMS: "${new URLSearchParams(request.body).get('Body') ?? ''}" → ${answer.status}`);
      // A started prep queues the kit for the worker (a Slack DM, or an email): reported once it has run.
      deps.executions.track(reportWorker(before));
      return answer;
    },
    // The email's one-click links, served by the real handler; a POST's work (a queued kit) is reported like a click's.
    ...Object.fromEntries(
      EMAIL_LINK_ROUTES.map((route): [string, LocalRoute] => [
        route,
        async (request) => {
          const before = slack.messages.length;
          const answer = await servedRoute(request);
          log(`Email link: ${route} → ${answer.status}`);
          if (request.method === 'POST') deps.executions.track(reportWorker(before));
          return answer;
        },
      ]),
    ),
    'GET /local/mail': async (request) => mailPage(await runtime.env.ses.emails(), request.url.searchParams.get('id')),
    'POST /events': async (request) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.body);
      } catch {
        return jsonResponse(400, {
          message: 'the body is not JSON: expected {"Entries":[{"Source","DetailType","Detail"}]}',
        });
      }
      try {
        return jsonResponse(200, await runtime.publish(parseEventsRequest(parsed)));
      } catch (error) {
        if (error instanceof BadEventsRequest) return jsonResponse(400, { message: error.message });
        throw error;
      }
    },
    'GET /': async () =>
      jsonResponse(200, {
        webhook: '/slack/webhook',
        events: '/events',
        // The exact URL Twilio would sign an incoming SMS for (`npm start -- sms` signs for it).
        smsWebhookUrl: process.env['TWILIO_SMS_WEBHOOK_URL'],
        executions: runtime.executions.length,
        endpoints: runtime.endpoints,
      }),
    // Without `since`: where the feed is now and the response URL to put in a request. With it: once everything
    // the request started has finished, what the executive was shown since then.
    'GET /local/slack': async (request) => {
      const since = request.url.searchParams.get('since');
      if (since === null)
        return jsonResponse(200, {
          cursor: slackCursor(slack),
          responseUrl: slack.responseUrl(),
          realSlack: deps.realSlack,
        });
      await deps.executions.idle();
      try {
        return jsonResponse(200, {
          cursor: slackCursor(slack),
          items: slackFeedSince(slack, since),
          realSlack: deps.realSlack,
        });
      } catch (error) {
        return jsonResponse(400, { message: (error as Error).message });
      }
    },
    'POST /local/seed': async (request) => {
      try {
        const { users } = await runtime.contents();
        const seed = parseSeed(request.body, 'the seed', { knownUserIds: users.map((u) => u.user_id) });
        await runtime.seed(seed);
        log(
          `Seeded ${seed.users.length} user(s) and ${seed.meetings.length} meeting(s): ${[...seed.users.map((u) => u.user_id), ...seed.meetings.map((m) => m.meeting_id)].join(', ')}.`,
        );
        return jsonResponse(200, {
          users: seed.users.map((u) => u.user_id),
          meetings: seed.meetings.map((m) => m.meeting_id),
        });
      } catch (error) {
        if (error instanceof SeedError) return jsonResponse(400, { message: error.message, problems: error.problems });
        throw error;
      }
    },
  };
}
