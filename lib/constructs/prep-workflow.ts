import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ChannelName } from '../config';
import { CHANNEL_SPECS, callbackSeconds } from '../../lambda/shared/channel-registry';
import { keepDeployedChannels, readPrepDefinition, ReceiptTimeouts, setReceiptTimeouts } from '../prep-definition';
import { grantTaskResponse } from './delivery-receipts';
import { HouseFunction } from './house-function';
import { addPrepStateMachine } from './prep-state-machine';
import { addPrepTrigger } from './prep-trigger';
import { Tables } from './tables';

/** Props of {@link PrepWorkflow}. */
export interface PrepWorkflowProps {
  readonly tables: Tables;
  readonly slackSecret: secretsmanager.ISecret;
  readonly twilioSecret: secretsmanager.ISecret;
  /** Verified SES sender. @default undefined: email is skipped as not configured */
  readonly sesFromEmail?: string;
  /** Channel order, from `config/agents.yaml`. */
  readonly notificationChannels: readonly ChannelName[];
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /**
   * How long NotifyViaSms and NotifyViaEmail wait for the provider's receipt before the send is recorded
   * UNCONFIRMED (never resent), in seconds. @default sms 600, email 900
   */
  readonly receiptTimeouts?: Partial<ReceiptTimeouts>;
  /**
   * The least time before the meeting a notification held back by the user's quiet hours must still arrive, in
   * minutes (from `config/agents.yaml`). @default 120
   */
  readonly minimumLeadMinutes?: number;
}

/** The receipt waits when none are given. */
export const DEFAULT_RECEIPT_TIMEOUTS: ReceiptTimeouts = {
  sms: callbackSeconds(CHANNEL_SPECS.sms.receipt),
  email: callbackSeconds(CHANNEL_SPECS.email.receipt),
};

/** Where the waiting tasks' receipts come from (see `DeliveryReceipts`). */
export interface ReceiptSources {
  /** The exact public URL of `POST /twilio/status`. */
  readonly statusCallbackUrl: string;
  /** The SES configuration set whose events reach the receipt rule. */
  readonly configurationSetName: string;
}

/**
 * The prep notification workflow: the EventBridge rule (with a retry policy and an encrypted dead-letter queue)
 * and the function it invokes to start each execution under a name that says which meeting it is about,
 * the Standard state machine defined by `state-machines/prep-notification.asl.json`, and its Lambda tasks,
 * each allowed exactly what it does.
 */
