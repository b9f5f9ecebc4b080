/** The public URL of a route of the project's REST API, for callers that sign it (Twilio) or link to it (emails). */
import { Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/**
 * The exact public URL of a route of the REST API, as a caller that signs it (Twilio) or an email link calls it.
 * Built from the API's id and the stage's literal name, not `api.url`: the URL names the deployment stage, which
 * depends on the route's method, whose function would then depend on the URL (a cycle). The L2's `stageName` is a
 * Ref to the stage, which would close the same cycle.
 */
export function publicRouteUrl(api: apigateway.RestApi, path: string): string {
  const stageName = (api.deploymentStage.node.defaultChild as apigateway.CfnStage).stageName;
  if (!stageName || Token.isUnresolved(stageName)) throw new Error('the API stage needs a literal stage name');
  const stack = Stack.of(api);
  return `https://${api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${stageName}${path}`;
}
