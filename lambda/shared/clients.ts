/**
 * The DynamoDB document client, created once per cold start with the project's client settings
 * (./client-config.ts). The standard `AWS_ENDPOINT_URL_<SERVICE>` variables still point it at a local emulator, with
 * no code of ours.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientSettings, awsClientConfig } from './client-config';

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
