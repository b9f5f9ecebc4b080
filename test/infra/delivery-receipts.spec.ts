/**
 * Delivery receipts: the SES configuration set and its EventBridge destination, the rule that feeds SES events to
 * their function, the `POST /twilio/status` route, the waiting tasks of the state machine, and the alarms.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { BuiltStack, buildStack, render, resourcesOfType, WITH_ALARMS_AND_KEYS } from './helpers';

let built: BuiltStack;

beforeAll(() => {
  // With dev's settings, plus the alarms and the tables' key that staging and prod have.
  built = buildStack({ context: WITH_ALARMS_AND_KEYS });
});

const receipts = () => {
  const r = built.stack.receipts;
  if (!r) throw new Error('the dev stack has no delivery receipts');
  return r;
};
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  built.stack.getLogicalId(construct.node.defaultChild as never);

describe('SES events', () => {
  it('sends deliveries, bounces and rejects of the prep emails configuration set to the default event bus', () => {
    built.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['delivery', 'bounce', 'reject']),
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      }),
    });
  });

  it('routes exactly those events of that configuration set to the SES events function, with a dead-letter queue', () => {
    const rules = resourcesOfType(built.json, 'AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties['EventPattern']).includes('aws.ses'),
    );
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0] as [string, { Properties: Record<string, unknown> }];
    const pattern = rule.Properties['EventPattern'] as Record<string, unknown>;
    expect(pattern['source']).toEqual(['aws.ses']);
    expect(pattern['detail-type']).toEqual(['Email Delivered', 'Email Bounced', 'Email Rejected']);
    expect(JSON.stringify(pattern['resources'])).toContain(`{"Ref":"${logicalId(receipts().configurationSet)}"}`);
    const targets = rule.Properties['Targets'] as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    expect(render(targets[0]?.['Arn'])).toBe(`\${${logicalId(receipts().sesEventsFunction.function)}.Arn}`);
    expect(targets[0]?.['DeadLetterConfig']).toEqual({ Arn: expect.anything() });
  });
});

describe('Twilio status callbacks', () => {
  it('are served at POST /twilio/status by the status function', () => {
    const methods = resourcesOfType(built.json, 'AWS::ApiGateway::Method').filter(([, m]) =>
      render((m.Properties['Integration'] as Record<string, unknown>)['Uri']).includes(
        logicalId(receipts().twilioStatusFunction.function),
      ),
    );
    expect(methods).toHaveLength(1);
    expect((methods[0] as [string, { Properties: Record<string, unknown> }])[1].Properties['HttpMethod']).toBe('POST');
    const paths = resourcesOfType(built.json, 'AWS::ApiGateway::Resource').map(([, r]) => r.Properties['PathPart']);
    expect(paths).toEqual(expect.arrayContaining(['twilio', 'status']));
  });

  it('tell NotifySms and the status function the same exact public URL, which is the stack output', () => {
    const env = (fn: { function: unknown }) =>
      render(
        (
          built.json.Resources[logicalId(fn as never)]?.Properties['Environment'] as {
            Variables: Record<string, unknown>;
          }
        ).Variables['TWILIO_STATUS_CALLBACK_URL'],
      );
    const sms = built.stack.workflow?.functions.notifySms;
    if (!sms) throw new Error('no NotifySms');
    const url = env(receipts().twilioStatusFunction.function as never);
    expect(url).toMatch(
      /^https:\/\/\$\{SlackBotApi[0-9A-F]+\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}\/dev\/twilio\/status$/,
    );
    expect(env(sms.function as never)).toBe(url);
    expect(render(built.template.findOutputs('TwilioStatusCallbackUrl')['TwilioStatusCallbackUrl']?.['Value'])).toBe(
      url,
    );
  });
});

describe('waiting tasks', () => {
  const states = (stack: BuiltStack = built) => {
    const [, machine] = resourcesOfType(stack.json, 'AWS::StepFunctions::StateMachine')[0] as [
      string,
      { Properties: Record<string, unknown> },
    ];
    const text = render(machine.Properties['DefinitionString']);
    return JSON.parse(text) as { TimeoutSeconds: number; States: Record<string, Record<string, unknown>> };
  };

  it('make NotifyViaSms and NotifyViaEmail wait for a task token, within a bounded time, and leave Slack a plain task', () => {
    const { States, TimeoutSeconds } = states();
    for (const [name, seconds] of [
      ['NotifyViaSms', 600],
      ['NotifyViaEmail', 900],
    ] as const) {
      expect(States[name]).toMatchObject({
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: seconds,
        Parameters: { Payload: { 'token.$': '$$.Task.Token' } },
      });
    }
    expect(States['NotifyViaSlack']?.['Resource']).toMatch(/^\$\{NotifySlackFunctionArn\}$|^arn:/);
    expect(TimeoutSeconds).toBeGreaterThanOrEqual(600 + 900);
  });

  it('wait as long as the stage file says (smsReceiptWaitSeconds, emailReceiptWaitSeconds), overridable with -c', () => {
    const overridden = buildStack({ context: { smsReceiptWaitSeconds: '120', emailReceiptWaitSeconds: '3600' } });

    const { States } = states(overridden);

    expect(States['NotifyViaSms']?.['TimeoutSeconds']).toBe(120);
    expect(States['NotifyViaEmail']?.['TimeoutSeconds']).toBe(3600);
  });

  it('record a missing receipt as unconfirmed, never retrying or falling back on it', () => {
    const { States } = states();
    for (const name of ['NotifyViaSms', 'NotifyViaEmail']) {
      const state = States[name] as {
        Retry: { ErrorEquals: string[] }[];
        Catch: { ErrorEquals: string[]; Next: string }[];
      };
      expect(state.Retry.flatMap((r) => r.ErrorEquals)).not.toContain('States.Timeout');
      expect(state.Catch[0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: 'RecordUnconfirmed' });
    }
  });
});

describe('alarms', () => {
  it('watch undelivered SMS, bounced email and unconfirmed deliveries, notifying the alarm topic', () => {
    for (const [metric, channel] of [
      ['UndeliveredReceipts', 'sms'],
      ['UndeliveredReceipts', 'email'],
      ['UnconfirmedDeliveries', undefined],
    ] as const) {
      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'ExecAssistant/MeetingPrep',
        Dimensions: Match.arrayEquals([
          ...(channel ? [{ Name: 'Channel', Value: channel }] : []),
          { Name: 'service', Value: 'meeting-prep' },
        ]),
        AlarmActions: Match.anyValue(),
      });
    }
  });
});
