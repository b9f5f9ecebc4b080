/** How the worker reads a failed Slack call: retry later, or never (the user's answer would only be delayed). */
import { ResponseUrlError, classifySlackFailure } from '../../lambda/slack-bot/slack-failures';

describe('classifySlackFailure', () => {
  it.each([
    [
      'a rate limit, with its Retry-After',
      { code: 'slack_webapi_rate_limited_error', retryAfter: 30 },
      { retry: true, code: 'ratelimited', retryAfterSeconds: 30 },
    ],
    [
      'internal_error',
      { code: 'slack_webapi_platform_error', data: { error: 'internal_error' } },
      { retry: true, code: 'internal_error' },
    ],
    ['an HTTP 503', { code: 'slack_webapi_http_error', statusCode: 503 }, { retry: true, code: 'http_503' }],
    [
      'a dropped connection',
      { code: 'slack_webapi_request_error' },
      { retry: true, code: 'slack_webapi_request_error' },
    ],
    [
      'a timeout',
      Object.assign(new Error('timeout of 5000ms exceeded'), { name: 'TimeoutError' }),
      { retry: true, code: 'TimeoutError' },
    ],
    [
      'channel_not_found',
      { code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } },
      { retry: false, code: 'channel_not_found' },
    ],
    [
      'fatal_error (may have half happened)',
      { code: 'slack_webapi_platform_error', data: { error: 'fatal_error' } },
      { retry: false, code: 'fatal_error' },
    ],
    ['an HTTP 400', { code: 'slack_webapi_http_error', statusCode: 400 }, { retry: false, code: 'http_400' }],
    ['an expired response_url', new ResponseUrlError(404, 'expired_url'), { retry: false, code: 'expired_url' }],
    ['a response_url answering 500', new ResponseUrlError(500, 'oops'), { retry: true, code: 'http_500' }],
  ])('%s', (_name, error, expected) => {
    expect(classifySlackFailure(error)).toEqual(expected);
  });
});
