/**
 * Tables kept in a `--data` folder by an older version: a table that lacks an index this version needs (the users
 * table's phone index, for SMS replies) stops start-up with one line saying to --reset, instead of every SMS reply
 * failing later (dynalite cannot add an index to an existing table).
 */
import { StartupError } from '../../local/data-folder';
import { LocalDynamo, createTables, startDynalite } from '../../local/dynamo';
import { LocalTableSpec } from '../../local/synth';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.close();
});

const users: LocalTableSpec = {
  logicalId: 'TablesUsers',
  KeySchema: [{ AttributeName: 'user_id', KeyType: 'HASH' }],
  AttributeDefinitions: [
    { AttributeName: 'user_id', AttributeType: 'S' },
    { AttributeName: 'phone_number', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'phone_number-index',
      KeySchema: [{ AttributeName: 'phone_number', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
};

describe('kept tables', () => {
  it('are reused as they are when they have every index', async () => {
    await createTables(dynamo.client, [users], 'same-');

    await expect(createTables(dynamo.client, [users], 'same-')).resolves.toEqual({ TablesUsers: expect.any(String) });
  });

  it('stop start-up, saying to --reset, when one lacks an index', async () => {
    const older: LocalTableSpec = {
      logicalId: users.logicalId,
      KeySchema: users.KeySchema,
      AttributeDefinitions: [{ AttributeName: 'user_id', AttributeType: 'S' }],
    };
    await createTables(dynamo.client, [older], 'old-');

    const error = await createTables(dynamo.client, [users], 'old-').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/lacks the index phone_number-index .* --reset/);
  });
});
