/** NotifyViaSlack: the interactive prep message in the user's DM with the app. Slack's `ok` is its receipt. */
import { findSlackPost, sendSlack, slackClient } from './sender';
import { dynamoDocumentClient } from '../../shared/clients';
import { requiredEnv } from '../../shared/env';
import { ChannelUnavailableError } from '../../shared/errors';
import { MeetingsRepository } from '../../shared/meetings-repository';
import { slackCredentials } from '../../shared/secrets';
import { notifyViaChannel, realTime } from '../notify';
import { NotifyInput, NotifyResult } from '../notify-io';

const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));

/** Lambda entry point. */
export async function handler(input: NotifyInput): Promise<NotifyResult> {
  return notifyViaChannel('slack', input, { meetings, ...realTime }, async () => {
    const credentials = await slackCredentials();
    if (!credentials) throw new ChannelUnavailableError('slack', 'not_configured');
    const client = slackClient(credentials);
    return {
      send: () => sendSlack(client, input),
      findEarlier: async (since) => {
        const ts = await findSlackPost(client, input, since);
        return ts ? { notification_id: ts } : undefined;
      },
    };
  });
}
