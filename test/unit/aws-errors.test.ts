import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { awsErrorCode, isTransientAwsError } from '../../lambda/shared/aws-errors';
import { TransientDataError } from '../../lambda/shared/errors';

/** Metadata the SDK attaches to every service error. */
const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  requestId: 'R3Q5T1D',
  attempts: 1,
  totalRetryDelay: 0,
});

describe('isTransientAwsError', () => {
  it.each([
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({
        message: 'Rate of requests exceeds the allowed throughput.',
        $metadata: metadata(400),
      }),
    ],
    ['ThrottlingException', new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) })],
    [
      'an unmodelled error with HTTP 503',
      new DynamoDBServiceException({
        name: 'UnknownError',
        $fault: 'server',
        message: 'Service Unavailable',
        $metadata: metadata(503),
      }),
    ],
    [
      'an unmodelled error with HTTP 429',
      new DynamoDBServiceException({
        name: 'UnknownError',
        $fault: 'client',
        message: 'Too Many Requests',
        $metadata: metadata(429),
      }),
    ],
    ['a reset connection (ECONNRESET)', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'a reset connection as the SDK node handler rethrows it',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'TimeoutError' }),
    ],
    // A throttled users-table read, as the repositories wrap it: the webhook answered it 200 + X-Slack-No-Retry.
    [
      'a TransientDataError from the repositories',
      new TransientDataError('GetItem users: ProvisionedThroughputExceededException'),
    ],
  ])('retries %s', (_what, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    [
      'ValidationException',
      new DynamoDBServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'One or more parameter values were invalid',
        $metadata: metadata(400),
      }),
    ],
    [
      'ConditionalCheckFailedException',
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata(400) }),
    ],
    ['a plain Error', new Error('boom')],
    ['a string', 'ThrottlingException'],
    ['undefined', undefined],
  ])('does not retry %s', (_what, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});

describe('awsErrorCode', () => {
  it('records the SDK error name', () => {
    const error = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: metadata(400),
    });

    expect(awsErrorCode(error)).toBe('ConditionalCheckFailedException');
  });
});
