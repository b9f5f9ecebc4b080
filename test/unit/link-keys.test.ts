import { signLinkToken } from '../../lambda/channels/email/action-token';
import { KEY_REFRESH_INTERVAL_MS, LinkKeys, LinkKeysUnavailableError } from '../../lambda/channels/email/link-keys';

const K1 = { id: 'k1', key: 'a'.repeat(40) };
const K2 = { id: 'k2', key: 'b'.repeat(40) };
const NOW = new Date('2026-11-27T10:00:00Z');
const token = (key = K2) =>
  signLinkToken({ current: key }, { action: 'unsubscribe', userId: 'U1', expiresAt: new Date('2026-12-01T00:00:00Z') });

/** A secret whose value the test changes, counting reads that bypass the cache (maxAgeMs 0). */
function secret(initial: unknown) {
  const state = { value: initial, cached: initial, fresh: 0 };
  const source = async (maxAgeMs?: number) => {
    if (maxAgeMs === 0) {
      state.fresh += 1;
      state.cached = state.value;
    }
    return state.cached;
  };
  return { state, source };
}

describe('LinkKeys', () => {
  it('re-reads the secret once when a token names a key it does not hold (a rotation it has not seen yet)', async () => {
    const { state, source } = secret({ current: K1 });
    const keys = new LinkKeys(source, () => 0);
    state.value = { current: K2, previous: K1 };

    const check = await keys.verify(token(), NOW);

    expect(check.ok).toBe(true);
    expect(state.fresh).toBe(1);
  });

  it('re-reads at most once a minute, so forged key ids cannot make every request a Secrets Manager call', async () => {
    const { state, source } = secret({ current: K1 });
    let clock = 0;
    const keys = new LinkKeys(source, () => clock);
    const forged = token({ id: 'zz', key: 'c'.repeat(40) });

    await keys.verify(forged, NOW);
    await keys.verify(forged, NOW);
    clock = KEY_REFRESH_INTERVAL_MS;
    await keys.verify(forged, NOW);

    expect(state.fresh).toBe(2);
    expect(await keys.verify(forged, NOW)).toEqual({ ok: false, problem: 'unknown_key', keyId: 'zz' });
  });

  it('does not re-read for a bad MAC or an expired token', async () => {
    const { state, source } = secret({ current: K1 });
    const keys = new LinkKeys(source, () => 0);

    await keys.verify(token({ id: 'k1', key: 'z'.repeat(40) }), NOW);

    expect(state.fresh).toBe(0);
  });

  it('says plainly when no keys are configured, or the secret is not valid', async () => {
    await expect(new LinkKeys(async () => undefined).keys()).rejects.toThrow(LinkKeysUnavailableError);
    await expect(new LinkKeys(async () => ({ current: { id: 'k1', key: 'short' } })).keys()).rejects.toThrow(
      'the link signing secret is invalid',
    );
  });
});
