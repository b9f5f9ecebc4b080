import * as path from 'node:path';
import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENTRY_METADATA_KEY } from '../entry-metadata';
import { acknowledgeWildcard } from '../nag';

/** The project root, for entry paths and the lock file. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Props of {@link HouseFunction}. */
export interface HouseFunctionProps {
  /** Source file under `lambda/`, relative to the project root, exporting `handler`. */
  readonly entry: string;
  /** What the function does, for the console. */
  readonly description: string;
  /** Log retention. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Plain, non-secret settings. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Files (relative to the project root) copied next to `index.js` in the bundle, for code that reads them from
   * `__dirname` (esbuild bundles only code).
   * @default none
   */
  readonly copyFiles?: readonly string[];
  /**
   * Modules replaced in the bundle (esbuild `--alias`), package name → file relative to the project root: for
   * dependencies a library loads eagerly that this function never uses.
   * @default none
   */
  readonly bundleAliases?: Readonly<Record<string, string>>;
}

/** Table operations a function may be granted, by name (no wildcards). */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';

/**
 * The one Lambda construct of the project: Node.js 24 on arm64, bundled by the local esbuild (minified, source
 * maps), X-Ray tracing, its own log group with the stage's retention, handler `index.handler`. Environment
 * variables that name a resource are added together with the permission on that resource (`useTable`,
 * `useSecret`), never one without the other.
 */
export class HouseFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Its own role, allowed to write to its own log group only (the managed AWSLambdaBasicExecutionRole would
    // allow creating and writing any log group in the account).
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.function = new NodejsFunction(this, 'Function', {
      role,
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'meeting-prep',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        // Maps to file and line without embedding the sources: a third of the size to read at a cold start.
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.CJS,
        // esbuild's warnings and errors only: its per-file size summary buried the test and synth output.
        logLevel: LogLevel.WARNING,
        // Bundle the SDK too: production runs exactly the versions the tests ran.
        externalModules: [],
        ...(props.bundleAliases
          ? {
              esbuildArgs: Object.fromEntries(
                Object.entries(props.bundleAliases).map(([name, file]) => [
                  `--alias:${name}`,
                  path.join(PROJECT_ROOT, file),
                ]),
              ),
            }
          : {}),
        ...(props.copyFiles && props.copyFiles.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.copyFiles ?? []).map((file) => `cp "${path.posix.join(inputDir, file)}" "${outputDir}/"`),
              },
            }
          : {}),
      },
    });
    (this.function.node.defaultChild as CfnResource).addMetadata(ENTRY_METADATA_KEY, props.entry);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /** Adds an environment variable. */
  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * Names a table in `envName` and allows exactly `actions` on it (and Query on its indexes when Query is
   * among them), plus the KMS
   * use those actions need on the table's key.
   */
  useTable(envName: string, table: dynamodb.ITable, actions: readonly TableAction[]): this {
    this.function.addEnvironment(envName, table.tableName);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
    );
    if (actions.includes('Query')) {
      const indexes = `${table.tableArn}/index/*`;
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [indexes] }));
      acknowledgeWildcard(
        this.function.role as iam.IRole,
        indexes,
        'dynamodb:Query on the indexes of this one table: index ARNs are the narrowest Query takes.',
      );
    }
    if (table.encryptionKey) {
      const writes = actions.some((a) => a !== 'GetItem' && a !== 'Query');
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: writes ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
          resources: [table.encryptionKey.keyArn],
        }),
      );
    }
    return this;
  }

  /**
   * Names a secret (its ARN only, never its value) in `envName` and allows reading that one secret, and decrypting
   * it with its customer-managed key, if it has one, through Secrets Manager only.
   */
  useSecret(envName: string, secret: secretsmanager.ISecret): this {
    this.function.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this.function);
    if (secret.encryptionKey) {
      // grantRead's own key grant is silently dropped for an imported key (aws-cdk-lib 2.276): granted here.
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    return this;
  }
}
