/**
 * Which integrations `npm start` leaves pointed at the real services instead of their local stand-ins. It is decided
 * by the credentials a person has put in the environment, so a stand-in is never swapped for a service that could
 * not be reached anyway.
 */

/** Which integrations talk to the real services. */
export interface RealIntegrations {
  readonly slack?: boolean;
  readonly twilio?: boolean;
  readonly ses?: boolean;
}

/**
 * The integrations whose credentials are in the environment: Slack with `SLACK_BOT_TOKEN` and
 * `SLACK_SIGNING_SECRET`; Twilio with `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN` and `TWILIO_FROM_NUMBER`; SES with
 * `SES_FROM_EMAIL` and AWS credentials (`AWS_ACCESS_KEY_ID` or `AWS_PROFILE`).
 */
export function realIntegrationsFromEnv(env: NodeJS.ProcessEnv = process.env): RealIntegrations {
  const has = (...names: string[]) => names.every((n) => Boolean(env[n]));
  return {
    slack: has('SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'),
    twilio: has('TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'),
    ses: has('SES_FROM_EMAIL') && (has('AWS_ACCESS_KEY_ID') || has('AWS_PROFILE')),
  };
}
