/**
 * DynamoDB on loopback: dynalite (in memory, or persisted to a folder), with the stack's tables created from the
 * synthesized template so local key schemas and indexes are exactly the deployed ones.
 */
import { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { StartupError } from './data-folder';
import { APPLY_THEN_HOLD, FaultProxy, startFaultProxy } from './fault-proxy';
import { LocalTableSpec } from './synth';

/** A running dynalite. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (ephemeral port unless given). */
export async function startDynalite(options: { port?: number; path?: string } = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    close: () =>
      new Promise<void>((resolve, reject) => {
        client.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** "TablesMeetings1A2B3C4D" → "meetings", "TablesChatSessions…" → "chat_sessions". */
export function localTableName(logicalId: string, prefix = ''): string {
  const core = logicalId.replace(/^Tables/, '').replace(/[0-9A-F]{8}$/, '');
  return `${prefix}${core.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`;
}

/** Creates each table (if missing) and returns logical id → local table name. */
export async function createTables(
  client: DynamoDBClient,
  specs: readonly LocalTableSpec[],
  prefix = '',
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const spec of specs) {
    const name = localTableName(spec.logicalId, prefix);
    names[spec.logicalId] = name;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: spec.KeySchema,
          AttributeDefinitions: spec.AttributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          ...(spec.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: spec.GlobalSecondaryIndexes } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      // A table kept in a data folder by an older version may lack an index added since (dynalite cannot add one).
      const existing = await client.send(new DescribeTableCommand({ TableName: name }));
      const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
      const missing = (spec.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).filter((n) => !have.has(n));
      if (missing.length > 0) {
        throw new StartupError(
          `The kept table ${name} lacks the index ${missing.join(', ')} this version needs: start once with --reset (it empties the data folder) to recreate the tables.`,
        );
      }
    }
    await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }, { TableName: name });
  }
  return names;
}

/**
 * A DynamoDB failure: throttling (`ProvisionedThroughputExceededException`), a 500, no answer, or the request carried
 * out and its answer lost (`accepted_then_timeout`: the write is in the table, the client times out and retries).
 */
export type DynamoFailureSpec =
  | { readonly kind: 'throttled'; readonly times?: number }
  | { readonly kind: 'internal_error'; readonly times?: number }
  | { readonly kind: 'timeout'; readonly times?: number }
  | { readonly kind: 'accepted_then_timeout'; readonly times?: number };

/**
 * A fault proxy in front of dynalite: failures are queued per operation (`GetItem`, `UpdateItem`, … or `*`), taken
 * from the `X-Amz-Target` header, and answered in DynamoDB's JSON error format.
 */
export function startDynamoFaultProxy(targetPort: number): Promise<FaultProxy<DynamoFailureSpec>> {
  return startFaultProxy<DynamoFailureSpec>({
    targetPort,
    targetOf: (req) => String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown',
    answer: (failure) => {
      if (failure.kind === 'timeout') return undefined;
      if (failure.kind === 'accepted_then_timeout') return APPLY_THEN_HOLD;
      const [status, type, message] =
        failure.kind === 'throttled'
          ? [
              400,
              'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
              'The level of configured provisioned throughput for the table was exceeded.',
            ]
          : [500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error'];
      return {
        status,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ __type: type, message }),
      };
    },
  });
}
