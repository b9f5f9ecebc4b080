/**
 * The prep state machine: a Standard, traced, logged execution of the committed ASL file, with its channel states
 * in the order config/agents.yaml gives.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { CLOCK_OFFSET_ENV } from '../../lambda/shared/time';
import { keepDeployedChannels, readPrepDefinition } from '../../lib/prep-definition';
import {
  AGENTS_PATH,
  AslDocument,
  AslState,
  BuiltStack,
  FunctionKey,
  SynthesizedStateMachine,
  asArray,
  asObject,
  asString,
  buildStack,
  environmentOf,
  functionLogicalId,
  taskFunctionPlaceholder,
  readAslFile,
  resource,
  stateMachineOf,
  substitutedFunction,
  thrownBy,
  transitionsOf,
} from './helpers';

/** Channel → state, as the ASL names them (state names read as a sentence). */
const CHANNEL_STATE: Readonly<Record<string, string>> = {
  slack: 'NotifyViaSlack',
  sms: 'NotifyViaSms',
  email: 'NotifyViaEmail',
};
const CHANNEL_STATES = Object.values(CHANNEL_STATE);

/** The channel order config/agents.yaml lists, read independently of lib/config.ts. */
function committedChannelOrder(): string[] {
  const doc = asObject(parse(fs.readFileSync(AGENTS_PATH, 'utf8')), 'agents.yaml');
  const coordinator = asObject(doc['meeting_coordinator'], 'meeting_coordinator');
  return asArray(coordinator['notification_channels'], 'notification_channels').map((c) => asString(c, 'channel'));
}

/** PickChannel without its rules for the given states (the channels the stack did not deploy). */
function unwired(name: string, state: AslState, removed: readonly string[]): AslState {
  if (name !== 'PickChannel') return state;
  const rules = asArray(state['Choices'], 'Choices').map((rule) => asObject(rule, 'rule'));
  return {
    ...state,
    Choices: rules.filter(
      (rule) => !removed.includes(asString(rule['Next'], 'Next')),
    ) as unknown as AslState['Choices'],
  };
}

/** The document's `keepStates`, PickChannel reaching only those: the only part the stack may change. */
function withoutChannelWiring(doc: AslDocument, keepStates: readonly string[]): AslDocument {
  const states = Object.entries(doc.States)
    .filter(([name]) => keepStates.includes(name))
    .map(([name, state]) => [
      name,
      unwired(
        name,
        state,
        CHANNEL_STATES.filter((c) => !keepStates.includes(c)),
      ),
    ]);
  return { ...doc, States: Object.fromEntries(states) };
}

/** The task function each Task state must invoke. */
const TASK_FUNCTIONS: Readonly<Record<string, FunctionKey>> = {
  LoadMeeting: 'loadMeeting',
  RouteNextChannel: 'routeNextChannel',
  CheckStillDue: 'checkStillDue',
  NotifyViaSlack: 'notifySlack',
  NotifyViaSms: 'notifySms',
  NotifyViaEmail: 'notifyEmail',
  RecordDelivery: 'recordOutcome',
  RecordUnconfirmed: 'recordOutcome',
  RecordUnverified: 'recordOutcome',
  RecordAllChannelsFailed: 'recordOutcome',
};

