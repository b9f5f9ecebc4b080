/** Every AWS SDK client gets a request timeout that really ends the call (not only a warning). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { awsClientConfig } from '../../lambda/shared/aws-clients';

describe('awsClientConfig', () => {
  it('sets a request and connection timeout that throw, and the attempts', () => {
    expect(awsClientConfig({ requestTimeoutMs: 800, maxAttempts: 2 })).toEqual({
      maxAttempts: 2,
      requestHandler: { requestTimeout: 800, connectionTimeout: 500, throwOnRequestTimeout: true },
    });
    expect(awsClientConfig().requestHandler.requestTimeout).toBe(1500);
  });

  it('refuses a timeout that is not positive', () => {
    expect(() => awsClientConfig({ requestTimeoutMs: 0 })).toThrow('requestTimeoutMs must be positive');
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

      await expect(client.send(new GetItemCommand({ TableName: 'meetings', Key: { meeting_id: { S: 'm-1' } } }))).rejects.toMatchObject({ name: 'TimeoutError' });
      client.destroy();
    });
  });
});
