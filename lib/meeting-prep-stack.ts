import { CfnOutput, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AppConfig } from './config';
import { ApiFirewall } from './constructs/api-firewall';
import { DeliveryReceipts } from './constructs/delivery-receipts';
import { EmailActions, createLinkSigningKeys } from './constructs/email-actions';
import { HouseFunction } from './constructs/house-function';
import { Monitoring } from './constructs/monitoring';
import { acknowledgePublicApi } from './constructs/public-api-review';
import { PrepWorkflow } from './constructs/prep-workflow';
import { SlackBotApi } from './constructs/slack-bot-api';
import { SmsReplies } from './constructs/sms-replies';
import { Tables } from './constructs/tables';

/** Props of {@link MeetingPrepStack}. */
export interface MeetingPrepStackProps extends StackProps {
  /** The app's configuration, from context (see `lib/config.ts`). */
  readonly config: AppConfig;
}

/**
 * The meeting-prep notification service: tables, the prep workflow, the Slack bot, and the integrations' secrets.
 * Secrets are created by the stack holding a random placeholder, which the functions read as "not configured"
 * (or imported by ARN); their JSON values are set out of band (docs/DEPLOY.md, "Secrets").
 */
export class MeetingPrepStack extends Stack {
  public readonly tables: Tables;
  /** The prep workflow; absent when `enablePrepNotification` is false. */
  public readonly workflow?: PrepWorkflow;
  /** The Slack bot; absent when `enablePrepNotification` is false. */
  public readonly slackBot?: SlackBotApi;
  /** Delivery receipts (Twilio status callbacks, SES events); absent when `enablePrepNotification` is false. */
  public readonly receipts?: DeliveryReceipts;
  /** SMS replies (`POST /twilio/sms`); absent when `enablePrepNotification` is false. */
  public readonly smsReplies?: SmsReplies;
  /** The email's one-click links; absent when `enablePrepNotification` is false. */
  public readonly emailActions?: EmailActions;
  /**
   * Alarms and dashboard (each only if the stage has them: `alarms`, `dashboard`); absent when
   * `enablePrepNotification` is false.
   */
  public readonly monitoring?: Monitoring;
  /** The WAF web ACL on the API's stage; absent when the stage has none (`webAcl: false`) or the flag is off. */
  public readonly firewall?: ApiFirewall;
  public readonly slackSecret: secretsmanager.ISecret;
  public readonly twilioSecret: secretsmanager.ISecret;
  /** The HMAC keys of the prep emails' one-click links (generated; rotated by hand, docs/DEPLOY.md). */
  public readonly linkSigningKeys: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: MeetingPrepStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { settings } = config;
    const removal = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.tables = new Tables(this, 'Tables', {
      retainData: settings.retainData,
      customerManagedKey: settings.customerManagedKeys,
      ...(config.existingTables ? { existing: config.existingTables } : {}),
    });
    // Imported secrets may be encrypted with a customer-managed key: reading them then grants kms:Decrypt on it,
    // through Secrets Manager only (kms:ViaService).
    const secretsKey = config.secretsEncryptionKeyArn
      ? kms.Key.fromKeyArn(this, 'SecretsKey', config.secretsEncryptionKeyArn)
      : undefined;
    const importSecret = (secretId: string, secretCompleteArn: string) =>
      secretsmanager.Secret.fromSecretAttributes(this, secretId, {
        secretCompleteArn,
        ...(secretsKey ? { encryptionKey: secretsKey } : {}),
      });
    this.slackSecret = config.slackSecretArn
      ? importSecret('SlackSecret', config.slackSecretArn)
      : new secretsmanager.Secret(this, 'SlackSecret', {
          description: 'Slack app credentials as JSON: {"bot_token":"xoxb-…","signing_secret":"…"}',
          removalPolicy: removal,
        });
    this.twilioSecret = config.twilioSecretArn
      ? importSecret('TwilioSecret', config.twilioSecretArn)
      : new secretsmanager.Secret(this, 'TwilioSecret', {
          description: 'Twilio credentials as JSON: {"account_sid":"AC…","auth_token":"…","from_number":"+1…"}',
          removalPolicy: removal,
        });