describe('prep state machine (committed agents.yaml)', () => {
  let built: BuiltStack;
  let machine: SynthesizedStateMachine;

  beforeAll(() => {
    built = buildStack();
    machine = stateMachineOf(built.json);
  });

  it('is a Standard workflow', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  it('has X-Ray tracing enabled', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true } });
  });

  it('logs every execution event (level ALL) to a CloudWatch log group', () => {
    // Arrange
    const logging = asObject(machine.properties['LoggingConfiguration'], 'LoggingConfiguration');

    // Act
    const destinations = asArray(logging['Destinations'], 'Destinations');
    const logGroupArn = asObject(
      asObject(asObject(destinations[0], 'destination')['CloudWatchLogsLogGroup'], 'CloudWatchLogsLogGroup')[
        'LogGroupArn'
      ],
      'LogGroupArn',
    );
    const [logGroupId] = asArray(logGroupArn['Fn::GetAtt'], 'LogGroupArn GetAtt');

    // Assert
    expect(logging['Level']).toBe('ALL');
    expect(destinations).toHaveLength(1);
    expect(resource(built.json, asString(logGroupId, 'log group id')).Type).toBe('AWS::Logs::LogGroup');
  });

  it('is the committed ASL file, apart from the channel wiring', () => {
    // Arrange
    const file = readAslFile();
    const allStates = Object.keys(file.States);

    // Act
    const deployed = withoutChannelWiring(machine.definition, allStates);

    // Assert
    expect(deployed).toEqual(withoutChannelWiring(file, allStates));
  });

  it("gives the routing tasks config/agents.yaml's channel order (the users' default) and the minimum lead", () => {
    // Arrange
    const keys: FunctionKey[] = ['loadMeeting', 'routeNextChannel', 'checkStillDue'];

    // Act
    const environments = keys.map((key) => environmentOf(resource(built.json, functionLogicalId(built.stack, key))));

    // Assert
    for (const env of environments) {
      expect(env).toMatchObject({
        NOTIFICATION_CHANNELS: committedChannelOrder().join(','),
        MINIMUM_LEAD_MINUTES: '120',
      });
    }
  });

  it('leaves every deployed function on real time: none sets the local clock offset', () => {
    // Arrange
    const functions = Object.values(built.json.Resources ?? {}).filter(
      (r) => (r as { Type?: string }).Type === 'AWS::Lambda::Function',
    );

    // Act
    const shifted = functions.filter(
      (fn) => CLOCK_OFFSET_ENV in environmentOf(fn as Parameters<typeof environmentOf>[0]),
    );

    // Assert
    expect(functions.length).toBeGreaterThan(8);
    expect(shifted).toEqual([]);
  });

  it('routes every channel through PickChannel: the claim, each failed channel (RouteNextChannel) and the end of a wait (CheckStillDue)', () => {
    // Arrange
    const states = machine.definition.States;

    // Act
    const catchAll = CHANNEL_STATES.map(
      (name) => states[name]?.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next,
    );

    // Assert
    expect(states['LoadMeeting']?.Next).toBe('PickChannel');
    expect(catchAll).toEqual(CHANNEL_STATES.map(() => 'RouteNextChannel'));
    expect(states['RouteNextChannel']?.Next).toBe('PickChannel');
    expect(states['WaitForQuietHours']).toMatchObject({
      Type: 'Wait',
      TimestampPath: '$.prep.route.hold.until',
      Next: 'CheckStillDue',
    });
    expect(states['CheckStillDue']).toMatchObject({ ResultPath: '$.prep.route', Next: 'PickChannel' });
    expect(states['PickChannel']).toMatchObject({ Type: 'Choice', Default: 'RecordAllChannelsFailed' });
  });

  it('moves on from a channel whose outcome cannot be verified, and ends unconfirmed when none is left after one', () => {
    const states = machine.definition.States as Record<string, Record<string, unknown>>;
    for (const name of Object.keys(states).filter((s) => s.startsWith('NotifyVia'))) {
      expect(states[name]?.['Catch']).toContainEqual({
        ErrorEquals: ['ChannelOutcomeUnknown'],
        ResultPath: '$.unconfirmed',
        Next: 'RecordUnverified',
      });
    }
    expect(states['RecordUnverified']).toMatchObject({
      Type: 'Task',
      Parameters: { outcome: 'unverified', 'prep.$': '$.prep' },
      ResultPath: '$.prep.route',
      Next: 'PickChannel',
    });
    const choices = (states['PickChannel']?.['Choices'] ?? []) as { Variable?: string; Next: string }[];
    const unverifiedRule = choices.findIndex((c) => c.Variable === '$.prep.route.unverified');
    expect(choices[unverifiedRule]).toEqual({
      Variable: '$.prep.route.unverified',
      IsPresent: true,
      Next: 'RecordUnconfirmed',
    });
    // After every channel rule: a channel still left is tried first.
    expect(choices.slice(unverifiedRule).some((c) => c.Next.startsWith('NotifyVia'))).toBe(false);
  });

  it('substitutes every ${…} placeholder with the ARN of a Lambda function of the stack', () => {
    // Arrange
    const placeholders = [...machine.definitionString.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);

    // Act
    const targets = placeholders.map((p) => resource(built.json, substitutedFunction(machine, p)).Type);

    // Assert
    expect(placeholders.length).toBeGreaterThan(0);
    expect(new Set(targets)).toEqual(new Set(['AWS::Lambda::Function']));
  });

  it('has each Task state invoke its own function', () => {
    // Arrange
    const expected = Object.fromEntries(
      Object.entries(TASK_FUNCTIONS).map(([state, key]) => [state, functionLogicalId(built.stack, key)]),
    );

    // Act
    const actual = Object.fromEntries(
      Object.entries(machine.definition.States)
        .filter(([, state]) => state.Type === 'Task')
        .map(([name, state]) => [
          name,
          substitutedFunction(machine, taskFunctionPlaceholder(state) ?? `literal ${state.Resource}`),
        ]),
    );

    // Assert
    expect(actual).toEqual(expected);
  });
});

