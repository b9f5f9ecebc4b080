/**
 * The stand-ins' receipts, as the real services send them: the Twilio fake lists messages like Twilio's Messages
 * API and posts status callbacks signed for the exact URL; the SES stand-in reports a configuration set's
 * deliveries and bounces as EventBridge events; the Step Functions stand-in settles task tokens once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { twilioMessages } from '../../lambda/channels/sms/twilio-messages';
import { FakeHttpServer, readBody, startHttpServer } from '../../local/fake-http';
import { startFakeSfn } from '../../local/fake-sfn';
import { startFakeTwilio } from '../../local/fake-twilio';
import { type SesEventBridgeEvent, startLocalSes } from '../../local/local-ses';
import { TaskTokenBroker } from '../../local/task-tokens';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = <T>(relative: string): T => JSON.parse(readFileSync(path.join(FIXTURES, relative), 'utf8')) as T;

describe('the Twilio stand-in', () => {
  const sid = 'AC3f9e2b7c1d4a5e6f8b0c9d2e1f3a4b5c';
  const token = 'receipt-fakes-token';
  let receiver: FakeHttpServer;
  const received: { url: string; signature: string; params: Record<string, string> }[] = [];

  beforeAll(async () => {
    receiver = await startHttpServer(async (req, res) => {
      received.push({
        url: `${receiver.url}${req.url ?? ''}`,
        signature: String(req.headers['x-twilio-signature']),
        params: Object.fromEntries(new URLSearchParams(await readBody(req))),
      });
      res.writeHead(200).end('<Response/>');
    });
  });
  afterAll(() => receiver.close());

  it('posts sent then delivered to the StatusCallback, signed for that exact URL, and lists the message as delivered', async () => {
    const twilio = await startFakeTwilio({ accountSid: sid, authToken: token });
    process.env['TWILIO_API_URL'] = twilio.url;
    const messages = twilioMessages(sid, token);
    const callback = `${receiver.url}/twilio/status?meeting_id=m-7f3a&execution=e1`;

    const created = await messages.create({
      to: '+12125550143',
      from: '+15017122661',
      body: 'Meeting prep',
      statusCallback: callback,
    });
    await twilio.settled();
    const listed = await messages.list({ to: '+12125550143', from: '+15017122661', limit: 20 });
    await twilio.close();
    delete process.env['TWILIO_API_URL'];

    expect(received.map((r) => r.params['MessageStatus'])).toEqual(['sent', 'delivered']);
    for (const r of received) expect(validateRequest(token, r.signature, callback, r.params)).toBe(true);
    expect(received[1]?.params).toMatchObject({
      MessageSid: created.sid,
      To: '+12125550143',
      From: '+15017122661',
      AccountSid: sid,
    });
    expect(listed.map((m) => [m.sid, m.status])).toEqual([[created.sid, 'delivered']]);
  });

  it('answers the list like Twilio (the fixture’s paging fields)', async () => {
    const twilio = await startFakeTwilio({ accountSid: sid, authToken: token });
    const expected = Object.keys(fixture<Record<string, unknown>>('twilio/messages-list-response.json')).sort();

    const res = await fetch(`${twilio.url}/2010-04-01/Accounts/${sid}/Messages.json?To=%2B12125550143&PageSize=50`, {
      headers: { authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}` },
    });
    await twilio.close();

    expect(Object.keys((await res.json()) as Record<string, unknown>).sort()).toEqual(expected);
  });
});

describe('the SES stand-in', () => {
  it('reports a configuration set’s delivery and bounce as EventBridge events with the mail’s tags', async () => {
    const ses = await startLocalSes();
    const events: SesEventBridgeEvent[] = [];
    ses.deliverEventsTo(async (event) => void events.push(event));
    const client = new SESClient({
      endpoint: ses.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const send = () =>
      client.send(
        new SendEmailCommand({
          Source: 'assistant@acme.example',
          Destination: { ToAddresses: ['jordan.lee@acme.example'] },
          Message: { Subject: { Data: 'Meeting prep' }, Body: { Text: { Data: 'Q4 Leadership Sync' } } },
          ConfigurationSetName: 'exec-assistant-prep-emails',
          Tags: [
            { Name: 'meeting_id', Value: 'm-7f3a' },
            { Name: 'execution', Value: 'e1' },
          ],
        }),
      );

    const first = await send();
    ses.scriptEvents({ kind: 'bounce' });
    const second = await send();
    await ses.settled();
    client.destroy();
    await ses.close();

    const shape = fixture<SesEventBridgeEvent>('ses/eventbridge-email-delivered.json');
    expect(events.map((e) => [e['detail-type'], (e.detail['mail'] as { messageId: string }).messageId])).toEqual([
      ['Email Delivered', first.MessageId],
      ['Email Bounced', second.MessageId],
    ]);
    expect(Object.keys(events[0] ?? {}).sort()).toEqual(Object.keys(shape).sort());
    expect(events[0]?.resources).toEqual([
      'arn:aws:ses:us-east-1:123456789012:configuration-set/exec-assistant-prep-emails',
    ]);
    expect((events[1]?.detail['mail'] as { tags: Record<string, string[]> }).tags).toMatchObject({
      meeting_id: ['m-7f3a'],
      execution: ['e1'],
    });
  });
});

describe('the Step Functions stand-in', () => {
  it('settles a task token once; a second answer gets TaskTimedOut, an unknown token InvalidToken', async () => {
    const tokens = new TaskTokenBroker();
    const sfn = await startFakeSfn('arn:aws:states:us-east-1:123456789012:stateMachine:x', () => undefined, tokens);
    const client = new SFNClient({
      endpoint: sfn.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const { token, outcome } = tokens.issue('NotifyViaSms');
    const failure = fixture<{ error: string; cause: string }>('stepfunctions/send-task-failure-request.json');

    await client.send(new SendTaskFailureCommand({ taskToken: token, error: failure.error, cause: failure.cause }));
    const again = await client
      .send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))
      .catch((e: Error) => e.name);
    const unknown = await client
      .send(new SendTaskSuccessCommand({ taskToken: 'AQC-never-issued', output: '{}' }))
      .catch((e: Error) => e.name);
    client.destroy();
    await sfn.close();

    expect(await outcome).toEqual({ kind: 'failure', error: 'ChannelPermanentFailure', cause: failure.cause });
    expect([again, unknown]).toEqual(['TaskTimedOut', 'InvalidToken']);
  });
});
