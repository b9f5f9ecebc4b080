/**
 * An interaction's `response_url` is where the bot posts an answer, so it is not taken as given: only Slack's own
 * (`https://hooks.slack.com/actions/…` or `/commands/…`, default port, no credentials) is used. Locally the Slack
 * stand-in serves them on loopback: when `SLACK_API_URL` points the functions at it (the stack never sets it), the
 * pin is that URL's origin instead, as it is for the Web API. Anything else is not called, logged and counted
 * (`SlackResponseUrlsRefused` by `Where`); the rest of the action goes on.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { slackApiUrl } from '../channels/slack/web-client';
import { MetricNames, countMetric } from '../shared/metrics';

/** Slack's host for response URLs. */
export const SLACK_RESPONSE_URL_HOST = 'hooks.slack.com';

const SLACK_PATHS = /^\/(actions|commands)\/[^/]/;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Whether `url` is a response URL the bot may post to. Pure.
 * @param localSlackApi - the local Slack stand-in's API URL (`SLACK_API_URL`), whose origin then replaces Slack's
 */
export function isSlackResponseUrl(url: string, localSlackApi: string | undefined): boolean {
  const parsed = parse(url);
  if (parsed === undefined) return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  if (localSlackApi !== undefined) {
    const local = parse(localSlackApi);
    return local !== undefined && parsed.origin === local.origin;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.hostname === SLACK_RESPONSE_URL_HOST &&
    parsed.port === '' &&
    SLACK_PATHS.test(parsed.pathname)
  );
}

/** The response URL when it is Slack's; otherwise undefined, the refusal logged and counted. */
export function pinnedResponseUrl(
  url: string | undefined,
  logger: Pick<Logger, 'warn'>,
  where: 'webhook' | 'worker',
): string | undefined {
  if (url === undefined || isSlackResponseUrl(url, slackApiUrl())) return url;
  const parsed = parse(url);
  logger.warn("Refused a response_url that is not Slack's", {
    reason: 'response_url_not_slack',
    host: parsed?.host.slice(0, 255) ?? '(unparsable)',
    where,
  });
  countMetric(MetricNames.SlackResponseUrlsRefused, { Where: where });
  return undefined;
}