describe('prep state machine with notification_channels [email, slack]', () => {
  let machine: SynthesizedStateMachine;

  beforeAll(() => {
    machine = stateMachineOf(
      buildStack({ agentsYaml: 'meeting_coordinator:\n  notification_channels: [email, slack]\n' }).json,
    );
  });

  it('is the committed ASL file without the SMS state, apart from the channel wiring', () => {
    // Arrange
    const file = readAslFile();
    const expectedStates = Object.keys(file.States).filter((name) => name !== 'NotifyViaSms');

    // Act
    const deployed = withoutChannelWiring(machine.definition, Object.keys(machine.definition.States));

    // Assert
    expect(deployed).toEqual(withoutChannelWiring(file, expectedStates));
  });

  it('has no SMS state', () => {
    // Arrange / Act
    const states = Object.keys(machine.definition.States);

    // Assert
    expect(states).not.toContain('NotifyViaSms');
  });

  it('has PickChannel route to NotifyViaSlack and NotifyViaEmail only', () => {
    // Arrange
    const rules = asArray(machine.definition.States['PickChannel']?.['Choices'], 'Choices').map((rule) =>
      asObject(rule, 'rule'),
    );

    // Act
    const channelTargets = rules
      .map((rule) => asString(rule['Next'], 'Next'))
      .filter((next) => CHANNEL_STATES.includes(next));

    // Assert
    expect(channelTargets).toEqual(['NotifyViaSlack', 'NotifyViaEmail']);
  });

  it('still records a delivery from each channel that succeeds', () => {
    // Arrange / Act
    const nexts = ['NotifyViaEmail', 'NotifyViaSlack'].map((name) => machine.definition.States[name]?.Next);

    // Assert
    expect(nexts).toEqual(['RecordDelivery', 'RecordDelivery']);
  });

  it('leaves no transition to a missing state and no unreachable state', () => {
    // Arrange
    const { States: states, StartAt: start } = machine.definition;

    // Act
    const dangling = Object.entries(states).flatMap(([name, state]) =>
      transitionsOf(state)
        .filter((target) => !(target in states))
        .map((target) => `${name} → ${target}`),
    );
    const reached = new Set<string>([start]);
    const queue = [start];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      for (const target of transitionsOf(states[name] as AslState)) {
        if (!reached.has(target) && target in states) {
          reached.add(target);
          queue.push(target);
        }
      }
    }

    // Assert
    expect(dangling).toEqual([]);
    expect(Object.keys(states).filter((name) => !reached.has(name))).toEqual([]);
  });
});

describe('keepDeployedChannels', () => {
  it('throws when no channel is given', () => {
    // Arrange
    const definition = readPrepDefinition();

    // Act
    const error = thrownBy(() => keepDeployedChannels(definition, []));

    // Assert
    expect(error.message).toMatch(/at least one notification channel/);
  });
});
