/**
 * AWS SDK clients, created once per cold start. They take the standard `AWS_ENDPOINT_URL_<SERVICE>` variables by
 * themselves, so local runs point them at emulators with no code of ours.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsClientSettings, awsClientConfig } from './aws-clients';

const documentClients = new Map<string, DynamoDBDocumentClient>();

/**
 * The DynamoDB document client for these settings, shared within the process (undefined attributes are dropped,
 * not rejected). The default suits work nobody waits on; code answering a person passes `ANSWER_PATH_CLIENT`.
 */
export function dynamoDocumentClient(
  settings: AwsClientSettings = { maxAttempts: 3, requestTimeoutMs: 1000 },
): DynamoDBDocumentClient {
  const key = JSON.stringify(settings);
  let client = documentClients.get(key);
  if (!client) {
    client = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(settings)), {
      marshallOptions: { removeUndefinedValues: true },
    });
    documentClients.set(key, client);
  }
  return client;
}
