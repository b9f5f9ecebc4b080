/**
 * EventBridge's `PutEvents` for the local runtime: each entry matching the stack's rule is handed to the rule's
 * target, the real starter function, which starts the execution through the Step Functions stand-in as it would in
 * AWS. Entries the rule does not match are logged, so a typo in a source or detail type is not a silent no-op.
 */
import { randomUUID } from 'node:crypto';
import { PutEventsEntry, PutEventsResult, eventEnvelope, parseEventsRequest, rulePattern } from './events';
import type { CfnTemplate } from './synth';
import { loadHandler } from './workflow-runner';

/** Publishes events as EventBridge would. Throws on bad input. */
export type Publish = (entries: readonly PutEventsEntry[]) => Promise<PutEventsResult>;

/** A {@link Publish} for the rule of this template, logging each entry that starts nothing. */
export function eventPublisher(template: CfnTemplate, log: (line: string) => void): Publish {
  const pattern = rulePattern(template);
  let starter: ((event: unknown) => Promise<unknown>) | undefined;
  const startExecution = (event: unknown) => {
    starter ??= loadHandler<(e: unknown) => Promise<unknown>>('lambda/workflow/start-execution.ts');
    return starter(event);
  };
  return async (entries) => {
    const valid = parseEventsRequest({ Entries: entries });
    const started: Promise<unknown>[] = [];
    const results = valid.map((entry) => {
      const id = randomUUID();
      const matched = pattern.source.includes(entry.Source) && pattern.detailType.includes(entry.DetailType);
      if (!matched) log(`Event ${id} (${entry.Source}/${entry.DetailType}) matched no rule: nothing started.`);
      else started.push(startExecution(eventEnvelope(entry, id)));
      return { EventId: id };
    });
    await Promise.all(started);
    return { FailedEntryCount: 0, Entries: results };
  };
}
