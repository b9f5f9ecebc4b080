/**
 * The interactions `npm run bench` times on the Slack webhook (bench/webhook.ts): the data they need seeded, the
 * signed event each call sends, and the check of what each call did. A call that did the wrong thing fails the
 * bench, so a fast answer that skipped its work is never reported as a pass.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting, User } from '../lambda/shared/domain';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { DEMO_USER, sampleMeeting } from '../local/demo';
import type { SlackSentMessage } from '../local/fake-slack';
import type { LocalEnvironment } from '../local/local-environment';
import { FORM, JSON_TYPE, clickBody, dmBody, httpEvent, restEvent, slashCommandBody } from '../local/slack-requests';
import urlVerification from '../test/fixtures/slack/url-verification.json';
import { check } from './support';

/** Meetings `/meetings` lists: a busy week (more than the 10 it shows). */
export const WEEK_MEETINGS = 14;

/** The meetings seeded for the clicks, one per call, by interaction. */
export interface ClickMeetings {
  readonly startPrep: string[];
  readonly remindLater: string[];
}

/**
 * Seeds the user, a busy week for `/meetings`, and one fresh meeting per click. The click meetings start 10+ days
 * out: beyond the range `/meetings` queries (7 days plus a day of margin), so the listing stays a realistic week.
 */
export async function seedMeetings(env: LocalEnvironment, clicksPerKind: number): Promise<ClickMeetings> {
  const put = (item: Meeting | User, table: string) => env.db.send(new PutCommand({ TableName: table, Item: item }));
  await put(DEMO_USER, env.tables.users);
  const now = Date.now();
  const types = ['leadership_team', 'one_on_one', 'qbr', 'vendor_meeting', 'reliability_review', 'all_hands'];
  for (let i = 0; i < WEEK_MEETINGS; i++) {
    const start = new Date(now + (i + 1) * 11 * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    await put(
      sampleMeeting(`bench-week-${i}`, start, {
        title: `Week meeting ${i}`,
        meeting_type: types[i % types.length] as string,
      }),
      env.tables.meetings,
    );
  }
  const ids = { startPrep: [] as string[], remindLater: [] as string[] };
  for (let i = 0; i < clicksPerKind; i++) {
    const start = new Date(now + 10 * 86_400_000 + i * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    ids.startPrep.push(`bench-sp-${i}`);
    ids.remindLater.push(`bench-rl-${i}`);
    await put(sampleMeeting(`bench-sp-${i}`, start), env.tables.meetings);
    await put(sampleMeeting(`bench-rl-${i}`, start, { status: 'PREP_SCHEDULED' }), env.tables.meetings);
  }
  return ids;
}

/** One interaction: builds its event (untimed) and checks what the call did (untimed). */
export interface Kind {
  readonly name: string;
  /** The interaction queues work for the worker (drained after the answers, and measured in a second pass). */
  readonly queues?: boolean;
  readonly event: (i: number) => ApiGatewayEvent;
  /** Checks the answer itself. */
  readonly verify?: (response: ApiGatewayResult, i: number) => void;
  /** Checks what the worker did for the jobs of calls `first`…`first + count - 1`: the Slack messages it sent for them. */
  readonly effects?: (sent: readonly SlackSentMessage[], first: number, count: number) => void;
}

/** The interactions, in the order they are timed, with the meetings seeded for their clicks. */
export function interactionKinds(env: LocalEnvironment, ids: ClickMeetings): Kind[] {
  const count = (sent: readonly SlackSentMessage[], method: SlackSentMessage['method'], text: (t: string) => boolean) =>
    sent.filter((m) => m.method === method && text(m.text ?? '')).length;
  const seeded = (list: string[], what: string) => (i: number) => {
    const meetingId = list[i];
    check(meetingId, `${what} #${i}: no seeded meeting left`);
    return meetingId;
  };
  const startPrepMeeting = seeded(ids.startPrep, 'start_prep');
  const remindLaterMeeting = seeded(ids.remindLater, 'remind_later');
  return [
    {
      name: 'url_verification',
      event: () => restEvent(JSON.stringify(urlVerification), JSON_TYPE),
      verify: (response) => {
        check(
          (JSON.parse(response.body) as { challenge?: string }).challenge === urlVerification.challenge,
          'url_verification: wrong challenge',
        );
      },
    },
    {
      name: '/meetings (HTTP API v2, base64)',
      event: () => httpEvent(slashCommandBody(), FORM),
      verify: (response) => {
        const body = JSON.parse(response.body) as { response_type?: string; blocks?: unknown[] };
        check(
          body.response_type === 'ephemeral' && (body.blocks?.length ?? 0) > 10,
          `/meetings: not the week's list: ${response.body.slice(0, 200)}`,
        );
        check(env.slack.requests.length === 0, '/meetings: called Slack');
      },
    },
    {
      name: 'start_prep click (new session)',
      queues: true,
      event: (i) => restEvent(clickBody('start_prep', { meetingId: startPrepMeeting(i) }), FORM),
      effects: (sent, first, n) => {
        const updates = count(sent, 'chat.update', (t) => t === 'Prep session started');
        const dms = count(sent, 'chat.postMessage', () => true);
        check(
          updates === n && dms >= n,
          `start_prep #${first}…#${first + n - 1}: ${updates} messages replaced and ${dms} DMs for ${n} sessions started`,
        );
      },
    },
    {
      name: 'remind_later click (new schedule)',
      queues: true,
      event: (i) => restEvent(clickBody('remind_later', { meetingId: remindLaterMeeting(i) }), FORM),
      effects: (sent, first, n) => {
        const updates = count(sent, 'chat.update', (t) => t.startsWith("I'll remind you at"));
        check(
          updates === n,
          `remind_later #${first}…#${first + n - 1}: ${updates} messages replaced for ${n} reminders`,
        );
        const names = new Set([...env.scheduler.schedules.values()].map((s) => s.Name));
        for (let i = first; i < first + n; i++)
          check(names.has(`prep-reminder-${remindLaterMeeting(i)}`), `remind_later #${i}: no schedule on the fake`);
      },
    },
    {
      name: 'DM message.im (active session)',
      queues: true,
      event: (i) =>
        httpEvent(dmBody(`Bench note ${i}: add budget variance to the agenda`), JSON_TYPE, { base64: false }),
      effects: (sent, first, n) => {
        const replies = sent.filter((m) => m.method === 'chat.postMessage');
        check(replies.length === n, `DM #${first}…#${first + n - 1}: ${replies.length} replies for ${n} messages`);
        check(
          replies.every((m) => !(m.text ?? '').includes('no prep session open')),
          `DM #${first}…: no active session found (help reply)`,
        );
      },
    },
  ];
}
