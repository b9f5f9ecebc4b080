import { realIntegrationsFromEnv } from '../../local/real-integrations';

describe('npm start with real integrations', () => {
  it('uses local stand-ins when no credentials are in the environment', () => {
    expect(realIntegrationsFromEnv({})).toEqual({ slack: false, twilio: false, ses: false });
  });

  it('uses real Slack only with both the bot token and the signing secret', () => {
    expect(realIntegrationsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1' }).slack).toBe(false);
    expect(realIntegrationsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack).toBe(true);
  });

  it('uses real Twilio only with the account, token and sender', () => {
    expect(realIntegrationsFromEnv({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't' }).twilio).toBe(false);
    expect(
      realIntegrationsFromEnv({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM_NUMBER: '+15005550006' })
        .twilio,
    ).toBe(true);
  });

  it('uses real SES only with a sender and AWS credentials', () => {
    expect(realIntegrationsFromEnv({ SES_FROM_EMAIL: 'a@b.example' }).ses).toBe(false);
    expect(realIntegrationsFromEnv({ SES_FROM_EMAIL: 'a@b.example', AWS_PROFILE: 'dev' }).ses).toBe(true);
  });
});
