import { normalizeRequest, parseSlackBody } from '../../lambda/slack-bot/http-event';
import { slackSignature, verifySlackSignature } from '../../lambda/slack-bot/verify-signature';
import vector from '../fixtures/slack/signature-test-vector.json';

const at = (timestamp: string, offsetSeconds = 0) => new Date((Number(timestamp) + offsetSeconds) * 1000);

describe('Slack request signatures (v0)', () => {
  it("computes Slack's published example signature", () => {
    expect(slackSignature(vector.signingSecret, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('accepts the published example at its own time, headers in any case', () => {
    const request = normalizeRequest({
      headers: { 'X-Slack-Signature': vector.signature, 'X-SLACK-REQUEST-TIMESTAMP': vector.timestamp },
      body: vector.body,
    });

    expect(verifySlackSignature(vector.signingSecret, request, at(vector.timestamp, 299))).toEqual({ ok: true });
  });

  it('accepts a base64-encoded body once decoded', () => {
    const request = normalizeRequest({
      headers: { 'x-slack-signature': vector.signature, 'x-slack-request-timestamp': vector.timestamp },
      body: Buffer.from(vector.body).toString('base64'),
      isBase64Encoded: true,
    });

    expect(verifySlackSignature(vector.signingSecret, request, at(vector.timestamp))).toEqual({ ok: true });
  });

  it.each([
    ['a changed body', { body: `${vector.body}&x=1` }, 'invalid_signature'],
    ['another secret', { secret: 'another-secret' }, 'invalid_signature'],
    ['a timestamp older than five minutes', { offset: 301 }, 'stale_timestamp'],
    ['a timestamp from the future beyond five minutes', { offset: -301 }, 'stale_timestamp'],
    ['no signature header', { signature: undefined }, 'missing_signature'],
    ['a malformed signature', { signature: 'v0=zz' }, 'invalid_signature'],
  ])(
    'refuses %s',
    (_name, change: { body?: string; secret?: string; offset?: number; signature?: string | undefined }, reason) => {
      const headers: Record<string, string | undefined> = {
        'x-slack-request-timestamp': vector.timestamp,
        'x-slack-signature': 'signature' in change ? change.signature : vector.signature,
      };
      const request = normalizeRequest({ headers, body: change.body ?? vector.body });

      const check = verifySlackSignature(
        change.secret ?? vector.signingSecret,
        request,
        at(vector.timestamp, change.offset ?? 0),
      );

      expect(check).toEqual({ ok: false, reason });
    },
  );
});

describe('Slack bodies', () => {
  it('parses a form-encoded slash command', () => {
    const parsed = parseSlackBody(vector.body, 'application/x-www-form-urlencoded');

    expect(parsed).toMatchObject({ ok: true, body: { command: '/webhook-collect', user_id: 'U2CERLKJA' } });
  });

  it('reports a broken payload= field instead of throwing', () => {
    expect(parseSlackBody('payload=%7Bbroken', 'application/x-www-form-urlencoded')).toMatchObject({ ok: false });
  });

  it('reports a non-JSON body sent as JSON instead of throwing', () => {
    expect(parseSlackBody('not json', 'application/json')).toMatchObject({ ok: false });
  });
});
