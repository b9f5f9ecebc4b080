import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import * as lambdaIndexes from '../../lambda/shared/table-indexes';
import { HouseFunction } from './house-function';
import { SlackBotApi } from './slack-bot-api';
import { Tables, USERS_BY_PHONE_INDEX } from './tables';
import { publicRouteUrl } from './public-url';

/** The route Twilio's incoming-message webhook comes to. */
export const TWILIO_SMS_PATH = '/twilio/sms';

/** Props of {@link SmsReplies}. */
export interface SmsRepliesProps {
  readonly tables: Tables;
  readonly twilioSecret: secretsmanager.ISecret;
  /** The Slack bot: its REST API gets `POST /twilio/sms`, and its action core's grants go to the function. */
  readonly slackBot: SlackBotApi;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * SMS replies: Twilio's incoming-message webhook, `POST /twilio/sms` on the project's API, served by one function
 * that checks Twilio's signature, finds the user by the sender's number (the users table's phone index), and runs
 * Start Prep or Remind Me through the shared action core, answering in TwiML. Its answers are kept by MessageSid
 * for two days (`Tables.smsReplies`, with a TTL) so Twilio's retries get the same answer and act once.
 */
export class SmsReplies extends Construct {
  /** The exact public URL to give Twilio as the number's "A message comes in" webhook (HTTP POST). */
  public readonly webhookUrl: string;
  /** The answers already given, by MessageSid (TTL `expires_at`; owned by the tables construct, so it outlives the feature flag). */
  public readonly answersTable: dynamodb.Table;
  public readonly function: HouseFunction;

  constructor(scope: Construct, id: string, props: SmsRepliesProps) {
    super(scope, id);
    if (lambdaIndexes.USERS_BY_PHONE_INDEX !== USERS_BY_PHONE_INDEX)
      throw new Error('SmsReplies: the users phone index name differs between lambda/ and lib/');
    const { users } = props.tables;
    const api = props.slackBot.api;
    this.webhookUrl = publicRouteUrl(api, TWILIO_SMS_PATH);

    this.answersTable = props.tables.smsReplies;

    this.function = new HouseFunction(this, 'Function', {
      entry: 'lambda/actions/sms-reply.ts',
      description: "Answers SMS replies (PREP, LATER, Twilio's keywords) from Twilio's signed incoming-message webhook",
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    })
      .useTable('SMS_REPLIES_TABLE_NAME', this.answersTable, ['GetItem', 'PutItem', 'UpdateItem'])
      .useSecret('TWILIO_SECRET_ARN', props.twilioSecret)
      .addEnvironment('TWILIO_SMS_WEBHOOK_URL', this.webhookUrl);
    props.slackBot.grantPrepActions(this.function);
    // Beyond the core's own grants: STOP and START write the preferences on the users item (UpdateItem), and the
    // sender is found through the phone index (Query on that one index, not the table).
    this.function.useTable('USERS_TABLE_NAME', users, ['GetItem', 'UpdateItem']);
    this.function.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${users.tableArn}/index/${USERS_BY_PHONE_INDEX}`],
      }),
    );

    const twilio = api.root.getResource('twilio') ?? api.root.addResource('twilio');
    twilio
      .addResource('sms')
      .addMethod('POST', new apigateway.LambdaIntegration(this.function.function, { proxy: true }));
  }
}