export class PrepWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;
  /** The rule's target: starts each execution with a name that says which meeting it is about. */
  public readonly starter: HouseFunction;
  /** The task functions by role, for tests and monitoring. */
  public readonly functions: Readonly<
    Record<'loadMeeting' | 'recordOutcome' | 'routeNextChannel' | 'checkStillDue', HouseFunction> &
      Partial<Record<'notifySlack' | 'notifySms' | 'notifyEmail', HouseFunction>>
  >;

  /** NotifyEmail's ses:SendEmail grant (present when a sender is configured). */
  public readonly sendEmailStatement?: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: PrepWorkflowProps) {
    super(scope, id);
    const { meetings, users } = props.tables;
    const fn = (fnId: string, entry: string, description: string, timeout = Duration.seconds(10)) =>
      new HouseFunction(this, fnId, {
        entry,
        description,
        timeout,
        logRetention: props.logRetention,
        logRemovalPolicy: props.logRemovalPolicy,
      });

    const loadMeeting = fn(
      'LoadMeeting',
      'lambda/workflow/load-meeting.ts',
      'Validates the event, loads the meeting and user, applies the skip rules, claims the meeting (PREP_SCHEDULED) once',
    )
      // UpdateItem: the claim (a conditional update); GetItem also reads a claim back after a lost answer.
      .useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem'])
      .useTable('USERS_TABLE_NAME', users, ['GetItem']);
    // The tasks that route get the stack's channel order (the default) and the minimum lead of quiet hours.
    const routing = {
      NOTIFICATION_CHANNELS: props.notificationChannels.join(','),
      MINIMUM_LEAD_MINUTES: String(props.minimumLeadMinutes ?? 120),
    };
    for (const [key, value] of Object.entries(routing)) loadMeeting.addEnvironment(key, value);
    const routeNextChannel = fn(
      'RouteNextChannel',
      'lambda/workflow/route-next-channel.ts',
      "Picks the next channel in the user's order and whether quiet hours hold it back",
    );
    const checkStillDue = fn(
      'CheckStillDue',
      'lambda/workflow/check-still-due.ts',
      'After a quiet-hours wait, re-checks that the meeting still needs prep, then routes again',
    ).useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem']);
    for (const [key, value] of Object.entries(routing)) {
      routeNextChannel.addEnvironment(key, value);
      checkStillDue.addEnvironment(key, value);
    }
    // Notify tasks may wait out a provider's Retry-After (at most 20 s) before handing the retry back.
    const notifyTimeout = Duration.seconds(35);
    const channels = new Set(props.notificationChannels);
    // Only the channels config/agents.yaml lists get a function (and its permissions).
    const notifySlack = channels.has('slack')
      ? fn(
          'NotifySlack',
          'lambda/channels/slack/notify.ts',
          'Posts the interactive prep message on Slack',
          notifyTimeout,
        )
          .useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem'])
          .useSecret('SLACK_SECRET_ARN', props.slackSecret)
      : undefined;
    const notifySms = channels.has('sms')
      ? fn('NotifySms', 'lambda/channels/sms/notify.ts', 'Sends the prep SMS through Twilio', notifyTimeout)
          .useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem'])
          // UpdateItem on users: the number a reply names the meeting by (lambda/shared/sms-reply-book.ts).
          .useTable('USERS_TABLE_NAME', users, ['GetItem', 'UpdateItem'])
          .useSecret('TWILIO_SECRET_ARN', props.twilioSecret)
      : undefined;
    const notifyEmail = channels.has('email')
      ? fn('NotifyEmail', 'lambda/channels/email/notify.ts', 'Sends the prep email through SES', notifyTimeout)
          .useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem'])
          .useTable('USERS_TABLE_NAME', users, ['GetItem'])
      : undefined;
    if (notifyEmail && props.sesFromEmail) {
      notifyEmail.addEnvironment('EMAIL_FROM_ADDRESS', props.sesFromEmail);
      const domain = props.sesFromEmail.split('@')[1] as string;
      const stack = notifyEmail.function.stack;
      this.sendEmailStatement = new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.sesFromEmail }),
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': props.sesFromEmail } },
      });
      notifyEmail.function.addToRolePolicy(this.sendEmailStatement);
    }
    const recordOutcome = fn(
      'RecordOutcome',
      'lambda/workflow/record-outcome.ts',
      'Records the delivery (delivered or unconfirmed), an unverified channel, or that every channel failed',
    ).useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem']);
    // RecordUnverified routes the next channel after an unverified one.
    for (const [key, value] of Object.entries(routing)) recordOutcome.addEnvironment(key, value);
    this.functions = {
      loadMeeting,
      recordOutcome,
      routeNextChannel,
      checkStillDue,
      ...(notifySlack ? { notifySlack } : {}),
      ...(notifySms ? { notifySms } : {}),
      ...(notifyEmail ? { notifyEmail } : {}),
    };

    const definition = setReceiptTimeouts(keepDeployedChannels(readPrepDefinition(), props.notificationChannels), {
      ...DEFAULT_RECEIPT_TIMEOUTS,
      ...props.receiptTimeouts,
    });
    this.stateMachine = addPrepStateMachine(this, {
      definition,
      definitionSubstitutions: {
        LoadMeetingFunctionArn: loadMeeting.function.functionArn,
        RecordOutcomeFunctionArn: recordOutcome.function.functionArn,
        RouteNextChannelFunctionArn: routeNextChannel.function.functionArn,
        CheckStillDueFunctionArn: checkStillDue.function.functionArn,
        ...(notifySlack ? { NotifySlackFunctionArn: notifySlack.function.functionArn } : {}),
        ...(notifySms ? { NotifySmsFunctionArn: notifySms.function.functionArn } : {}),
        ...(notifyEmail ? { NotifyEmailFunctionArn: notifyEmail.function.functionArn } : {}),
      },
      tasks: [loadMeeting, recordOutcome, routeNextChannel, checkStillDue, notifySlack, notifySms, notifyEmail].filter(
        (t) => t !== undefined,
      ),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });

    // A task that found its receipt already known completes itself (SendTaskSuccess).
    for (const waiting of [notifySms, notifyEmail]) {
      if (waiting) grantTaskResponse(waiting.function.role as iam.IRole);
    }

    const trigger = addPrepTrigger(this, {
      stateMachine: this.stateMachine,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.deadLetterQueue = trigger.deadLetterQueue;
    this.starter = trigger.starter;
    this.rule = trigger.rule;
  }

  /**
   * Points the waiting tasks at their receipts: the status callback URL Twilio is given, and the configuration set
   * emails are sent in (with `ses:SendEmail` on it, which SES checks when a set is named).
   */
  useReceipts(sources: ReceiptSources): void {
    this.functions.notifySms?.addEnvironment('TWILIO_STATUS_CALLBACK_URL', sources.statusCallbackUrl);
    const email = this.functions.notifyEmail;
    if (email) {
      email.addEnvironment('SES_CONFIGURATION_SET', sources.configurationSetName);
      // Same sender condition: the request's From address is checked whichever resource is evaluated.
      this.sendEmailStatement?.addResources(
        email.function.stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: sources.configurationSetName,
        }),
      );
    }
  }
}
