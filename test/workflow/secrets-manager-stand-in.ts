/**
 * A Secrets Manager `GetSecretValue` on loopback, for the cases the local runtime does not run (it gives the
 * functions their credentials in the environment instead): a secret that answers with a value, or with the error
 * Secrets Manager gives for a deleted secret or a role without access. It speaks the service's JSON 1.1 protocol,
 * so the real SDK client reads its answers as it reads AWS's; `AWS_ENDPOINT_URL_SECRETS_MANAGER` points the
 * functions at it.
 */
import type { AddressInfo } from 'node:net';
import * as http from 'node:http';

/** What one secret answers. */
export type SecretAnswer =
  | { readonly secretString: string }
  | { readonly error: 'ResourceNotFoundException' | 'AccessDeniedException' | 'DecryptionFailure' };

const MESSAGES: Readonly<Record<string, string>> = {
  ResourceNotFoundException: "Secrets Manager can't find the specified secret.",
  AccessDeniedException:
    'User: arn:aws:sts::123456789012:assumed-role/NotifyEmail/fn is not authorized to perform: secretsmanager:GetSecretValue',
  DecryptionFailure: "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
};

/** The stand-in: its URL, the secrets it knows, and the ids it was asked for. */
export interface SecretsManagerStandIn {
  readonly url: string;
  readonly secrets: Map<string, SecretAnswer>;
  readonly asked: string[];
  close(): Promise<void>;
}

/** Starts it on a free loopback port. A secret it does not know answers `ResourceNotFoundException`. */
export async function startSecretsManager(): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, SecretAnswer>();
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'local' });
        res.end(JSON.stringify(payload));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        reply(400, { __type: 'UnknownOperationException', message: 'only GetSecretValue is served' });
        return;
      }
      const id = String((JSON.parse(body || '{}') as { SecretId?: unknown }).SecretId);
      asked.push(id);
      const answer = secrets.get(id) ?? { error: 'ResourceNotFoundException' };
      if ('error' in answer) {
        reply(400, { __type: answer.error, message: MESSAGES[answer.error] });
        return;
      }
      reply(200, {
        ARN: id,
        Name: id.split(':').pop(),
        SecretString: answer.secretString,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_795_000_000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secrets,
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
