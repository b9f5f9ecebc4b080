import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import twilio from 'twilio';
import { classifySesError } from '../../lambda/channels/email/classify';
import { classifySlackError } from '../../lambda/channels/slack/classify';
import { classifyTwilioError } from '../../lambda/channels/sms/classify';
import { fetchKeepingCause } from '../../lambda/channels/slack/sender';
import { twilioMessages, type TwilioMessages } from '../../lambda/channels/sms/twilio-messages';
import {
  ChannelOutcomeUnknownError,
  ChannelPermanentFailureError,
  ChannelRateLimitedError,
  ChannelTransientFailureError,
} from '../../lambda/shared/errors';
import { startHttpServer } from '../../local/fake-http';
import { type FakeSlack, type SlackFailureSpec, startFakeSlack } from '../../local/fake-slack';
import { type FakeTwilio, startFakeTwilio } from '../../local/fake-twilio';
import { type LocalSes, startLocalSes } from '../../local/local-ses';
import { fixture, rejectionOf } from './fixture';

interface SlackErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly ok: false; readonly error: string };
  readonly transient: boolean;
}

const slackErrors = Object.entries(
  fixture<Record<string, SlackErrorResponse>>('slack/chat-postMessage-error-responses.json'),
);
const queueFull = fixture<Record<string, unknown>>('twilio/error-21611.json');
const twilioInvalidTo = fixture<{ code: number; status: number; message: string }>('twilio/error-21211.json');

/**
 * Slack documents that after these "some aspect of the operation" may have succeeded: the code treats them as
 * outcome unknown (a retry first looks for the post), though the fixture calls them transient.
 */
const MAYBE_DONE = ['fatal_error', 'internal_error'];

/** How the fake Slack answers like the fixture entry: `ok:false` with HTTP 200, or 429 with its Retry-After. */
function failureLike(code: string, response: SlackErrorResponse): SlackFailureSpec {
  if (response.status === 429)
    return { kind: 'ratelimited', retryAfterSeconds: Number(response.headers['Retry-After']) };
  if (response.status === 200) return { kind: 'slack_error', error: response.body.error };
  throw new Error(`fixture entry ${code} has status ${response.status}, which the fake cannot reproduce`);
}

/** A loopback URL on which nothing listens any more. */
async function closedPortUrl(): Promise<string> {
  const server = await startHttpServer(async () => undefined);
  await server.close();
  return server.url;
}

