/** Ids as SES message tag values (letters, digits, `_`, `-`), and back. Pure. */

const TAG_SAFE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * A message tag value for an id: as is when SES accepts it (letters, digits, `_`, `-`), else `b64-` and its
 * base64url form, which SES also accepts. {@link tagValueToId} reverses it.
 */
export function idToTagValue(id: string): string {
  return TAG_SAFE.test(id) && !id.startsWith('b64-') ? id : `b64-${Buffer.from(id, 'utf8').toString('base64url')}`;
}

/** The id a tag value stands for. */
export function tagValueToId(value: string): string {
  return value.startsWith('b64-') ? Buffer.from(value.slice(4), 'base64url').toString('utf8') : value;
}
