/**
 * The fallback drills of `npm start -- --fail NAME[,NAME…]`: each makes one local stand-in fail, so the workflow's
 * retries and fallbacks can be watched in the trace. Add a drill by adding an entry.
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
    description: 'Slack chat.postMessage answers HTTP 500 (retried, then SMS)',
    apply: (env) => env.slack.fail('chat.postMessage', { kind: 'status', status: 500, times: Infinity }),
  },
  sms: {
    description: 'Twilio answers HTTP 500 (retried, then email)',
    apply: (env) => env.twilio.fail({ kind: 'status', status: 500, times: Infinity }),
  },
  email: {
    description: 'SES answers HTTP 500 (retried, then AllChannelsFailed)',
    apply: (env) => env.ses.fail({ kind: 'status', status: 500, times: Infinity }),
  },
};

/** Checks drill names, e.g. from `--fail slack,sms`; throws a StartupError naming the unknown ones and the known. */
export function parseFailDrills(value: string | undefined): string[] {
  const names = (value ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in FAIL_DRILLS));
  if (unknown.length) throw new StartupError(`--fail: unknown drill ${unknown.join(', ')} (known: ${Object.keys(FAIL_DRILLS).join(', ')})`);
  return names;
}