    for (const secret of [this.slackSecret, this.twilioSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Third-party credentials (a Slack bot token and signing secret, a Twilio auth token) are issued by those providers; ' +
          'they are rotated there and the new value put in the secret (docs/DEPLOY.md). The functions re-read it within 5 minutes.',
      });
    }
    this.linkSigningKeys = createLinkSigningKeys(this, 'LinkSigningKeys', removal);
    new CfnOutput(this, 'MeetingsTableName', { value: this.tables.meetings.tableName });
    new CfnOutput(this, 'SlackSecretArn', { value: this.slackSecret.secretArn });
    new CfnOutput(this, 'TwilioSecretArn', { value: this.twilioSecret.secretArn });
    new CfnOutput(this, 'EmailLinkSigningKeysArn', {
      value: this.linkSigningKeys.secretArn,
      description: "The email links' HMAC keys (rotation: docs/DEPLOY.md)",
    });

    // The rollback path: with the flag off, the workflow, its rule, the bot and their monitoring are removed;
    // the tables (and their data) and the secrets stay.
    if (!config.enablePrepNotification) return;

    // RetentionDays' values are the days themselves; lib/config.ts accepts only CloudWatch Logs' periods.
    const retention = settings.logRetentionDays as logs.RetentionDays;
    const workflow = new PrepWorkflow(this, 'PrepWorkflow', {
      tables: this.tables,
      slackSecret: this.slackSecret,
      twilioSecret: this.twilioSecret,
      notificationChannels: config.notificationChannels,
      ...(config.minimumLeadMinutes !== undefined ? { minimumLeadMinutes: config.minimumLeadMinutes } : {}),
      receiptTimeouts: settings.receiptWaitSeconds,
      logRetention: retention,
      logRemovalPolicy: removal,
      ...(config.sesFromEmail ? { sesFromEmail: config.sesFromEmail } : {}),
    });
    const slackBot = new SlackBotApi(this, 'SlackBot', {
      tables: this.tables,
      slackSecret: this.slackSecret,
      stateMachine: workflow.stateMachine,
      logRetention: retention,
      logRemovalPolicy: removal,
      throttlingRateLimit: settings.apiThrottle.rate,
      throttlingBurstLimit: settings.apiThrottle.burst,
      routeThrottles: settings.routeThrottles,
      apiStageName: config.stage,
    });
    if (config.sesFromEmail && workflow.sendEmailStatement)
      slackBot.worker.useEmailSender(config.sesFromEmail, workflow.sendEmailStatement);
    const receipts = new DeliveryReceipts(this, 'DeliveryReceipts', {
      tables: this.tables,
      twilioSecret: this.twilioSecret,
      api: slackBot.api,
      deadLetterQueue: workflow.deadLetterQueue,
      logRetention: retention,
      logRemovalPolicy: removal,
      alarms: settings.alarmsEnabled,
    });
    const smsReplies = new SmsReplies(this, 'SmsReplies', {
      tables: this.tables,
      twilioSecret: this.twilioSecret,
      slackBot,
      logRetention: retention,
      logRemovalPolicy: removal,
    });
    const emailActions = new EmailActions(this, 'EmailActions', {
      tables: this.tables,
      api: slackBot.api,
      grantPrepActions: (fn) => slackBot.grantPrepActions(fn),
      signingKeys: this.linkSigningKeys,
      logRetention: retention,
      logRemovalPolicy: removal,
    });
    if (workflow.functions.notifyEmail) emailActions.grantSignLinks(workflow.functions.notifyEmail);
    workflow.useReceipts({
      statusCallbackUrl: receipts.statusCallbackUrl,
      configurationSetName: receipts.configurationSet.configurationSetName,
    });
    const functions: Record<string, HouseFunction> = {
      StartExecution: workflow.starter,
      SlackWebhook: slackBot.function,
      TwilioStatus: receipts.twilioStatusFunction,
      SesEvents: receipts.sesEventsFunction,
      SlackWorker: slackBot.worker.function,
      SmsReply: smsReplies.function,
      EmailLink: emailActions.function,
    };
    for (const [name, fn] of Object.entries(workflow.functions)) {
      if (fn) functions[name.charAt(0).toUpperCase() + name.slice(1)] = fn;
    }
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stateMachine: workflow.stateMachine,
      deadLetterQueue: workflow.deadLetterQueue,
      api: slackBot.api,
      functions,
      thresholds: settings.alarms,
      retainData: settings.retainData,
      alarms: settings.alarmsEnabled,
      dashboard: settings.dashboardEnabled,
      reminders: { scheduleGroup: slackBot.scheduleGroup, deadLetterQueue: slackBot.reminderDeadLetterQueue },
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
    // The web ACL covers the whole stage: every route, whichever construct added it.
    const firewall = settings.webAcl
      ? new ApiFirewall(this, 'PublicApiFirewall', {
          api: slackBot.api,
          settings: settings.webAcl,
          alarms: settings.alarmsEnabled,
        })
      : undefined;
    if (firewall) this.monitoring.dashboard?.addWidgets(firewall.dashboardWidget());
    acknowledgePublicApi(slackBot.api, firewall !== undefined);
    const workerAlarms = settings.alarmsEnabled ? slackBot.worker.createAlarms() : [];
    this.monitoring.notifyOf([...workerAlarms, ...receipts.alarms, ...(firewall?.alarms ?? [])]);
    this.workflow = workflow;
    this.slackBot = slackBot;
    this.receipts = receipts;
    this.smsReplies = smsReplies;
    this.emailActions = emailActions;
    this.firewall = firewall;

    new CfnOutput(this, 'SlackWebhookUrl', {
      value: slackBot.webhookUrl,
      description: 'Slack app Request URL (slash command /meetings, interactivity, event subscriptions)',
    });
    new CfnOutput(this, 'TwilioStatusCallbackUrl', {
      value: receipts.statusCallbackUrl,
      description: 'Where Twilio posts the prep SMS status callbacks (set per message by NotifyViaSms)',
    });
    new CfnOutput(this, 'TwilioSmsWebhookUrl', {
      value: smsReplies.webhookUrl,
      description: 'The Twilio number\'s "A message comes in" webhook (HTTP POST): SMS replies PREP / LATER',
    });
    new CfnOutput(this, 'SesConfigurationSetName', { value: receipts.configurationSet.configurationSetName });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: workflow.deadLetterQueue.queueUrl });
    if (this.monitoring.alarmTopic)
      new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn });
  }
}
