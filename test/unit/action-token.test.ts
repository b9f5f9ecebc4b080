import { createHmac } from 'node:crypto';
import {
  SigningKeys,
  parseSigningKeys,
  signLinkToken,
  verifyLinkToken,
} from '../../lambda/channels/email/action-token';

const K1 = { id: 'k1', key: 'a'.repeat(40) };
const K2 = { id: 'k2', key: 'b'.repeat(40) };
const NOW = new Date('2026-11-27T10:00:00Z');
const START = new Date('2026-11-27T15:00:00Z');

const sign = (keys: SigningKeys, overrides: Partial<Parameters<typeof signLinkToken>[1]> = {}) =>
  signLinkToken(keys, {
    action: 'start_prep',
    userId: 'U1',
    meetingId: 'm-1',
    expiresAt: START,
    tokenId: 'tok-1',
    ...overrides,
  });

describe('link tokens', () => {
  it('round-trips the user, meeting, action, id and expiry', () => {
    // Act
    const check = verifyLinkToken({ current: K1 }, sign({ current: K1 }), NOW);

    // Assert
    expect(check).toEqual({
      ok: true,
      claims: { action: 'start_prep', userId: 'U1', meetingId: 'm-1', tokenId: 'tok-1', expiresAt: START, keyId: 'k1' },
    });
  });

  it('is URL-safe as it is', () => {
    const token = sign({ current: K1 }, { userId: 'U/+=?&', meetingId: 'm é/1' });
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('gives every token its own random id by default', () => {
    const a = verifyLinkToken({ current: K1 }, sign({ current: K1 }, { tokenId: undefined }), NOW);
    const b = verifyLinkToken({ current: K1 }, sign({ current: K1 }, { tokenId: undefined }), NOW);
    expect(a.ok && b.ok && a.claims.tokenId !== b.claims.tokenId).toBe(true);
  });

  it('expires at the meeting start, not a second later', () => {
    const token = sign({ current: K1 });
    expect(verifyLinkToken({ current: K1 }, token, new Date(START.getTime() - 1000)).ok).toBe(true);
    expect(verifyLinkToken({ current: K1 }, token, START)).toEqual({ ok: false, problem: 'expired', keyId: 'k1' });
  });

  it('refuses a changed payload (bad MAC)', () => {
    // Arrange: the same token with another meeting id in its payload
    const [kid, , macPart] = sign({ current: K1 }).split('.');
    const payload = Buffer.from(
      JSON.stringify({ v: 1, a: 'start_prep', u: 'U1', m: 'm-2', i: 'tok-1', e: START.getTime() / 1000 }),
    ).toString('base64url');

    // Act
    const check = verifyLinkToken({ current: K1 }, `${kid}.${payload}.${macPart}`, NOW);

    // Assert
    expect(check).toEqual({ ok: false, problem: 'bad_signature', keyId: 'k1' });
  });

  it('refuses a token signed with another key under a known id', () => {
    const forged = sign({ current: { id: 'k1', key: 'z'.repeat(40) } });
    expect(verifyLinkToken({ current: K1 }, forged, NOW)).toEqual({ ok: false, problem: 'bad_signature', keyId: 'k1' });
  });

  it('accepts the previous key during a rotation, and refuses a key that is neither', () => {
    const old = sign({ current: K1 });
    expect(verifyLinkToken({ current: K2, previous: K1 }, old, NOW).ok).toBe(true);
    expect(verifyLinkToken({ current: K2 }, old, NOW)).toEqual({ ok: false, problem: 'unknown_key', keyId: 'k1' });
  });

  it('signs with the current key', () => {
    const check = verifyLinkToken({ current: K2, previous: K1 }, sign({ current: K2, previous: K1 }), NOW);
    expect(check.ok && check.claims.keyId).toBe('k2');
  });

  it.each([
    ['empty', ''],
    ['two parts', 'k1.abc'],
    ['four parts', 'k1.a.b.c'],
    ['not base64url', 'k1.a+b.c'],
    ['a bad key id', 'k 1.abc.def'],
    ['too long', `k1.${'a'.repeat(3000)}.b`],
  ])('refuses a malformed token (%s)', (_name, token) => {
    expect(verifyLinkToken({ current: K1 }, token, NOW)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('refuses a correctly signed payload of the wrong shape as malformed', () => {
    const payload = Buffer.from(JSON.stringify({ v: 1, a: 'delete_everything', u: 'U1', i: 'x', e: 9e9 })).toString(
      'base64url',
    );
    const mac = createHmac('sha256', K1.key).update(`k1.${payload}`).digest('base64url');
    expect(verifyLinkToken({ current: K1 }, `k1.${payload}.${mac}`, NOW)).toEqual({
      ok: false,
      problem: 'malformed',
      keyId: 'k1',
    });
  });

  it('signs unsubscribe tokens without a meeting, and requires one for the prep actions', () => {
    const check = verifyLinkToken(
      { current: K1 },
      sign({ current: K1 }, { action: 'unsubscribe', meetingId: undefined }),
      NOW,
    );
    expect(check.ok && check.claims).toMatchObject({ action: 'unsubscribe', userId: 'U1' });
    expect(check.ok && 'meetingId' in check.claims).toBe(false);
    expect(() => sign({ current: K1 }, { action: 'remind_later', meetingId: undefined })).toThrow('needs a meeting id');
  });

  it('refuses to sign with a short key or an id that cannot be written in a token', () => {
    expect(() => sign({ current: { id: 'k1', key: 'short' } })).toThrow('at least 32 characters');
    expect(() => sign({ current: { id: 'k.1', key: K1.key } })).toThrow('the id must be');
  });
});

describe('parseSigningKeys', () => {
  it('reads the rotation shape', () => {
    expect(parseSigningKeys({ current: K2, previous: K1 })).toEqual({ current: K2, previous: K1 });
    expect(parseSigningKeys({ current: K2, previous: null })).toEqual({ current: K2 });
  });

  it('reads the flat shape the stack generates as the only key', () => {
    expect(parseSigningKeys({ id: 'k1', key: K1.key })).toEqual({ current: K1 });
  });

  it.each([
    ['not an object', 'x', 'must be a JSON object'],
    ['no key', { current: { id: 'k1' } }, 'current must be'],
    ['a short previous key', { current: K2, previous: { id: 'k1', key: 'x' } }, 'previous k1'],
    ['one id twice', { current: K1, previous: { id: 'k1', key: K2.key } }, 'same id'],
  ])('refuses %s', (_name, json, message) => {
    expect(() => parseSigningKeys(json)).toThrow(message);
  });
});
