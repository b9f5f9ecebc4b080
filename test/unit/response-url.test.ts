/** Which response URLs the bot posts to: Slack's own, or locally the Slack stand-in's origin (`SLACK_API_URL`). */
import { isSlackResponseUrl } from '../../lambda/slack-bot/response-url';

describe('deployed (no SLACK_API_URL): only https://hooks.slack.com/actions/… and /commands/…', () => {
  it.each([
    'https://hooks.slack.com/actions/T05QX8K2M7N/8094326179845/Zq1Yx2Wv3Ut4Sr5Qp6On7Ml8',
    'https://hooks.slack.com/commands/T05QX8K2M7N/8094326179845/Zq1Yx2Wv3Ut4Sr5Qp6On7Ml8',
    'https://HOOKS.slack.com/actions/T05QX8K2M7N/1/abc',
    'https://hooks.slack.com:443/actions/T05QX8K2M7N/1/abc',
  ])('accepts %s', (url) => {
    expect(isSlackResponseUrl(url, undefined)).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example/x'],
    ['a host ending like Slack’s', 'https://hooks.slack.com.evil.example/actions/T/1/abc'],
    ['a subdomain', 'https://x.hooks.slack.com/actions/T/1/abc'],
    ['Slack’s API host', 'https://slack.com/api/chat.postMessage'],
    ['plain http', 'http://hooks.slack.com/actions/T/1/abc'],
    ['another port', 'https://hooks.slack.com:8443/actions/T/1/abc'],
    ['credentials before the host', 'https://hooks.slack.com@evil.example/actions/T/1/abc'],
    ['credentials on Slack’s host', 'https://user:pw@hooks.slack.com/actions/T/1/abc'],
    ['an incoming webhook path', 'https://hooks.slack.com/services/T/B/xyz'],
    ['no path', 'https://hooks.slack.com/'],
    ['an empty actions path', 'https://hooks.slack.com/actions/'],
    ['loopback', 'http://127.0.0.1:4000/response-url/abc'],
    ['not a URL', 'hooks.slack.com/actions/T/1/abc'],
    ['nothing', ''],
  ])('refuses %s', (_what, url) => {
    expect(isSlackResponseUrl(url, undefined)).toBe(false);
  });
});

describe('locally (SLACK_API_URL points at the stand-in): the stand-in’s origin', () => {
  const local = 'http://127.0.0.1:51234/api/';

  it('accepts the stand-in’s response URLs', () => {
    expect(isSlackResponseUrl('http://127.0.0.1:51234/response-url/0a1b2c3d', local)).toBe(true);
  });

  it.each([
    ['another loopback port', 'http://127.0.0.1:51235/response-url/0a1b2c3d'],
    ['another loopback name', 'http://localhost:51234/response-url/0a1b2c3d'],
    ['another host', 'https://evil.example/x'],
    ['credentials', 'http://user@127.0.0.1:51234/response-url/0a1b2c3d'],
  ])('refuses %s', (_what, url) => {
    expect(isSlackResponseUrl(url, local)).toBe(false);
  });
});
