/**
 * Each public method's own throttle, as API Gateway stage method settings (`/slack/webhook/POST` …). A method with
 * settings of its own is throttled by them alone, not by the stage's default, so a flood on one route spends that
 * route's budget and no other's.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { methodSettingsPath, type RouteThrottle } from '../public-routes';

/** What every method of the stage logs and measures: a method's own settings replace the stage's, not add to them. */
export type CommonMethodOptions = Required<
  Pick<apigateway.MethodDeploymentOptions, 'loggingLevel' | 'metricsEnabled' | 'dataTraceEnabled'>
>;

/** The stage's `methodOptions`: per route, its throttle with the stage's logging and metrics repeated. */
export function routeMethodOptions(
  throttles: Readonly<Record<string, RouteThrottle>>,
  common: CommonMethodOptions,
): Record<string, apigateway.MethodDeploymentOptions> {
  return Object.fromEntries(
    Object.entries(throttles).map(([route, { rate, burst }]) => [
      methodSettingsPath(route),
      { ...common, throttlingRateLimit: rate, throttlingBurstLimit: burst },
    ]),
  );
}

/**
 * Fails the synth when the API serves a method without a throttle of its own (it would fall back to the stage's
 * default), or a throttle names a route the API does not serve (a typo, or a route since removed).
 */
export function requireRouteThrottles(api: apigateway.RestApi, throttled: readonly string[]): void {
  api.node.addValidation({
    validate: () => {
      const served = api.methods.map((m) => `${m.httpMethod} ${m.resource.path}`);
      return [
        ...served
          .filter((route) => !throttled.includes(route))
          .map(
            (route) =>
              `${route} has no throttle of its own: add it to PUBLIC_ROUTES (lib/public-routes.ts) and to routeThrottles in every config/stages/<stage>.yaml`,
          ),
        ...throttled
          .filter((route) => !served.includes(route))
          .map((route) => `routeThrottles names ${route}, which the API does not serve`),
      ];
    },
  });
}
