/**
 * Single use of the email's meeting links, recorded on the meeting item itself: a string set `used_link_tokens`
 * that one conditional update adds the token's id to only if it is not there yet. Why the meeting item: a link is
 * only good until its meeting starts, so the record needs to live exactly as long as the meeting does (no table, no
 * TTL to tune); a meeting gets at most a few links (two per prep email, an email per notification), so the set
 * stays tiny; and it is one single-item conditional write, which DynamoDB (and dynalite) do atomically: of two
 * clicks racing, exactly one wins. Unsubscribe links are not recorded: turning email off twice is the same as once.
 * Each claim also writes its own random id (`last_link_claim`), which its condition accepts: the SDK's retry of a
 * claim DynamoDB carried out but whose answer was lost finds its own claim, not a link used before.
 */
import { randomUUID } from 'node:crypto';
import { MeetingsTable, readMeeting, updateMeeting, updateMeetingIf } from './table';

/** The meeting attribute holding the ids of the links already used. */
export const USED_LINK_TOKENS_ATTRIBUTE = 'used_link_tokens';

/** Whether a meeting item records the token as used. Pure. */
export function isUsedIn(item: object, tokenId: string): boolean {
  const used: unknown = (item as Record<string, unknown>)[USED_LINK_TOKENS_ATTRIBUTE];
  return used instanceof Set && used.has(tokenId);
}

/** What claiming a link's single use found. */
export type LinkUse = 'claimed' | 'already_used' | 'no_meeting';

/** Marks the token used; `already_used` when it was, `no_meeting` when the meeting item does not exist. */
export async function claimLinkUse(table: MeetingsTable, meetingId: string, tokenId: string): Promise<LinkUse> {
  const result = await updateMeetingIf(table, 'UpdateItem meetings (link use)', meetingId, {
    UpdateExpression: 'ADD #used :ids SET last_link_claim = :mine',
    ConditionExpression: 'attribute_exists(meeting_id) AND (NOT contains(#used, :id) OR last_link_claim = :mine)',
    ExpressionAttributeNames: { '#used': USED_LINK_TOKENS_ATTRIBUTE },
    ExpressionAttributeValues: { ':ids': new Set([tokenId]), ':id': tokenId, ':mine': randomUUID() },
  });
  if (result.written) return 'claimed';
  // The link was used, or the meeting is gone.
  const exists = (await readMeeting(table, 'GetItem meetings (link use)', meetingId, 'meeting_id')) !== undefined;
  return exists ? 'already_used' : 'no_meeting';
}

/**
 * Gives a claim back when the action could not be done (a failure before anything changed), so the person can
 * press the button again.
 */
export async function releaseLinkUse(table: MeetingsTable, meetingId: string, tokenId: string): Promise<void> {
  await updateMeeting(table, 'UpdateItem meetings (link release)', meetingId, {
    UpdateExpression: 'DELETE #used :ids',
    ConditionExpression: 'attribute_exists(meeting_id)',
    ExpressionAttributeNames: { '#used': USED_LINK_TOKENS_ATTRIBUTE },
    ExpressionAttributeValues: { ':ids': new Set([tokenId]) },
  });
}
