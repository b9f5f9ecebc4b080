/**
 * The receipt handlers' pure parts and the status callback's signature check, on the real payloads Twilio and SES
 * send (test/fixtures): the signature is valid only for the exact public URL, and each event becomes the receipt
 * it stands for.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { receiptOfSesEvent, SesEvent } from '../../lambda/channels/email/receipt';
import { receiptOf } from '../../lambda/channels/sms/receipt';
import { fixture } from './fixture';

interface SignedRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

const delivered = fixture<SignedRequest>('twilio/status-callback-delivered.json');
const undelivered = fixture<SignedRequest>('twilio/status-callback-undelivered-30034.json');
const FIXTURE_AUTH_TOKEN = '6f1d3b8a2c9e4f7a0b5d8c1e3a6f9b2d';

type Handler = (event: APIGatewayProxyEvent) => Promise<{ statusCode: number }>;

/** The handler with the fixture's account and public URL, loaded as a cold start would. */
function loadStatusHandler(publicUrl: string): { handler: Handler } {
  process.env['MEETINGS_TABLE_NAME'] = 'meetings-unit';
  process.env['TWILIO_STATUS_CALLBACK_URL'] = publicUrl;
  process.env['TWILIO_ACCOUNT_SID'] = 'AC3f9e2b7c1d4a5e6f8b0c9d2e1f3a4b5c';
  process.env['TWILIO_AUTH_TOKEN'] = FIXTURE_AUTH_TOKEN;
  process.env['TWILIO_FROM_NUMBER'] = '+15017122661';
  let loaded: ReturnType<typeof loadStatusHandler> | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the environment is set
    loaded = require('../../lambda/channels/sms/status') as ReturnType<typeof loadStatusHandler>;
  });
  return loaded as ReturnType<typeof loadStatusHandler>;
}

function eventOf(request: SignedRequest, query: Record<string, string> | null = null): APIGatewayProxyEvent {
  return {
    body: new URLSearchParams(request.params).toString(),
    headers: { ...request.headers },
    queryStringParameters: query,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEvent;
}

afterAll(() => {
  for (const name of [
    'MEETINGS_TABLE_NAME',
    'TWILIO_STATUS_CALLBACK_URL',
    'TWILIO_ACCOUNT_SID',
    'TWILIO_AUTH_TOKEN',
    'TWILIO_FROM_NUMBER',
  ])
    delete process.env[name];
});

describe('POST /twilio/status signature check', () => {
  it('accepts Twilio’s signature for the exact public URL (then asks for the callback query it needs)', async () => {
    const { handler } = loadStatusHandler(delivered.url);

    const result = await handler(eventOf(delivered));

    expect(result.statusCode).toBe(400);
  });

  it('answers 403 when the configured public URL differs from the one Twilio signed (http, another stage)', async () => {
    for (const url of [delivered.url.replace('https:', 'http:'), delivered.url.replace('/prod/', '/dev/')]) {
      const { handler } = loadStatusHandler(url);

      expect((await handler(eventOf(delivered))).statusCode).toBe(403);
    }
  });

  it('answers 403 to a changed parameter or a missing signature', async () => {
    const { handler } = loadStatusHandler(undelivered.url);
    const tampered = { ...undelivered, params: { ...undelivered.params, MessageStatus: 'delivered' } };
    const unsigned = { ...undelivered, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };

    expect((await handler(eventOf(tampered))).statusCode).toBe(403);
    expect((await handler(eventOf(unsigned))).statusCode).toBe(403);
  });
});

describe('status callbacks as receipts', () => {
  const query = { meeting_id: 'm-7f3a', execution: 'm-7f3a-b3f1c0d2-6a7e-4e89-9c41-5d2a8f7e0b16' };
  const at = new Date('2026-11-26T14:00:09Z');

  it('turns delivered into a delivered receipt for the meeting and execution in the callback URL', () => {
    expect(receiptOf(delivered.params, query, at)).toEqual({
      channel: 'sms',
      meetingId: 'm-7f3a',
      execution: query.execution,
      notificationId: 'SM8b2e4f6a1c3d5e7f9a0b2c4d6e8f1a3b',
      status: 'delivered',
      at,
    });
  });

  it('turns undelivered 30034 into an undelivered receipt with the error code', () => {
    expect(receiptOf(undelivered.params, query, at)).toMatchObject({ status: 'undelivered', errorCode: '30034' });
  });

  it('ignores intermediate statuses (queued, sent)', () => {
    expect(receiptOf({ ...delivered.params, MessageStatus: 'sent', SmsStatus: 'sent' }, query, at)).toBeUndefined();
  });
});

describe('SES events as receipts', () => {
  const bounced = fixture<SesEvent>('ses/eventbridge-email-bounced.json');
  const deliveredEmail = fixture<SesEvent>('ses/eventbridge-email-delivered.json');

  it('turns Email Delivered into a delivered receipt, from the mail’s tags', () => {
    expect(receiptOfSesEvent(deliveredEmail)).toMatchObject({
      channel: 'email',
      meetingId: 'm-7f3a',
      notificationId: '010001a218281810-a77ca1dc-61ff-400d-8636-048d1b8dafb3-000000',
      status: 'delivered',
    });
  });

  it('turns a permanent bounce into an undelivered receipt with the bounce type', () => {
    expect(receiptOfSesEvent(bounced)).toMatchObject({ status: 'undelivered', errorCode: 'bounce_Permanent_General' });
  });

  it('ignores mail without the prep tags', () => {
    const untagged = { ...bounced, detail: { ...bounced.detail, mail: { ...bounced.detail.mail, tags: {} } } };

    expect(receiptOfSesEvent(untagged)).toBeUndefined();
  });
});
