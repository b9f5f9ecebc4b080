/**
 * SES on loopback: aws-ses-v2-local (a real SES API emulator that keeps the mail it receives), behind a small
 * proxy that can fail on demand so email failures can be exercised too.
 */
import { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import { ANY_REQUEST, FailurePlan, FakeHttpServer } from './fake-http';
import { startFaultProxy } from './fault-proxy';

/** How the proxy fails a request. `rejected` answers SES's own `MessageRejected` (a permanent error). */
export type SesFailureSpec =
  | { readonly kind: 'status'; readonly status: number; readonly times?: number }
  | { readonly kind: 'rejected'; readonly times?: number }
  | { readonly kind: 'timeout'; readonly times?: number };

/**
 * What the configuration set reports for the next emails sent in one: a delivery, a hard bounce, or nothing
 * (`never`: the event never comes).
 */
export type SesEventScript = { readonly kind: 'delivered' | 'bounce' | 'never'; readonly times?: number };

/** An SES event as the configuration set's EventBridge destination puts it on the bus. */
export interface SesEventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Email Delivered' | 'Email Bounced';
  readonly source: 'aws.ses';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** A mail the emulator received. */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  /** The message headers the sender added (SES v2 `Content.Simple.Headers`). */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  readonly at: number;
}

/** SES on loopback. */
export interface LocalSes extends FakeHttpServer {
  /** Mail accepted so far. */
  emails(): Promise<StoredEmail[]>;
  fail(spec: SesFailureSpec): void;
  /** Scripts the events of the next emails sent in a configuration set (default: delivered). */
  scriptEvents(script: SesEventScript): void;
  /** Where events go (the local stand-in of the EventBridge rule); events before this is set are dropped. */
  deliverEventsTo(listener: ((event: SesEventBridgeEvent) => Promise<void>) | undefined): void;
  /** Events emitted so far. */
  readonly events: readonly SesEventBridgeEvent[];
  /** Resolves when every event emitted so far has been handled. */
  settled(): Promise<void>;
  clearFailures(): void;
  /** Clears the failures and the stored mail. */
  reset(): Promise<void>;
}

/** An SES v2 (REST-JSON) error answer: the error's name in `x-amzn-errortype`, as the SDK reads it. */
function sesV2Error(
  status: number,
  code: string,
  message: string,
): { status: number; headers: Record<string, string>; body: string } {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
    body: JSON.stringify({ message }),
  };
}

/** What an SES send (v1 form `SendEmail`, or v2 JSON `outbound-emails`) says about its mail, for the configuration set's event. */
interface SentMail {
  readonly configurationSet: string | undefined;
  readonly messageId: string | undefined;
  readonly tags: Record<string, string[]>;
  readonly to: string;
  readonly source: string;
}

function sentMailOf(
  request: { url: string; body: string },
  response: { status: number; body: string },
): SentMail | undefined {
  if (response.status !== 200) return undefined;
  if (request.url.startsWith('/v2/email/outbound-emails')) {
    const body = JSON.parse(request.body) as {
      ConfigurationSetName?: string;
      EmailTags?: { Name: string; Value: string }[];
      Destination?: { ToAddresses?: string[] };
      FromEmailAddress?: string;
    };
    const tags: Record<string, string[]> = {};
    for (const tag of body.EmailTags ?? []) tags[tag.Name] = [tag.Value];
    return {
      configurationSet: body.ConfigurationSetName,
      messageId: (JSON.parse(response.body) as { MessageId?: string }).MessageId,
      tags,
      to: body.Destination?.ToAddresses?.[0] ?? '',
      source: body.FromEmailAddress ?? '',
    };
  }
  const form = new URLSearchParams(request.body);
  if (form.get('Action') !== 'SendEmail') return undefined;
  const tags: Record<string, string[]> = {};
  for (let i = 1; form.has(`Tags.member.${i}.Name`); i++)
    tags[form.get(`Tags.member.${i}.Name`) as string] = [form.get(`Tags.member.${i}.Value`) ?? ''];
  return {
    configurationSet: form.get('ConfigurationSetName') ?? undefined,
    messageId: /<MessageId>([^<]+)<\/MessageId>/.exec(response.body)?.[1],
    tags,
    to: form.get('Destination.ToAddresses.member.1') ?? '',
    source: form.get('Source') ?? '',
  };
}

