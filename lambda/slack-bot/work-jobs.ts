/**
 * The work the webhook hands to the worker after answering Slack: one SQS FIFO message per click or DM, grouped by
 * the Slack user (one person's work runs in order) and deduplicated on the click's or event's own id. The schema
 * is shared by the producer and the worker, so a message the worker cannot read is caught at the edge. Pure.
 */
import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import * as z from 'zod/mini';

const text = z.string().check(z.maxLength(40_000));
const id = z.string().check(z.minLength(1));
const block = z.custom<KnownBlock>((v) => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string');
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

/** Start Prep won: DM the opening (what matters), then replace the clicked message (best effort). */
export const startPrepJobSchema = z.object({
  kind: z.literal('start_prep'),
  user_id: id,
  meeting_id: id,
  session_id: id,
  target: clickTargetSchema,
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

/** One unit of work. */
export const workJobSchema = z.discriminatedUnion('kind', [startPrepJobSchema, clickReplyJobSchema, dmReplyJobSchema]);
export type WorkJob = z.infer<typeof workJobSchema>;
export type StartPrepJob = z.infer<typeof startPrepJobSchema>;
export type ClickReplyJob = z.infer<typeof clickReplyJobSchema>;
export type DmReplyJob = z.infer<typeof dmReplyJobSchema>;

/** When the job was asked for (the start of the worker's latency). */
export function enqueuedAt(job: WorkJob): string {
  return job.kind === 'dm_reply' ? job.received_at : job.clicked_at;
}

const SQS_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/**
 * An id usable as `MessageGroupId` or `MessageDeduplicationId` (128 characters of alphanumerics and punctuation):
 * the id itself when it fits, else a hash of it, so distinct ids stay distinct.
 */
export function sqsId(id: string): string {
  return SQS_ID.test(id) ? id : createHash('sha256').update(id).digest('hex');
}
