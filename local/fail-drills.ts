/**
 * The drills of `npm start -- --fail NAME[,NAME…]`: each makes a local stand-in behave as a provider does when
 * something goes wrong (down, undelivered, no receipt, a bounce, an answer that never comes), so the workflow's
 * retries, fallbacks and receipt waits can be watched in the trace. Add a drill by adding an entry.
 */
import { StartupError } from './data-folder';
import type { LocalEnvironment } from './local-environment';

/** One drill: what it does, in the words `--help` prints, and how it sets the stand-ins up. */
export interface FailDrill {
  readonly description: string;
  apply(env: LocalEnvironment): void;
}

/** Every drill, by the name `--fail` takes. */
export const FAIL_DRILLS: Readonly<Record<string, FailDrill>> = {
  slack: {
    description: 'Slack is down: chat.postMessage answers HTTP 503 (retried, then SMS)',
    apply: (env) => env.slack.fail('chat.postMessage', { kind: 'status', status: 503, times: Infinity }),
  },
  sms: {
    description: 'Twilio is down: HTTP 503 (retried, then email)',
    apply: (env) => env.twilio.fail({ kind: 'status', status: 503, times: Infinity }),
  },
  email: {
    description: 'SES is down: HTTP 503 (retried, then AllChannelsFailed)',
    apply: (env) => env.ses.fail({ kind: 'status', status: 503, times: Infinity }),
  },
  'sms-undelivered': {
    description: 'Twilio accepts each SMS, then its signed status callback says undelivered, 30034 (email follows)',
    apply: (env) => env.twilio.scriptStatus({ kind: 'undelivered', errorCode: 30034, times: Infinity }),
  },
  'sms-no-receipt': {
    description: 'Twilio accepts each SMS and never reports back (after the receipt wait: UNCONFIRMED, not resent)',
    apply: (env) => env.twilio.scriptStatus({ kind: 'never', times: Infinity }),
  },
  'email-bounce': {
    description: 'SES accepts each email, then it bounces (the next channel, or AllChannelsFailed)',
    apply: (env) => env.ses.scriptEvents({ kind: 'bounce', times: Infinity }),
  },
  'email-no-receipt': {
    description: 'SES accepts each email and no event comes (after the receipt wait: UNCONFIRMED)',
    apply: (env) => env.ses.scriptEvents({ kind: 'never', times: Infinity }),
  },
  'slack-timeout': {
    description: 'Slack takes each post but never answers (the post is found in the DM history: sent once)',
    apply: (env) => env.slack.fail('chat.postMessage', { kind: 'accept_then_timeout', times: Infinity }),
  },
};

/** Checks drill names, e.g. from `--fail slack,sms`; throws a StartupError naming the unknown ones and the known. */
export function parseFailDrills(value: string | undefined): string[] {
  const names = (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(n in FAIL_DRILLS));
  if (unknown.length)
    throw new StartupError(
      `--fail: unknown drill ${unknown.join(', ')} (known: ${Object.keys(FAIL_DRILLS).join(', ')})`,
    );
  return names;
}
