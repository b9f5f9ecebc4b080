/**
 * AWS SDK clients, created once per cold start. They take the standard `AWS_ENDPOINT_URL_<SERVICE>` variables by
 * themselves, so local runs point them at emulators with no code of ours.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from './aws-clients';

let documentClient: DynamoDBDocumentClient | undefined;

/** The shared DynamoDB document client (undefined attributes are dropped, not rejected). */
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig({ maxAttempts: 3, requestTimeoutMs: 1000 })), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
