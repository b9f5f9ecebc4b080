/** Every AWS SDK client gets a request timeout that really ends the call (not only a warning). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ANSWER_PATH_CLIENT, awsClientConfig, worstCaseCallMs } from '../../lambda/shared/client-config';
import { ANSWER_DEADLINE_MS } from '../../lambda/slack-bot/webhook';

describe('awsClientConfig', () => {
  it('sets a request and connection timeout that throw, and the attempts', () => {
    expect(awsClientConfig({ requestTimeoutMs: 800, maxAttempts: 2 })).toEqual({
      maxAttempts: 2,
      requestHandler: { requestTimeout: 800, connectionTimeout: 500, throwOnRequestTimeout: true },
    });
    expect(awsClientConfig().requestHandler.requestTimeout).toBe(1500);
  });

  it('gives the clients before an answer a worst case inside the webhook deadline (no retry outlives the answer)', () => {
    expect(worstCaseCallMs(ANSWER_PATH_CLIENT)).toBe(1700);
    expect(worstCaseCallMs(ANSWER_PATH_CLIENT)).toBeLessThan(ANSWER_DEADLINE_MS);
    expect(worstCaseCallMs({ maxAttempts: 3 })).toBe(Infinity);
  });

  it('refuses a retry delay that is negative', () => {
    expect(() => awsClientConfig({ retryDelayMs: -1 })).toThrow('retryDelayMs must be zero or more');
  });

  it('refuses a timeout that is not positive', () => {
    expect(() => awsClientConfig({ requestTimeoutMs: 0 })).toThrow('requestTimeoutMs must be positive');
  });

  describe('against a table that throttles every request', () => {
    let server: Server;
    let requests = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        requests++;
        req.resume();
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'Rate exceeded',
          }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("the answer path makes two attempts with the fixed 100 ms wait, not the SDK's throttling backoff", async () => {
      const { port } = server.address() as AddressInfo;
      const client = new DynamoDBClient({
        ...awsClientConfig(ANSWER_PATH_CLIENT),
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });

      const error = await client
        .send(new GetItemCommand({ TableName: 'meetings', Key: { meeting_id: { S: 'm-1' } } }))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'ProvisionedThroughputExceededException',
        $metadata: { attempts: 2, totalRetryDelay: 100 },
      });
      expect(requests).toBe(2);
      client.destroy();
    });
  });

  describe('against a server that never answers', () => {
    let server: Server;
    const held: import('node:http').ServerResponse[] = [];
    beforeAll(async () => {
      server = createServer((_req, res) => {
        held.push(res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('a call fails with a timeout error instead of hanging', async () => {
      const { port } = server.address() as AddressInfo;
      const client = new DynamoDBClient({
        ...awsClientConfig({ requestTimeoutMs: 100, maxAttempts: 1 }),
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });

      await expect(
        client.send(new GetItemCommand({ TableName: 'meetings', Key: { meeting_id: { S: 'm-1' } } })),
      ).rejects.toMatchObject({ name: 'TimeoutError' });
      client.destroy();
    });
  });
});
