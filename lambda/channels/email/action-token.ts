/**
 * The signed tokens of the email's one-click links. A token names the user, the action and (for the prep actions)
 * the meeting, carries its own id and an expiry, and is signed with HMAC-SHA256 under a key named by its id, so
 * keys can be rotated: verification accepts the current and the previous key. Pure (node:crypto only).
 *
 * Wire form: `<key id>.<base64url(JSON payload)>.<base64url(MAC)>`, the MAC computed over `<key id>.<payload>`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a link can do. */
export type LinkAction = 'start_prep' | 'remind_later' | 'unsubscribe';

/** The actions that act on a meeting (they name one). */
export const MEETING_LINK_ACTIONS: readonly LinkAction[] = ['start_prep', 'remind_later'];

/** How long an unsubscribe link works: it concerns no meeting, and people find old emails. */
export const UNSUBSCRIBE_TOKEN_LIFE_MS = 30 * 24 * 60 * 60 * 1000;

/** One signing key. */
export interface SigningKey {
  /** Letters, digits, `_` and `-`: it is written in the token. */
  readonly id: string;
  /** The secret itself (any string; at least 32 characters). */
  readonly key: string;
}

/** The keys in use: sign with `current`, accept `current` and `previous`. */
export interface SigningKeys {
  readonly current: SigningKey;
  readonly previous?: SigningKey;
}

/** What a valid token says. */
export interface LinkClaims {
  readonly action: LinkAction;
  readonly userId: string;
  /** Present for the prep actions. */
  readonly meetingId?: string;
  /** The token's own id (the action's request id; what single use is recorded under). */
  readonly tokenId: string;
  readonly expiresAt: Date;
  /** The key it was signed with. */
  readonly keyId: string;
}

/** Why a token is refused. */
export type TokenProblem = 'malformed' | 'unknown_key' | 'bad_signature' | 'expired';

/** The result of {@link verifyLinkToken}. */
export type TokenCheck =
  | { readonly ok: true; readonly claims: LinkClaims }
  | { readonly ok: false; readonly problem: TokenProblem; readonly keyId?: string };

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const MIN_KEY_LENGTH = 32;
/** Longer tokens are refused before any work: a link token is a few hundred characters. */
const MAX_TOKEN_LENGTH = 2048;

interface Payload {
  readonly v: 1;
  readonly a: LinkAction;
  readonly u: string;
  readonly m?: string;
  readonly i: string;
  /** Expiry, epoch seconds. */
  readonly e: number;
}

/** Throws when a key cannot be used (a bad id or too short a secret). */
export function assertUsableKey(key: SigningKey, what = 'signing key'): void {
  if (!KEY_ID.test(key.id))
    throw new Error(`${what}: the id must be 1-32 letters, digits, "_" or "-", got ${JSON.stringify(key.id)}`);
  if (key.key.length < MIN_KEY_LENGTH)
    throw new Error(`${what} ${key.id}: the key must be at least ${MIN_KEY_LENGTH} characters`);
}

function mac(key: string, signed: string): Buffer {
  return createHmac('sha256', key).update(signed, 'utf8').digest();
}

/** What to sign. */
export interface TokenRequest {
  readonly action: LinkAction;
  readonly userId: string;
  readonly meetingId?: string;
  readonly expiresAt: Date;
  /** @default 16 random bytes, base64url */
  readonly tokenId?: string;
}

/** Signs a token with the current key. */
export function signLinkToken(keys: SigningKeys, request: TokenRequest): string {
  assertUsableKey(keys.current, 'current signing key');
  const meetingAction = MEETING_LINK_ACTIONS.includes(request.action);
  if (meetingAction && !request.meetingId) throw new Error(`a ${request.action} token needs a meeting id`);
  if (!request.userId) throw new Error('a token needs a user id');
  const payload: Payload = {
    v: 1,
    a: request.action,
    u: request.userId,
    ...(meetingAction ? { m: request.meetingId as string } : {}),
    i: request.tokenId ?? randomBytes(16).toString('base64url'),
    e: Math.floor(request.expiresAt.getTime() / 1000),
  };
  const body = `${keys.current.id}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
  return `${body}.${mac(keys.current.key, body).toString('base64url')}`;
}

function parsePayload(encoded: string): Payload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  const action = p['a'];
  if (p['v'] !== 1 || (action !== 'start_prep' && action !== 'remind_later' && action !== 'unsubscribe'))
    return undefined;
  if (typeof p['u'] !== 'string' || !p['u'] || typeof p['i'] !== 'string' || !p['i']) return undefined;
  if (typeof p['e'] !== 'number' || !Number.isFinite(p['e'])) return undefined;
  const needsMeeting = MEETING_LINK_ACTIONS.includes(action);
  if (needsMeeting !== (typeof p['m'] === 'string' && p['m'].length > 0)) return undefined;
  return value as Payload;
}

/**
 * Checks a token: its shape, that its key is the current or the previous one, its MAC (compared in constant time),
 * then its payload and expiry. A token is expired from its expiry instant on (a meeting's links stop when it starts).
 */
export function verifyLinkToken(keys: SigningKeys, token: string, now: Date): TokenCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, problem: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, problem: 'malformed' };
  const [keyId, payload, signature] = parts as [string, string, string];
  if (!KEY_ID.test(keyId) || !B64URL.test(payload) || !B64URL.test(signature))
    return { ok: false, problem: 'malformed' };
  const key = [keys.current, keys.previous].find((k) => k?.id === keyId);
  if (!key) return { ok: false, problem: 'unknown_key', keyId };
  const expected = mac(key.key, `${keyId}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, problem: 'bad_signature', keyId };
  const claims = parsePayload(payload);
  // Signed by us yet unreadable: only a bug could make one, and it is refused like any malformed token.
  if (!claims) return { ok: false, problem: 'malformed', keyId };
  if (now.getTime() >= claims.e * 1000) return { ok: false, problem: 'expired', keyId };
  return {
    ok: true,
    claims: {
      action: claims.a,
      userId: claims.u,
      ...(claims.m ? { meetingId: claims.m } : {}),
      tokenId: claims.i,
      expiresAt: new Date(claims.e * 1000),
      keyId,
    },
  };
}

/**
 * The keys from the secret's JSON: `{"current":{"id","key"},"previous":{"id","key"}}`, or the flat `{"id","key"}`
 * the stack generates at first deploy (then the only key). Throws, naming the problem, on anything else.
 */
export function parseSigningKeys(json: unknown): SigningKeys {
  const asKey = (value: unknown, what: string): SigningKey => {
    const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const key = { id: record['id'], key: record['key'] };
    if (typeof key.id !== 'string' || typeof key.key !== 'string')
      throw new Error(`${what} must be {"id": "...", "key": "..."}`);
    const usable = { id: key.id, key: key.key };
    assertUsableKey(usable, what);
    return usable;
  };
  if (typeof json !== 'object' || json === null) throw new Error('the link signing secret must be a JSON object');
  const record = json as Record<string, unknown>;
  if (!('current' in record)) return { current: asKey(record, 'the link signing key') };
  const current = asKey(record['current'], 'current');
  const previous =
    record['previous'] === undefined || record['previous'] === null ? undefined : asKey(record['previous'], 'previous');
  if (previous && previous.id === current.id)
    throw new Error(`current and previous have the same id ${current.id}: give the new key a new id`);
  return previous ? { current, previous } : { current };
}
