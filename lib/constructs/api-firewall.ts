/**
 * The AWS WAF web ACL in front of the public API's stage (staging and prod as committed; `webAcl` in the stage file):
 * a rate limit per source IP, AWS's IP reputation list, and AWS's core rule set with its body rules only counting,
 * because Slack's and Twilio's bodies are signed, checked by the functions, and hold whatever people type. An alarm
 * per rule watches what it blocks. docs/DEPLOY.md ("The public API's budget") gives the reasoning.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WebAclSettings } from '../public-budget-settings';

/** The rules, by the metric name each reports under (the `Rule` dimension of `AWS/WAFV2`), in priority order. */
export const WEB_ACL_RULES = {
  rateLimitPerIp: 'RateLimitPerIp',
  ipReputation: 'AmazonIpReputationList',
  commonRuleSet: 'CommonRuleSet',
} as const;

/** The window the per-IP limit counts over, in seconds (WAF's default; 60, 120, 300 or 600). */
export const RATE_LIMIT_WINDOW_SECONDS = 300;

/**
 * The core rule set's rules that inspect the body, set to count instead of block: a Slack interaction's payload is
 * often over 8 KB (SizeRestrictions_BODY), and a DM, a Slack field or an SMS can hold `../`, `<script>`, a URL or
 * 169.254.169.254 as typed text. Every such body is signed by its sender and checked before it is read, so a block
 * would only lose a real click or receipt. Headers, the path and the query (the email links' GETs) are still checked.
 */
export const COUNTED_BODY_RULES = [
  'SizeRestrictions_BODY',
  'CrossSiteScripting_BODY',
  'GenericLFI_BODY',
  'GenericRFI_BODY',
  'EC2MetaDataSSRF_BODY',
] as const;

const PERIOD = Duration.minutes(5);

/** Props of {@link ApiFirewall}. */
export interface ApiFirewallProps {
  /** The REST API whose deployment stage the web ACL protects. */
  readonly api: apigateway.RestApi;
  readonly settings: WebAclSettings;
  /** Whether to create CloudWatch alarms (the stage's `alarms` setting). @default true */
  readonly alarms?: boolean;
}

/** A WAFv2 web ACL associated with the API's stage, and an alarm per rule on the requests it blocks. */
export class ApiFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  /** The web ACL's name: the `WebACL` dimension of its metrics. */
  public readonly webAclName: string;
  /** One per rule; the stack sends them to the alarm topic. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.webAclName = `${stack.stackName}-public-api`;
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = (name: string, extra: Partial<wafv2.CfnWebACL.ManagedRuleGroupStatementProperty> = {}) => ({
      managedRuleGroupStatement: { vendorName: 'AWS', name, ...extra },
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      description:
        'Meeting-prep public API: rate limit per source IP, IP reputation list, core rule set with body rules counted',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(this.webAclName),
      rules: [
        {
          // First, so it counts every request of an IP, whatever a later rule does with it.
          name: WEB_ACL_RULES.rateLimitPerIp,
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: props.settings.rateLimitPerIp,
              aggregateKeyType: 'IP',
              evaluationWindowSec: RATE_LIMIT_WINDOW_SECONDS,
            },
          },
          // 429, not WAF's default 403: a client that honours it backs off.
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility(WEB_ACL_RULES.rateLimitPerIp),
        },
        {
          name: WEB_ACL_RULES.ipReputation,
          priority: 1,
          statement: managed('AWSManagedRulesAmazonIpReputationList'),
          overrideAction: { none: {} },
          visibilityConfig: visibility(WEB_ACL_RULES.ipReputation),
        },
        {
          name: WEB_ACL_RULES.commonRuleSet,
          priority: 2,
          statement: managed('AWSManagedRulesCommonRuleSet', {
            ruleActionOverrides: COUNTED_BODY_RULES.map((name) => ({ name, actionToUse: { count: {} } })),
          }),
          overrideAction: { none: {} },
          visibilityConfig: visibility(WEB_ACL_RULES.commonRuleSet),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    if (props.alarms === false) {
      this.alarms = [];
      return;
    }
    const threshold = props.settings.blockedRequestsAlarm;
    const alarm = (alarmId: string, rule: string, description: string) =>
      new cloudwatch.Alarm(this, alarmId, {
        metric: this.metricBlockedRequests(rule),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    const check =
      'The WAF console shows the sampled requests of the last 3 hours: a User-Agent of Slackbot or TwilioProxy means a real caller was blocked.';
    this.alarms = [
      alarm(
        'RateLimitedAlarm',
        WEB_ACL_RULES.rateLimitPerIp,
        `At least ${threshold} requests answered 429 within 5 minutes: a source IP sent over ${props.settings.rateLimitPerIp} requests in 5 minutes. A flood is being held off; if Slack or Twilio is the source, raise webAclRateLimitPerIp. ${check}`,
      ),
      alarm(
        'IpReputationBlockedAlarm',
        WEB_ACL_RULES.ipReputation,
        `At least ${threshold} requests from IPs on AWS's reputation list blocked within 5 minutes. ${check}`,
      ),
      alarm(
        'CommonRuleSetBlockedAlarm',
        WEB_ACL_RULES.commonRuleSet,
        `At least ${threshold} requests blocked by the core rule set within 5 minutes (bad user agents, paths or query strings; body rules only count). ${check}`,
      ),
    ];
  }

  /** The dashboard's graph of what each rule blocked. */
  dashboardWidget(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Web ACL: blocked requests, by rule',
      left: Object.values(WEB_ACL_RULES).map((rule) => this.metricBlockedRequests(rule).with({ label: rule })),
      width: 24,
    });
  }

  /** The requests one rule (its metric name, or `ALL`) blocked, summed over 5 minutes. */
  metricBlockedRequests(rule: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: this.webAclName, Region: Stack.of(this).region, Rule: rule },
      statistic: 'Sum',
      period: PERIOD,
    });
  }
}
