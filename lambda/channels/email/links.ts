/** The links a prep email carries: Start Prep and Remind Me (until the meeting starts) and unsubscribe (30 days). Pure. */
import type { EmailLinks } from './messages';
import { SigningKeys, UNSUBSCRIBE_TOKEN_LIFE_MS, signLinkToken } from './action-token';

/** The path of the action links and of the unsubscribe link on the project's API. */
export const LINK_PATHS = { act: '/act', unsubscribe: '/unsubscribe' } as const;

/** Whose email, for which meeting. */
export interface LinkTarget {
  readonly userId: string;
  readonly meetingId: string;
  /** ISO start of the meeting: the action links stop working then. */
  readonly meetingStart: string;
}

/** Signs the three links; `publicApiUrl` is the API's stage URL (`https://…/prod`, no trailing slash needed). */
export function emailLinksFor(keys: SigningKeys, publicApiUrl: string, target: LinkTarget, now: Date): EmailLinks {
  const start = new Date(target.meetingStart);
  if (Number.isNaN(start.getTime()))
    throw new Error(`meeting ${target.meetingId} has no valid start time: ${target.meetingStart}`);
  const base = publicApiUrl.replace(/\/+$/, '');
  const url = (path: string, token: string) => `${base}${path}?t=${encodeURIComponent(token)}`;
  const meetingToken = (action: 'start_prep' | 'remind_later') =>
    signLinkToken(keys, { action, userId: target.userId, meetingId: target.meetingId, expiresAt: start });
  return {
    startPrep: url(LINK_PATHS.act, meetingToken('start_prep')),
    remindLater: url(LINK_PATHS.act, meetingToken('remind_later')),
    unsubscribe: url(
      LINK_PATHS.unsubscribe,
      signLinkToken(keys, {
        action: 'unsubscribe',
        userId: target.userId,
        expiresAt: new Date(now.getTime() + UNSUBSCRIBE_TOKEN_LIFE_MS),
      }),
    ),
  };
}
