/**
 * The work the webhook hands to the worker after answering Slack: one SQS FIFO message per click or DM, grouped by
 * the Slack user (one person's work runs in order) and deduplicated on the click's or event's own id. The schema
 * is shared by the producer and the worker, so a message the worker cannot read is caught at the edge. Pure.
 */
import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import * as z from 'zod/mini';
import { CHANNELS } from '../shared/channel-registry';
import { DIGEST_EVENT } from '../shared/prep-event';

const text = z.string().check(z.maxLength(40_000));
const id = z.string().check(z.minLength(1));
const block = z.custom<KnownBlock>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string',
);
/** A message the worker sends (fallback text and Block Kit blocks, rendered before enqueueing). */
export const botMessageSchema = z.object({ text, blocks: z.optional(z.array(block).check(z.maxLength(50))) });

/** Where a click happened: how the worker replaces the clicked message or answers the clicker. */
export const clickTargetSchema = z.object({
  user_id: id,
  channel_id: z.optional(id),
  message_ts: z.optional(id),
  ephemeral: z.boolean(),
  response_url: z.optional(z.url()),
});
export type ClickTarget = z.infer<typeof clickTargetSchema>;

/**
 * Start Prep won: send the prep kit (what matters) — the DM's opening, or by email when Slack does not reach the
 * user — then replace the clicked Slack message, if any (best effort).
 */
export const startPrepJobSchema = z.object({
  kind: z.literal('start_prep'),
  user_id: id,
  meeting_id: id,
  session_id: id,
  /** Where the user acted from (absent in jobs queued before SMS and email could act: Slack). */
  via: z.optional(z.enum(CHANNELS)),
  /** Where the kit goes (absent: Slack). */
  kit_via: z.optional(z.enum(['slack', 'email'])),
  /** The Slack click, when the action came from Slack. */
  target: z.optional(clickTargetSchema),
  clicked_at: z.iso.datetime(),
});

/** Any other answer to a click: replace the clicked message and/or tell the clicker something. */
export const clickReplyJobSchema = z.object({
  kind: z.literal('click_reply'),
  user_id: id,
  target: clickTargetSchema,
  replace: z.optional(botMessageSchema),
  tell: z.optional(botMessageSchema),
  clicked_at: z.iso.datetime(),
});

/** A person's DM to the bot: advance their session one step (once per message ts) and reply. */
export const dmReplyJobSchema = z.object({
  kind: z.literal('dm_reply'),
  user_id: id,
  channel_id: id,
  message_ts: id,
  text: text,
  event_id: id,
  received_at: z.iso.datetime(),
});

/** Publish the user's Home tab again (it was opened, or something on it changed). */
export const homeRefreshJobSchema = z.object({
  kind: z.literal('home_refresh'),
  user_id: id,
  /** What asked for it, for logs. */
  reason: z.string().check(z.minLength(1), z.maxLength(64)),
  requested_at: z.iso.datetime(),
});

/** The morning digest for one user, at one scheduled time (from the digest schedule's envelope, `digest.ts`). */
export const digestJobSchema = z.object({
  kind: z.literal('digest'),
  user_id: id,
  scheduled_at: z.iso.datetime(),
});

/** One unit of work. */
export const workJobSchema = z.discriminatedUnion('kind', [
  startPrepJobSchema,
  clickReplyJobSchema,
  dmReplyJobSchema,
  homeRefreshJobSchema,
  digestJobSchema,
]);

/** The envelope a digest schedule sends to the queue (`digestScheduleRequest`), with Scheduler's time filled in. */
export const digestEnvelopeSchema = z.object({
  'detail-type': z.literal(DIGEST_EVENT.detailType),
  source: z.literal(DIGEST_EVENT.source),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({ user_id: id }),
});

/** A queue message body as a job: a job the bot queued, or a digest schedule's envelope. */
export function readWorkJob(json: unknown): ReturnType<typeof workJobSchema.safeParse> {
  const envelope = digestEnvelopeSchema.safeParse(json);
  if (envelope.success) {
    return workJobSchema.safeParse({
      kind: 'digest',
      user_id: envelope.data.detail.user_id,
      scheduled_at: new Date(envelope.data.time).toISOString(),
    });
  }
  return workJobSchema.safeParse(json);
}
export type WorkJob = z.infer<typeof workJobSchema>;
export type StartPrepJob = z.infer<typeof startPrepJobSchema>;
export type ClickReplyJob = z.infer<typeof clickReplyJobSchema>;
export type DmReplyJob = z.infer<typeof dmReplyJobSchema>;
export type HomeRefreshJob = z.infer<typeof homeRefreshJobSchema>;
export type DigestJob = z.infer<typeof digestJobSchema>;

/** When the job was asked for (the start of the worker's latency). */
export function enqueuedAt(job: WorkJob): string {
  switch (job.kind) {
    case 'dm_reply':
      return job.received_at;
    case 'home_refresh':
      return job.requested_at;
    case 'digest':
      return job.scheduled_at;
    default:
      return job.clicked_at;
  }
}

const SQS_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/**
 * An id usable as `MessageGroupId` or `MessageDeduplicationId` (128 characters of alphanumerics and punctuation):
 * the id itself when it fits, else a hash of it, so distinct ids stay distinct.
 */
export function sqsId(id: string): string {
  return SQS_ID.test(id) ? id : createHash('sha256').update(id).digest('hex');
}