function sesError(code: string, message: string, type: 'Sender' | 'Receiver'): string {
  return (
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type>` +
    `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>local-${Date.now()}</RequestId></ErrorResponse>`
  );
}

/** Starts the emulator and its proxy on 127.0.0.1 (ephemeral ports unless `port` is given for the proxy). */
export async function startLocalSes(options: { port?: number } = {}): Promise<LocalSes> {
  const backend = await sesLocal({ host: '127.0.0.1', port: 0 });
  const eventPlan = new FailurePlan<SesEventScript>();
  const events: SesEventBridgeEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  let listener: ((event: SesEventBridgeEvent) => Promise<void>) | undefined;
  /** A send in a configuration set (SES v1 `SendEmail` or v2): after the answer, the set's event for that mail. */
  const onForwarded = (request: { url: string; body: string }, response: { status: number; body: string }): void => {
    const sent = sentMailOf(request, response);
    const configurationSet = sent?.configurationSet;
    const messageId = sent?.messageId;
    if (!sent || !configurationSet || !messageId) return;
    const script = eventPlan.take(ANY_REQUEST) ?? { kind: 'delivered' };
    if (script.kind === 'never') return;
    const tags: Record<string, string[]> = { 'ses:configuration-set': [configurationSet], ...sent.tags };
    const to = sent.to;
    const now = new Date();
    const mail = { timestamp: now.toISOString(), source: sent.source, messageId, destination: [to], tags };
    const event: SesEventBridgeEvent = {
      version: '0',
      id: `local-${messageId}`,
      'detail-type': script.kind === 'delivered' ? 'Email Delivered' : 'Email Bounced',
      source: 'aws.ses',
      account: '123456789012',
      time: now.toISOString(),
      region: 'us-east-1',
      resources: [`arn:aws:ses:us-east-1:123456789012:configuration-set/${configurationSet}`],
      detail:
        script.kind === 'delivered'
          ? {
              eventType: 'Delivery',
              mail,
              delivery: { timestamp: now.toISOString(), recipients: [to], smtpResponse: '250 2.6.0 Message received' },
            }
          : {
              eventType: 'Bounce',
              mail,
              bounce: {
                bounceType: 'Permanent',
                bounceSubType: 'General',
                bouncedRecipients: [
                  {
                    emailAddress: to,
                    action: 'failed',
                    status: '5.1.1',
                    diagnosticCode: 'smtp; 550 5.1.1 user unknown',
                  },
                ],
                timestamp: now.toISOString(),
              },
            },
    };
    events.push(event);
    const deliver = listener;
    if (!deliver) return;
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => deliver(event))
      .catch(() => undefined)
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const backendPort = (backend.address() as AddressInfo).port;
  const proxy = await startFaultProxy<SesFailureSpec>({
    targetPort: backendPort,
    // The emulator's own store endpoints never fail.
    targetOf: (req) => (req.url?.startsWith('/store') || req.url?.startsWith('/clear-store') ? undefined : 'SendEmail'),
    answer: (failure, req) => {
      if (failure.kind === 'timeout') return undefined;
      if (req.url?.startsWith('/v2/')) {
        if (failure.kind === 'rejected') return sesV2Error(400, 'MessageRejected', 'Email address is not verified.');
        const name =
          failure.status === 503
            ? 'ServiceUnavailableException'
            : failure.status === 429
              ? 'TooManyRequestsException'
              : failure.status >= 500
                ? 'InternalServiceErrorException'
                : 'BadRequestException';
        return sesV2Error(failure.status, name, `Local failure ${failure.status}`);
      }
      const xml =
        failure.kind === 'rejected'
          ? sesError('MessageRejected', 'Email address is not verified.', 'Sender')
          : sesError(
              failure.status === 503 ? 'ServiceUnavailable' : failure.status >= 500 ? 'InternalFailure' : 'BadRequest',
              `Local failure ${failure.status}`,
              failure.status >= 500 ? 'Receiver' : 'Sender',
            );
      return {
        status: failure.kind === 'rejected' ? 400 : failure.status,
        headers: { 'content-type': 'text/xml' },
        body: xml,
      };
    },
    ...(options.port !== undefined ? { port: options.port } : {}),
    onForwarded,
  });

  const storeUrl = `http://127.0.0.1:${backendPort}`;
  return {
    url: proxy.url,
    port: proxy.port,
    async emails() {
      const res = await fetch(`${storeUrl}/store`);
      const json = (await res.json()) as { emails: StoredEmail[] };
      return json.emails;
    },
    fail: (spec) => proxy.fail('SendEmail', spec),
    scriptEvents: (script) => eventPlan.add(ANY_REQUEST, script),
    deliverEventsTo: (next) => {
      listener = next;
    },
    events,
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    clearFailures: () => {
      proxy.clearFailures();
      eventPlan.clear();
    },
    async reset() {
      proxy.clearFailures();
      eventPlan.clear();
      events.length = 0;
      await fetch(`${storeUrl}/clear-store`, { method: 'POST' });
    },
    async close() {
      await proxy.close();
      await new Promise<void>((resolve) => {
        backend.closeAllConnections();
        backend.close(() => resolve());
      });
    },
  };
}
