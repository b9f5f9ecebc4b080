/**
 * The worker's Home tab and digest jobs. A Home refresh that Slack refuses for good (the user left, the app was
 * uninstalled) is dropped; a transient failure is retried by the queue. The digest is sent once per user and
 * scheduled time: claimed on the users item first, the claim given back if the DM fails so a retry can send it.
 */
import { timeZoneOf } from '../../shared/domain';
import { buildDigestMessage } from '../digest';
import { readPreferences } from '../../shared/preferences';
import { RetryableWorkError } from '../click-work';
import { WorkerDeps } from '../deps';
import { classifySlackFailure } from '../slack-failures';
import { DigestJob, HomeRefreshJob } from '../../actions/work-jobs';
import { DEFAULT_CHANNELS, HomeTabDeps, refreshHomeTab } from './home-tab';

/** The Home tab dependencies out of the worker's. */
export function homeTabDeps(deps: WorkerDeps): HomeTabDeps {
  return {
    meetings: deps.meetings,
    users: deps.users,
    reminders: deps.reminders,
    publishHome: (userId, view) => deps.slack.publishHome(userId, view),
    now: deps.now,
    logger: deps.logger,
  };
}

/** Publishes the user's Home tab. */
export async function runHomeRefresh(
  deps: WorkerDeps,
  job: Pick<HomeRefreshJob, 'user_id' | 'reason'>,
): Promise<'published' | 'dropped'> {
  try {
    await refreshHomeTab(homeTabDeps(deps), job.user_id);
    return 'published';
  } catch (error) {
    const failure = classifySlackFailure(error);
    if (failure.retry) throw new RetryableWorkError(failure, { cause: error });
    deps.logger.warn('The Home tab could not be published; dropped', {
      user_id: job.user_id,
      reason: job.reason,
      code: failure.code,
    });
    return 'dropped';
  }
}

/** What a digest job did. */
export type DigestOutcome = 'sent' | 'nothing_to_prepare' | 'already_sent' | 'digest_off' | 'dropped';

const DAYS_AHEAD_MS = 2 * 86_400_000;

/** Sends the user's morning digest for one scheduled time (nothing when nothing needs prep). */
export async function runDigest(deps: WorkerDeps, job: DigestJob, lastAttempt: boolean): Promise<DigestOutcome> {
  const user = await deps.users.get(job.user_id);
  // A schedule left behind by a change that did not finish must not message a user who switched it off.
  if (!readPreferences(user?.notification_preferences, DEFAULT_CHANNELS).preferences.digest.enabled)
    return 'digest_off';
  const now = deps.now();
  const timeZone = timeZoneOf(user);
  const meetings = await deps.meetings.upcoming(job.user_id, now, new Date(now.getTime() + DAYS_AHEAD_MS), 100);
  const message = buildDigestMessage({ now, timeZone, meetings });
  if (!message) return 'nothing_to_prepare';
  if (!(await deps.users.claimDigest(job.user_id, job.scheduled_at))) return 'already_sent';
  try {
    await deps.slack.postMessage(job.user_id, message);
    return 'sent';
  } catch (error) {
    const failure = classifySlackFailure(error);
    if (failure.retry && !lastAttempt) {
      await deps.users.releaseDigest(job.user_id, job.scheduled_at);
      throw new RetryableWorkError(failure, { cause: error });
    }
    deps.logger.error('The digest could not be sent; dropped', {
      user_id: job.user_id,
      scheduled_at: job.scheduled_at,
      code: failure.code,
    });
    return 'dropped';
  }
}
