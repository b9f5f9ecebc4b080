/**
 * What the email's links do. `GET` only looks (mail scanners and link previews follow links): it checks the token
 * and shows what the button will do. `POST` acts: a meeting link is claimed once (the meetings repository's link uses) and handed to the
 * shared action core via 'email' with the token's id as the request id; an unsubscribe link turns email off in
 * the user's preferences. Every refusal is a page that says why, and changes nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CHANNELS, meetingTypeInWords, toMeetingType, timeZoneOf } from '../shared/domain';
import { readPreferences, receivesOn, toStoredPreferences, withoutChannel } from '../shared/preferences';
import { type MeetingsRepository, isUsedIn } from '../shared/meetings-repository';
import type { UsersRepository } from '../shared/users-repository';
import { ReminderLabels } from '../shared/reminder-policy';
import { formatLocalDateTime } from '../shared/time';
import type { LinkClaims, TokenProblem } from '../channels/email/action-token';
import type { PrepActionOutcome, PrepActionRequest, PrepActionResult } from './action';
import { Page, renderConfirmPage, renderMessagePage } from './link-pages';

/** The two routes, as the pages name them (relative form actions keep the API's stage in the path). */
export type LinkRoute = 'act' | 'unsubscribe';

/** What the link flow needs, passed in. */
export interface LinkFlowDeps {
  /** Verifies a token's signature and expiry (link-keys.ts). */
  readonly verify: (
    token: string,
    now: Date,
  ) => Promise<{ ok: true; claims: LinkClaims } | { ok: false; problem: TokenProblem }>;
  /** The meeting, and the single use of its links (recorded on the meeting item). */
  readonly meetings: Pick<MeetingsRepository, 'get' | 'claimLinkUse' | 'releaseLinkUse'>;
  readonly users: Pick<UsersRepository, 'get' | 'savePreferences'>;
  /** The shared action core (`runPrepAction` with its dependencies). */
  readonly act: (request: PrepActionRequest) => Promise<PrepActionResult>;
  readonly now: () => Date;
  readonly logger: Logger;
}

const PROBLEM_PAGES: Readonly<
  Record<TokenProblem | 'missing' | 'wrong_route', { status: number; title: string; text: string }>
> = {
  missing: {
    status: 400,
    title: 'This link is incomplete',
    text: 'The link is missing its code. Open it again from the email.',
  },
  malformed: {
    status: 400,
    title: 'This link is incomplete',
    text: 'The link may have been cut or changed on the way. Open it again from the email, or use the buttons in Slack.',
  },
  wrong_route: {
    status: 400,
    title: 'This link is incomplete',
    text: 'The link was changed on the way. Open it again from the email.',
  },
  unknown_key: {
    status: 403,
    title: 'This link is not valid',
    text: 'This link was not issued by your meeting assistant, or it was changed. Nothing was done.',
  },
  bad_signature: {
    status: 403,
    title: 'This link is not valid',
    text: 'This link was not issued by your meeting assistant, or it was changed. Nothing was done.',
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    text: 'Links in a prep email work until the meeting starts (an unsubscribe link for 30 days). Nothing was done.',
  },
};

const USED_PAGE = {
  status: 409,
  title: 'This link was already used',
  text: 'Each link in a prep email works once, and this one has been used. Nothing more was done.',
};

/** Titles of the outcome pages, and the status of the refusals. */
const OUTCOME_PAGES: Readonly<Record<PrepActionOutcome, { title: string; status: number }>> = {
  session_started: { title: 'Prep session started', status: 200 },
  already_in_progress: { title: 'Prep already started', status: 200 },
  meeting_started: { title: 'The meeting has started', status: 200 },
  not_startable: { title: 'Prep cannot start', status: 200 },
  reminder_scheduled: { title: 'Reminder set', status: 200 },
  reminder_exists: { title: 'Reminder already set', status: 200 },
  too_late: { title: 'Too late for a reminder', status: 200 },
  not_owner: { title: 'Not your meeting', status: 403 },
  meeting_not_found: { title: 'Meeting not found', status: 404 },
};

function problemPage(problem: keyof typeof PROBLEM_PAGES): Page {
  const p = PROBLEM_PAGES[problem];
  return renderMessagePage(p.status, p.title, p.text);
}

function routeOf(claims: LinkClaims): LinkRoute {
  return claims.action === 'unsubscribe' ? 'unsubscribe' : 'act';
}

async function check(
  deps: LinkFlowDeps,
  token: string | undefined,
  route: LinkRoute,
): Promise<{ claims: LinkClaims } | { page: Page }> {
  if (!token) return { page: problemPage('missing') };
  const result = await deps.verify(token, deps.now());
  if (!result.ok) {
    deps.logger.warn('email link refused', { problem: result.problem, route });
    return { page: problemPage(result.problem) };
  }
  if (routeOf(result.claims) !== route) return { page: problemPage('wrong_route') };
  return { claims: result.claims };
}

const notYours = () =>
  renderMessagePage(403, 'Not your meeting', 'This link is for a meeting that is not yours. Nothing was done.');
const notFound = () =>
  renderMessagePage(
    404,
    'Meeting not found',
    "I can't find that meeting any more. It may have been removed from the calendar.",
  );

