/**
 * The failure drills of `npm start -- --fail …`: each makes a local stand-in behave as a provider does when
 * something goes wrong, so the workflow's answer can be watched in the trace.
 */
import type { LocalEnvironment } from './local-environment';

/** Every drill, with what it shows. */
export const DRILLS = {
  slack: 'Slack is down (503 on every call): Slack is retried, then SMS is tried',
  sms: 'Twilio is down (503 on every call): SMS is retried, then email is tried',
  email: 'SES is down (503 on every call): email is retried, then every channel has failed',
  'sms-undelivered': 'Twilio accepts each SMS, then reports it undelivered (30034, unregistered 10DLC sender): email is tried',
  'sms-no-receipt': 'Twilio accepts each SMS and never reports back: after the receipt wait, the SMS is recorded UNCONFIRMED, never resent',
  'email-bounce': 'SES accepts each email, then it bounces: every channel has failed (the bounce is recorded)',
  'email-no-receipt': 'SES accepts each email and no event comes: after the receipt wait, the email is recorded UNCONFIRMED',
  'slack-timeout': 'Slack takes each post but its answer never comes: the post is found in the DM history, nothing is sent twice',
} as const;

/** A drill's name. */
export type Drill = keyof typeof DRILLS;

/** Whether a word names a drill. */
export function isDrill(name: string): name is Drill {
  return Object.prototype.hasOwnProperty.call(DRILLS, name);
}

/** Arms the drills on the environment's stand-ins, for every call from now on. */
export function applyDrills(env: LocalEnvironment, drills: readonly Drill[]): void {
  for (const drill of drills) {
    switch (drill) {
      case 'slack':
        env.slack.fail('chat.postMessage', { kind: 'status', status: 503, times: Infinity });
        break;
      case 'sms':
        env.twilio.fail({ kind: 'status', status: 503, times: Infinity });
        break;
      case 'email':
        env.ses.fail({ kind: 'status', status: 503, times: Infinity });
        break;
      case 'sms-undelivered':
        env.twilio.scriptStatus({ kind: 'undelivered', errorCode: 30034, times: Infinity });
        break;
      case 'sms-no-receipt':
        env.twilio.scriptStatus({ kind: 'never', times: Infinity });
        break;
      case 'email-bounce':
        env.ses.scriptEvents({ kind: 'bounce', times: Infinity });
        break;
      case 'email-no-receipt':
        env.ses.scriptEvents({ kind: 'never', times: Infinity });
        break;
      case 'slack-timeout':
        env.slack.fail('chat.postMessage', { kind: 'accept_then_timeout', times: Infinity });
        break;
    }
  }
}
