import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { conditionalWrite, guarded } from '../../lambda/shared/dynamo-guard';
import { TransientDataError } from '../../lambda/shared/errors';

/** Metadata the SDK attaches to every service error. */
const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  requestId: 'R3Q5T1D',
  attempts: 1,
  totalRetryDelay: 0,
});

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata(400) });
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) });
const invalid = () =>
  new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    message: 'One or more parameter values were invalid',
    $metadata: metadata(400),
  });

describe('guarded', () => {
  it('gives the output of a call that succeeds', async () => {
    // Act
    const out = await guarded('GetItem meetings', async () => ({ Item: { meeting_id: 'm-1' } }));

    // Assert
    expect(out).toEqual({ Item: { meeting_id: 'm-1' } });
  });

  it('throws a failed condition as it is', async () => {
    // Arrange
    const error = conditionFailed();

    // Act / Assert
    await expect(guarded('UpdateItem meetings (claim)', () => Promise.reject(error))).rejects.toBe(error);
  });

  it('turns a transient failure into TransientDataError naming the call, the SDK error as its cause', async () => {
    // Arrange
    const error = throttled();

    // Act
    const thrown = await guarded('UpdateItem meetings (claim)', () => Promise.reject(error)).catch((e: unknown) => e);

    // Assert
    expect(thrown).toBeInstanceOf(TransientDataError);
    expect((thrown as TransientDataError).message).toBe('UpdateItem meetings (claim): ThrottlingException');
    expect((thrown as TransientDataError).cause).toBe(error);
  });
});

describe('conditionalWrite', () => {
  it('gives the output of a write whose condition held', async () => {
    // Act
    const result = await conditionalWrite('UpdateItem meetings (claim)', async () => ({
      Attributes: { status: 'DISCOVERED' },
    }));

    // Assert
    expect(result).toEqual({ written: true, output: { Attributes: { status: 'DISCOVERED' } } });
  });

  it('answers "condition failed" for a failed condition, without throwing', async () => {
    // Act
    const result = await conditionalWrite('UpdateItem meetings (claim)', () => Promise.reject(conditionFailed()));

    // Assert
    expect(result).toEqual({ written: false });
  });

  it('throws a transient failure as TransientDataError naming the call, the SDK error as its cause', async () => {
    // Arrange
    const error = throttled();

    // Act
    const thrown = await conditionalWrite('PutItem chat_sessions (create)', () => Promise.reject(error)).catch(
      (e: unknown) => e,
    );

    // Assert
    expect(thrown).toBeInstanceOf(TransientDataError);
    expect((thrown as TransientDataError).message).toBe('PutItem chat_sessions (create): ThrottlingException');
    expect((thrown as TransientDataError).cause).toBe(error);
  });

  it.each([
    ['a ValidationException', invalid()],
    ['a plain Error', new Error('boom')],
  ])('rethrows %s as it is', async (_what, error) => {
    // Act / Assert
    await expect(conditionalWrite('UpdateItem users (digest claim)', () => Promise.reject(error))).rejects.toBe(error);
  });
});