describe('classifySlackError on errors thrown by @slack/web-api against the fake Slack', () => {
  let slack: FakeSlack;
  let client: WebClient;

  const send = (): Promise<unknown> => client.chat.postMessage({ channel: 'U024BE7LH', text: 'Meeting prep reminder' });

  beforeAll(async () => {
    slack = await startFakeSlack();
    client = new WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
  afterEach(() => slack.reset());
  afterAll(() => slack.close());

  const permanent = slackErrors.filter(([, response]) => !response.transient);
  const transient = slackErrors.filter(
    ([code, response]) => response.transient && response.status === 200 && !MAYBE_DONE.includes(code),
  );
  const rateLimited = slackErrors.filter(([, response]) => response.status === 429);

  it('covers every fixture entry in exactly one group', () => {
    const covered = [...permanent, ...transient, ...rateLimited].map(([code]) => code).concat(MAYBE_DONE);

    expect(covered.sort()).toEqual(slackErrors.map(([code]) => code).sort());
  });

  it.each(permanent)('treats %s as a permanent failure: the next channel is tried at once', async (code, response) => {
    slack.fail('chat.postMessage', failureLike(code, response));

    const classified = classifySlackError(await rejectionOf(send()));

    expect(classified).toBeInstanceOf(ChannelPermanentFailureError);
    expect(classified).toMatchObject({ name: 'ChannelPermanentFailure', channel: 'slack', code: response.body.error });
  });

  it.each(transient)('treats %s as a transient failure worth a retry', async (code, response) => {
    slack.fail('chat.postMessage', failureLike(code, response));

    const classified = classifySlackError(await rejectionOf(send()));

    expect(classified).toBeInstanceOf(ChannelTransientFailureError);
    expect(classified).toMatchObject({ name: 'ChannelTransientFailure', channel: 'slack', code: response.body.error });
  });

  it.each(rateLimited)('treats %s (HTTP 429) as rate limited, keeping Retry-After', async (code, response) => {
    slack.fail('chat.postMessage', failureLike(code, response));

    const classified = classifySlackError(await rejectionOf(send()));

    expect(classified).toBeInstanceOf(ChannelRateLimitedError);
    expect(classified).toMatchObject({ name: 'ChannelRateLimited', channel: 'slack', retryAfterSeconds: 30 });
  });

  it.each(MAYBE_DONE)(
    'treats %s as outcome unknown: the post may exist, so a retry must look before posting',
    async (code) => {
      slack.fail('chat.postMessage', { kind: 'slack_error', error: code });

      const classified = classifySlackError(await rejectionOf(send()));

      expect(classified).toBeInstanceOf(ChannelOutcomeUnknownError);
      expect(classified).toMatchObject({ name: 'ChannelOutcomeUnknown', code });
    },
  );

  it('treats an HTTP 503 as transient http_503: Slack refused the request', async () => {
    slack.fail('chat.postMessage', { kind: 'status', status: 503 });

    expect(classifySlackError(await rejectionOf(send()))).toBeInstanceOf(ChannelTransientFailureError);
  });

  it('treats an HTTP 500 as outcome unknown http_500: it does not prove the post was refused', async () => {
    slack.fail('chat.postMessage', { kind: 'status', status: 500 });

    const classified = classifySlackError(await rejectionOf(send()));

    expect(classified).toBeInstanceOf(ChannelOutcomeUnknownError);
    expect(classified).toMatchObject({ code: 'http_500' });
  });

  it('treats the client timing out on an accepted post as outcome unknown, not transient', async () => {
    const impatient = new WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      fetch: fetchKeepingCause,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 200,
      logLevel: LogLevel.ERROR,
    });
    slack.fail('chat.postMessage', { kind: 'timeout' });

    const classified = classifySlackError(
      await rejectionOf(impatient.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' })),
    );

    expect(classified).toBeInstanceOf(ChannelOutcomeUnknownError);
    expect(classified).toMatchObject({ channel: 'slack' });
  });

  it('keeps the WebClient error as the cause', async () => {
    slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });
    const error = await rejectionOf(send());

    const classified = classifySlackError(error);

    expect(classified.cause).toBe(error);
    expect(classified.cause).toMatchObject({ code: ErrorCode.PlatformError });
  });

  it('treats a refused connection as transient', async () => {
    const unreachable = new WebClient('xoxb-test', {
      slackApiUrl: `${await closedPortUrl()}/api/`,
      fetch: fetchKeepingCause,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: LogLevel.ERROR,
    });

    const error = await rejectionOf(unreachable.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' }));

    expect(error).toMatchObject({ code: ErrorCode.RequestError });
    expect(classifySlackError(error)).toBeInstanceOf(ChannelTransientFailureError);
  });
});

