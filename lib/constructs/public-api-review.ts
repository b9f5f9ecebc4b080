/**
 * The security review's (cdk-nag's) acknowledgements of the public REST API, one place for all seven routes and their
 * three kinds of caller (Slack, Twilio, a person following an email link), whichever construct added the route.
 */
import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/**
 * Acknowledges what the API does not do, and why. `hasWebAcl`: whether the stage has its AWS WAF web ACL
 * (`webAcl: true`); where it has one, AwsSolutions-APIG3 is satisfied, not acknowledged.
 */
export function acknowledgePublicApi(api: apigateway.RestApi, hasWebAcl: boolean): void {
  Validations.of(api).acknowledge(
    {
      id: 'AwsSolutions-APIG2',
      reason:
        "The callers send bodies of many shapes (Slack's form and JSON payloads, Twilio's form posts, an email link's token); each function checks the request's signature before reading it and answers 4xx itself.",
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'No caller can present IAM, Cognito or a custom token: Slack signs with its v0 HMAC (signing secret), Twilio with X-Twilio-Signature (auth token), an email link carries an HMAC-signed token; each is verified before anything else.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason:
        'The callers are Slack, Twilio and email recipients following a signed link, not users of a Cognito pool; see the signature checks (AwsSolutions-APIG4).',
    },
  );
  if (hasWebAcl) return;
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      "This stage runs without a web ACL (webAcl: false), to keep it cheap (a web ACL with its rules is about $8 a month plus $0.60 per million requests); the stages that set it true (staging and prod as committed) have one. Each of the API's public methods has its own throttle (routeThrottles), so a flood on one route cannot spend another's budget, and each checks its caller's signature before any work.",
  });
}
