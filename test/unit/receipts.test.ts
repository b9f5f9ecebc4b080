/**
 * The receipt handlers' pure parts and the status callback's signature check, on the real payloads Twilio and SES
 * send (test/fixtures): the signature is valid only for the exact public URL, and each event becomes the receipt
 * it stands for.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { receiptOfSesEvent, SesEvent } from '../../lambda/channels/email/receipt';
import { receiptOf } from '../../lambda/channels/sms/receipt';
import { DeliveryReceipt, applyReceipt } from '../../lambda/channels/receipts';
import type { DeliveryIntent, Meeting } from '../../lambda/shared/domain';
import { metricsOf, named } from '../support/emf';
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

describe('applyReceipt: a receipt acts once', () => {
  const execution = 'm-7f3a-b3f1c0d2';
  const sid = 'SM8b2e4f6a1c3d5e7f9a0b2c4d6e8f1a3b';
  const at = new Date('2026-11-26T14:00:09Z');
  const undeliveredReceipt: DeliveryReceipt = {
    channel: 'sms',
    meetingId: 'm-7f3a',
    execution,
    notificationId: sid,
    status: 'undelivered',
    errorCode: '30003',
    at,
  };
  const deliveredReceipt: DeliveryReceipt = { ...undeliveredReceipt, status: 'delivered', errorCode: undefined };

  /** Deps over one meeting whose SMS intent is `intent`; `moves` is what the conditional write answers. */
  function depsWith(intent: Partial<DeliveryIntent>, moves = true) {
    const meeting = {
      meeting_id: 'm-7f3a',
      user_id: 'U024BE7LH',
      start_time: '2026-11-27T14:00:00Z',
      notification_intent_sms: { execution, at: at.toISOString(), task_token: 'token-1', ...intent },
    } as Meeting;
    return {
      meetings: {
        get: jest.fn(async () => meeting),
        updateIntent: jest.fn(async () => moves),
        appendAttempt: jest.fn(async () => undefined),
      },
      succeed: jest.fn(async () => 'completed' as const),
      fail: jest.fn(async () => 'completed' as const),
    };
  }

  it('ends an accepted intent, records the attempt, counts it and fails the task', async () => {
    const deps = depsWith({ state: 'accepted', notification_id: sid });

    const lines = await metricsOf(() => applyReceipt(undeliveredReceipt, deps));

    expect(deps.meetings.updateIntent).toHaveBeenCalledTimes(1);
    expect(deps.meetings.appendAttempt).toHaveBeenCalledTimes(1);
    expect(deps.fail).toHaveBeenCalledTimes(1);
    expect(named(lines, 'UndeliveredReceipts')).toHaveLength(2);
  });

  it.each(['delivered', 'undelivered', 'failed'] as const)(
    'writes, counts and completes nothing for an undelivered receipt when the intent is already %s, except to repeat its own completion',
    async (state) => {
      const deps = depsWith({ state, notification_id: sid });

      let outcome: unknown;
      const lines = await metricsOf(async () => {
        outcome = await applyReceipt(undeliveredReceipt, deps);
      });

      expect(deps.meetings.updateIntent).not.toHaveBeenCalled();
      expect(deps.meetings.appendAttempt).not.toHaveBeenCalled();
      expect(lines).toEqual([]);
      expect(deps.succeed).not.toHaveBeenCalled();
      if (state === 'undelivered') {
        // The same receipt again: the completion is repeated (Step Functions answers `gone` once it was done).
        expect(deps.fail).toHaveBeenCalledTimes(1);
      } else {
        expect(deps.fail).not.toHaveBeenCalled();
        expect(outcome).toBe('already_final');
      }
    },
  );

  it('ignores a delivered receipt for an intent that ended undelivered', async () => {
    const deps = depsWith({ state: 'undelivered', notification_id: sid });

    expect(await applyReceipt(deliveredReceipt, deps)).toBe('already_final');
    expect(deps.meetings.updateIntent).not.toHaveBeenCalled();
    expect(deps.succeed).not.toHaveBeenCalled();
  });

  it('does nothing more when a concurrent receipt ended the intent first (the conditional write fails)', async () => {
    const deps = depsWith({ state: 'accepted', notification_id: sid }, false);

    let outcome: unknown;
    const lines = await metricsOf(async () => {
      outcome = await applyReceipt(undeliveredReceipt, deps);
    });

    expect(outcome).toBe('already_final');
    expect(deps.meetings.appendAttempt).not.toHaveBeenCalled();
    expect(deps.fail).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('still ends an intent still `sending` (the callback came before the send was recorded accepted)', async () => {
    const deps = depsWith({ state: 'sending' });

    expect(await applyReceipt(deliveredReceipt, deps)).toBe('completed');
    expect(deps.meetings.updateIntent).toHaveBeenCalledWith(
      'm-7f3a',
      'sms',
      execution,
      ['sending', 'accepted'],
      { state: 'delivered', notification_id: sid },
      at,
    );
    expect(deps.succeed).toHaveBeenCalledTimes(1);
  });
});