/** `GET /act` and `GET /unsubscribe`: the confirmation page. Reads only. */
export async function showLink(deps: LinkFlowDeps, token: string | undefined, route: LinkRoute): Promise<Page> {
  const checked = await check(deps, token, route);
  if ('page' in checked) return checked.page;
  const { claims } = checked;
  const t = token as string;
  if (claims.action === 'unsubscribe') {
    return renderConfirmPage({
      title: 'Stop prep reminders by email?',
      explanation:
        'You will no longer get meeting prep reminders by email. Reminders in Slack and by text message are not affected, and you can turn email back on from the assistant’s Home tab in Slack.',
      button: 'Unsubscribe',
      action: 'unsubscribe',
      token: t,
    });
  }
  const meetingId = claims.meetingId as string;
  const [meeting, user] = await Promise.all([deps.meetings.get(meetingId), deps.users.get(claims.userId)]);
  if (!meeting) return notFound();
  if (meeting.user_id !== claims.userId) return notYours();
  if (isUsedIn(meeting, claims.tokenId)) return renderMessagePage(USED_PAGE.status, USED_PAGE.title, USED_PAGE.text);
  const timeZone = timeZoneOf(user);
  const title = meeting.title?.trim() || 'Untitled meeting';
  const facts: [string, string][] = [
    ['Meeting', title],
    ['When', formatLocalDateTime(meeting.start_time, timeZone)],
    ['Type', meetingTypeInWords(toMeetingType(meeting.meeting_type))],
  ];
  return claims.action === 'start_prep'
    ? renderConfirmPage({
        title: 'Start prep for this meeting?',
        explanation: `This starts your prep session for “${title}”: an agenda outline, context, a question bank and a note-taking template. They go to your Slack direct messages when Slack works for you, otherwise by email.`,
        facts,
        button: 'Start Prep Session',
        action: 'act',
        token: t,
      })
    : renderConfirmPage({
        title: `Remind you ${ReminderLabels.inText}?`,
        explanation: `I will remind you about “${title}” again ${ReminderLabels.inText}, or shortly before it starts if that comes sooner.`,
        facts,
        button: ReminderLabels.button,
        action: 'act',
        token: t,
      });
}

/** `POST /act` and `POST /unsubscribe`: does what the link says, once, and shows the outcome. */
export async function followLink(deps: LinkFlowDeps, token: string | undefined, route: LinkRoute): Promise<Page> {
  const checked = await check(deps, token, route);
  if ('page' in checked) return checked.page;
  const { claims } = checked;
  if (claims.action === 'unsubscribe') return unsubscribe(deps, claims);
  const meetingId = claims.meetingId as string;
  const use = await deps.meetings.claimLinkUse(meetingId, claims.tokenId);
  if (use === 'already_used') {
    deps.logger.info('email link already used', { meeting_id: meetingId, token_id: claims.tokenId });
    return renderMessagePage(USED_PAGE.status, USED_PAGE.title, USED_PAGE.text);
  }
  let result: PrepActionResult;
  try {
    result = await deps.act({
      action: claims.action,
      meetingId,
      userId: claims.userId,
      via: 'email',
      requestId: claims.tokenId,
    });
  } catch (error) {
    // The core's writes are conditional and its queue drops a repeat of this request id: giving the link back is
    // safe, and lets the person try again instead of finding a spent link.
    if (use === 'claimed')
      await deps.meetings
        .releaseLinkUse(meetingId, claims.tokenId)
        .catch((e: unknown) => deps.logger.error('could not give the link back', { error: String(e) }));
    throw error;
  }
  deps.logger.info('email link acted', { meeting_id: meetingId, action: claims.action, outcome: result.outcome });
  const page = OUTCOME_PAGES[result.outcome];
  return renderMessagePage(page.status, page.title, result.text);
}

async function unsubscribe(deps: LinkFlowDeps, claims: LinkClaims): Promise<Page> {
  const user = await deps.users.get(claims.userId);
  if (!user)
    return renderMessagePage(
      404,
      'Nothing to unsubscribe',
      'I have no reminders on file for you. Nothing was changed.',
    );
  const { preferences } = readPreferences(user.notification_preferences, CHANNELS);
  if (!receivesOn(preferences, 'email')) {
    return renderMessagePage(
      200,
      'You are unsubscribed',
      'Prep reminders by email were already off. Nothing was changed.',
    );
  }
  const after = withoutChannel(preferences, 'email');
  await deps.users.savePreferences(claims.userId, toStoredPreferences(after), deps.now());
  deps.logger.info('unsubscribed from prep emails', {
    prep_reminders: after.prep_reminders,
    channels: after.channels.join(','),
  });
  return renderMessagePage(
    200,
    'You are unsubscribed',
    after.prep_reminders
      ? `You will no longer get prep reminders by email. You still get them by ${after.channels.join(' and ').replace('sms', 'text message').replace('slack', 'Slack')}.`
      : 'You will no longer get prep reminders by email. Email was your only channel, so prep reminders are now off; turn them back on from the assistant’s Home tab in Slack.',
  );
}
