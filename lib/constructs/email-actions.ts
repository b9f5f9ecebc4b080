import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { Tables } from './tables';
import { publicRouteUrl } from './public-url';

/** The routes of the email's links on the project's API. */
export const EMAIL_LINK_PATHS = { act: '/act', unsubscribe: '/unsubscribe' } as const;

/** Props of {@link EmailActions}. */
export interface EmailActionsProps {
  readonly tables: Tables;
  /** The project's REST API (`SlackBotApi.api`): `GET|POST /act` and `/unsubscribe` are added to it. */
  readonly api: apigateway.RestApi;
  /** Gives the link function what the shared action core needs (`SlackBotApi.grantPrepActions`). */
  readonly grantPrepActions: (fn: HouseFunction) => void;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** The links' HMAC keys (see {@link createLinkSigningKeys}). */
  readonly signingKeys: secretsmanager.ISecret;
}

/**
 * The secret of the links' HMAC-SHA256 keys, generated at the first deploy as `{"id":"k1","key":"<64 random
 * characters>"}`; `{"current":{"id","key"},"previous":{"id","key"}}` after a rotation (docs/DEPLOY.md). The stack
 * creates it beside the other secrets, so a rollback (`enablePrepNotification=false`) keeps it and the links sent.
 */
export function createLinkSigningKeys(
  scope: Construct,
  id: string,
  removalPolicy: RemovalPolicy,
): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description:
      'HMAC-SHA256 keys of the prep emails\' one-click links: {"id","key"} as generated; {"current":{"id","key"},"previous":{"id","key"}} after a rotation (docs/DEPLOY.md)',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ id: 'k1' }),
      generateStringKey: 'key',
      passwordLength: 64,
      excludePunctuation: true,
    },
    removalPolicy,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Rotated by hand with an overlap (docs/DEPLOY.md): the new key signs while the previous one still verifies links already sent; a rotation Lambda would drop the previous key too early.',
  });
  return secret;
}

/**
 * The email's one-click links: the function behind `GET|POST /act` (Start Prep, Remind Me) and
 * `GET|POST /unsubscribe` (RFC 8058) on the project's API. GET only shows; POST acts.
 */
export class EmailActions extends Construct {
  /** The links' HMAC keys. */
  public readonly signingKeys: secretsmanager.ISecret;
  public readonly function: HouseFunction;
  /** The API's public stage URL (`https://<id>.execute-api.<region>.<suffix>/<stage>`), where the links point. */
  public readonly publicApiUrl: string;

  constructor(scope: Construct, id: string, props: EmailActionsProps) {
    super(scope, id);
    this.publicApiUrl = publicRouteUrl(props.api, '');

    this.signingKeys = props.signingKeys;

    const { meetings, users } = props.tables;
    this.function = new HouseFunction(this, 'LinkFunction', {
      entry: 'lambda/actions/email-link.ts',
      description:
        'Email one-click links: GET shows a confirmation page, POST starts prep, sets a reminder or unsubscribes',
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    })
      // GetItem: the page's meeting; UpdateItem: the link's single use, recorded on the meeting
      // (lambda/shared/meetings/link-uses.ts).
      .useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem'])
      // UpdateItem: the unsubscribe, saved in the user's preferences.
      .useTable('USERS_TABLE_NAME', users, ['GetItem', 'UpdateItem'])
      .useSecret('ACTION_LINK_SECRET_ARN', this.signingKeys);
    props.grantPrepActions(this.function);

    const integration = new apigateway.LambdaIntegration(this.function.function, { proxy: true });
    for (const path of Object.values(EMAIL_LINK_PATHS)) {
      const resource = props.api.root.addResource(path.slice(1));
      resource.addMethod('GET', integration);
      resource.addMethod('POST', integration);
    }
  }

  /** Lets a sender of prep emails sign links: the keys' secret (read only) and the API's public URL. */
  grantSignLinks(sender: HouseFunction): void {
    sender.useSecret('ACTION_LINK_SECRET_ARN', this.signingKeys).addEnvironment('PUBLIC_API_URL', this.publicApiUrl);
  }
}
