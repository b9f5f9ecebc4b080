/**
 * The local system's fixed names and credentials, in a module of their own so the client commands of `npm start`
 * can sign requests without loading the CDK app and the stand-ins.
 */

/** Local credentials of the fake integrations (not secrets: they only open loopback fakes). */
export const LOCAL_CREDENTIALS = {
  slackBotToken: 'xoxb-local-0000000000-0000000000000-localtokenlocaltoken',
  slackSigningSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  twilioAccountSid: 'AC00000000000000000000000000000000',
  twilioAuthToken: 'local-twilio-auth-token',
  twilioFromNumber: '+15005550006',
  sesFromEmail: 'assistant@exec-assistant.local',
  /** The email links' signing keys, in the secret's JSON shape (`ACTION_LINK_KEYS`). */
  actionLinkKeys: JSON.stringify({
    current: { id: 'local1', key: 'local-link-signing-key-0123456789abcdef0123456789' },
  }),
} as const;

/** What the Slack bot's reminders target locally (the stack gives real ARNs on AWS). */
export const LOCAL_REMINDERS = {
  scheduleGroupName: 'meeting-prep-reminders-local',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:PrepNotificationLocal',
  schedulerRoleArn: 'arn:aws:iam::123456789012:role/PrepReminderSchedulerLocal',
  deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:PrepReminderDeadLetterLocal',
} as const;
