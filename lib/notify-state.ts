/**
 * The template every NotifyVia* state of state-machines/prep-notification.asl.json follows, built from the
 * channel registry. The ASL file stays the readable source (the console and `npm run diagram` show it as written);
 * test/unit/notify-states.test.ts proves each channel's state is this template, so a new channel is one registry
 * entry plus the same block in the file. Pure.
 */
import { type Channel, channelSpec } from '../lambda/shared/channel-registry';

/** A Slack-like task (the answer is the receipt) is bounded by its function's timeout plus a little. */
export const ANSWER_TASK_TIMEOUT_SECONDS = 40;

const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const quick = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' } as const;
const patient = {
  IntervalSeconds: 2,
  MaxAttempts: 2,
  BackoffRate: 2,
  MaxDelaySeconds: 20,
  JitterStrategy: 'FULL',
} as const;

/** The NotifyVia* state of a channel, without its `Comment` (the file's own words). */
export function notifyStateTemplate(channel: Channel): Record<string, unknown> {
  const spec = channelSpec(channel);
  const callback = spec.receipt.kind === 'callback';
  const payload = {
    'meeting.$': '$.prep.meeting',
    'user.$': '$.prep.user',
    'reminder.$': '$.prep.reminder',
    'execution.$': '$$.Execution.Name',
    ...(callback ? { 'token.$': '$$.Task.Token' } : {}),
  };
  const functionArn = `\${${spec.functionId}FunctionArn}`;
  // Without a callback, a task timeout is a retryable failure; with one, it means no receipt came: unconfirmed.
  const transient = ['ChannelTransientFailure', 'TransientDataError', ...(callback ? [] : ['States.Timeout'])];
  return {
    Type: 'Task',
    ...(callback
      ? {
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: functionArn, Payload: payload },
        }
      : { Resource: functionArn, Parameters: payload }),
    ResultPath: '$.delivery',
    TimeoutSeconds: spec.receipt.kind === 'callback' ? spec.receipt.defaultSeconds : ANSWER_TASK_TIMEOUT_SECONDS,
    Retry: [
      { ErrorEquals: LAMBDA_ERRORS, ...quick },
      { ErrorEquals: ['ChannelRateLimited'], ...quick },
      { ErrorEquals: transient, ...patient },
      // Only a provider with a lookup can tell whether an unknown outcome was sent; others never resend.
      ...(spec.lookup ? [{ ErrorEquals: ['ChannelOutcomeUnknown'], ...patient }] : []),
    ],
    Catch: [
      // A callback that never came: the provider took the message; nothing else is tried.
      ...(callback
        ? [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.unconfirmed', Next: 'RecordUnconfirmed' }]
        : []),
      // An outcome nobody could check: recorded as unverified, and the next channel is tried.
      { ErrorEquals: ['ChannelOutcomeUnknown'], ResultPath: '$.unconfirmed', Next: 'RecordUnverified' },
      { ErrorEquals: ['States.ALL'], ResultPath: `$.${channel}_error`, Next: 'RouteNextChannel' },
    ],
    Next: 'RecordDelivery',
  };
}
