/**
 * The signing keys of the email links, as the functions hold them: read from the secret (cached), parsed and
 * checked. A token whose key id is not among the cached keys makes the verifier re-read the secret (at most once a
 * minute, so forged key ids cannot make every request a Secrets Manager call): a signer that picked up a freshly
 * rotated key first is not refused by a verifier still holding the old pair.
 */
import { SigningKeys, TokenCheck, parseSigningKeys, verifyLinkToken } from './action-token';

/** How often an unknown key id may force a re-read. */
export const KEY_REFRESH_INTERVAL_MS = 60_000;

/** Thrown when no signing keys are configured, or the secret does not hold valid ones. */
export class LinkKeysUnavailableError extends Error {
  override readonly name = 'LinkKeysUnavailableError';
}

/** Reads the secret's JSON; `maxAgeMs` bounds the cache (see `linkSigningKeysJson`). */
export type KeysSource = (maxAgeMs?: number) => Promise<unknown>;

/** The keys, with the verifier's refresh on an unknown key id. */
export class LinkKeys {
  private lastRefresh = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: KeysSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The keys; throws {@link LinkKeysUnavailableError} when none are configured or they are invalid. */
  async keys(maxAgeMs?: number): Promise<SigningKeys> {
    const json = await this.source(maxAgeMs);
    if (json === undefined)
      throw new LinkKeysUnavailableError(
        'no link signing keys: none configured (ACTION_LINK_SECRET_ARN or ACTION_LINK_KEYS), or the secret is not a JSON object',
      );
    try {
      return parseSigningKeys(json);
    } catch (error) {
      throw new LinkKeysUnavailableError(`the link signing secret is invalid: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Verifies a token, re-reading the keys once when its key id is unknown. */
  async verify(token: string, now: Date): Promise<TokenCheck> {
    const check = verifyLinkToken(await this.keys(), token, now);
    if (check.ok || check.problem !== 'unknown_key') return check;
    const at = this.clock();
    if (at - this.lastRefresh < KEY_REFRESH_INTERVAL_MS) return check;
    this.lastRefresh = at;
    return verifyLinkToken(await this.keys(0), token, now);
  }
}