describe('classifyTwilioError on errors thrown by the twilio client against the fake Twilio', () => {
  const from = '+15017122661';
  let fake: FakeTwilio;
  let client: TwilioMessages;
  let savedApiUrl: string | undefined;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    savedApiUrl = process.env.TWILIO_API_URL;
    process.env.TWILIO_API_URL = fake.url;
    client = twilioMessages('AC3f9e2b7c1d4a5e6f8b0c9d2e1f3a4b5c', 'classify-test');
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    if (savedApiUrl === undefined) delete process.env.TWILIO_API_URL;
    else process.env.TWILIO_API_URL = savedApiUrl;
    await fake.close();
  });

  it('treats an invalid To number (21211) as permanent, with the Twilio code', async () => {
    const error = await rejectionOf(client.create({ to: '+1212555014', from, body: 'Meeting prep reminder' }));

    const classified = classifyTwilioError(error);

    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: twilioInvalidTo.status, code: twilioInvalidTo.code });
    expect(classified).toBeInstanceOf(ChannelPermanentFailureError);
    expect(classified).toMatchObject({ name: 'ChannelPermanentFailure', channel: 'sms', code: '21211' });
  });

  it.each([500, 502, 504])('treats HTTP %d as outcome unknown: the message may have been created', async (status) => {
    fake.fail({ kind: 'status', status });

    const error = await rejectionOf(client.create({ to: '+12125550143', from, body: 'Meeting prep reminder' }));

    expect(error).toBeInstanceOf(twilio.RestException);
    expect(classifyTwilioError(error)).toBeInstanceOf(ChannelOutcomeUnknownError);
    expect(classifyTwilioError(error)).toMatchObject({ channel: 'sms' });
  });

  it.each([429, 503])('treats HTTP %d as transient (an explicit "try again")', async (status) => {
    fake.fail({ kind: 'status', status });

    const error = await rejectionOf(client.create({ to: '+12125550143', from, body: 'Meeting prep reminder' }));

    expect(classifyTwilioError(error)).toBeInstanceOf(ChannelTransientFailureError);
  });

  it('treats 21611 (the sender queue is full) as transient, as Twilio documents it', async () => {
    fake.fail({ kind: 'status', status: 400, body: queueFull });

    const error = await rejectionOf(client.create({ to: '+12125550143', from, body: 'Meeting prep reminder' }));

    expect(error).toMatchObject({ code: 21611 });
    expect(classifyTwilioError(error)).toBeInstanceOf(ChannelTransientFailureError);
    expect(classifyTwilioError(error)).toMatchObject({ code: '21611' });
  });

  it('treats a timeout after Twilio took the request as outcome unknown', () => {
    const timeout = Object.assign(new Error('timeout of 8000ms exceeded'), { code: 'ECONNABORTED' });

    expect(classifyTwilioError(timeout)).toBeInstanceOf(ChannelOutcomeUnknownError);
  });

  it('treats a refused connection as transient', async () => {
    process.env.TWILIO_API_URL = await closedPortUrl();
    const unreachable = twilioMessages('AC00000000000000000000000000000000', 'refused');
    process.env.TWILIO_API_URL = fake.url;

    const error = await rejectionOf(unreachable.create({ to: '+12125550143', from, body: 'Meeting prep reminder' }));

    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(classifyTwilioError(error)).toBeInstanceOf(ChannelTransientFailureError);
    expect(classifyTwilioError(error)).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('classifySesError on errors thrown by @aws-sdk/client-sesv2 against local SES', () => {
  let ses: LocalSes;
  let client: SESv2Client;

  const send = (): Promise<unknown> =>
    client.send(
      new SendEmailCommand({
        FromEmailAddress: 'assistant@acme.example',
        Destination: { ToAddresses: ['jordan.lee@acme.example'] },
        Content: { Simple: { Subject: { Data: 'Meeting prep' }, Body: { Text: { Data: 'Q4 Leadership Sync' } } } },
      }),
    );

  beforeAll(async () => {
    ses = await startLocalSes();
    client = new SESv2Client({
      endpoint: ses.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
  });
  afterEach(() => ses.reset());
  afterAll(async () => {
    client.destroy();
    await ses.close();
  });

  it('treats MessageRejected as permanent', async () => {
    ses.fail({ kind: 'rejected' });

    const classified = classifySesError(await rejectionOf(send()));

    expect(classified).toBeInstanceOf(ChannelPermanentFailureError);
    expect(classified).toMatchObject({ name: 'ChannelPermanentFailure', channel: 'email', code: 'MessageRejected' });
  });

  it('treats HTTP 500 as outcome unknown: SES may have taken the mail, and it cannot be looked up', async () => {
    ses.fail({ kind: 'status', status: 500 });

    const classified = classifySesError(await rejectionOf(send()));

    expect(classified).toBeInstanceOf(ChannelOutcomeUnknownError);
    expect(classified).toMatchObject({ name: 'ChannelOutcomeUnknown', channel: 'email' });
  });

  it('treats HTTP 503 (ServiceUnavailable) as transient: SES refused it', async () => {
    ses.fail({ kind: 'status', status: 503 });

    const classified = classifySesError(await rejectionOf(send()));

    expect(classified).toBeInstanceOf(ChannelTransientFailureError);
  });

  it('treats an SDK timeout (TimeoutError) or a reset connection as outcome unknown', () => {
    const timeout = Object.assign(new Error('Connection timed out after 8000 ms'), { name: 'TimeoutError' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    expect(classifySesError(timeout)).toBeInstanceOf(ChannelOutcomeUnknownError);
    expect(classifySesError(reset)).toBeInstanceOf(ChannelOutcomeUnknownError);
  });

  it('treats throttling as transient', () => {
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });

    expect(classifySesError(throttled)).toBeInstanceOf(ChannelTransientFailureError);
  });

  it('treats a refused connection as transient: nothing was sent', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

    expect(classifySesError(refused)).toBeInstanceOf(ChannelTransientFailureError);
  });
});
