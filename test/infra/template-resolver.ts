/**
 * Turns a synthesized template's intrinsic functions into the concrete values CloudFormation would give them in
 * one fake account and region, so IAM documents can be evaluated as AWS evaluates the deployed ones. Physical
 * names are the logical ids (or the name the template sets); two references to one resource resolve alike.
 */
import { JsonObject, TemplateJson, asArray, asString, isObject } from './helpers';

/** The account the simulation deploys to. */
export const ACCOUNT = '111122223333';
/** Another account, for confused-deputy denials. */
export const FOREIGN_ACCOUNT = '444455556666';
/** The region the simulation deploys to. */
export const REGION = 'eu-west-1';
/** The partition. */
export const PARTITION = 'aws';

const arn = (service: string, resource: string, region = REGION, account = ACCOUNT) =>
  `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;

/** Resolves `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Select`, `Fn::Split` and pseudo parameters of one template. */
export class TemplateResolver {
  constructor(private readonly json: TemplateJson) {}

  /** The physical value of `Ref` on a logical id or pseudo parameter. */
  ref(id: string): string {
    switch (id) {
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Region':
        return REGION;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'MeetingPrepTest';
    }
    const resource = this.json.Resources[id];
    if (!resource) throw new Error(`Ref to ${id}, which is not in the template`);
    const name = this.physicalName(id);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
      case 'AWS::SNS::Topic':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::StepFunctions::StateMachine':
        return this.getAtt(id, 'Arn');
      default:
        return name;
    }
  }

  /** The physical value of `Fn::GetAtt`. */
  getAtt(id: string, attribute: string): string {
    const resource = this.json.Resources[id];
    if (!resource) throw new Error(`Fn::GetAtt on ${id}, which is not in the template`);
    const name = this.physicalName(id);
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role.Arn':
        return `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`;
      case 'AWS::Lambda::Function.Arn':
        return arn('lambda', `function:${name}`);
      case 'AWS::DynamoDB::Table.Arn':
        return arn('dynamodb', `table/${name}`);
      case 'AWS::KMS::Key.Arn':
        return arn('kms', `key/${name}`);
      case 'AWS::SQS::Queue.Arn':
        return arn('sqs', name);
      case 'AWS::SQS::Queue.QueueName':
        return name;
      case 'AWS::SNS::Topic.TopicArn':
      case 'AWS::SNS::Topic.Arn':
        return arn('sns', name);
      case 'AWS::SecretsManager::Secret.Arn':
      case 'AWS::SecretsManager::Secret.Id':
        return arn('secretsmanager', `secret:${name}-AbCdEf`);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return arn('states', `stateMachine:${name}`);
      case 'AWS::StepFunctions::StateMachine.Name':
        return name;
      case 'AWS::Scheduler::ScheduleGroup.Arn':
        return arn('scheduler', `schedule-group/${name}`);
      case 'AWS::Logs::LogGroup.Arn':
        return arn('logs', `log-group:${name}:*`);
      case 'AWS::Events::Rule.Arn':
        return arn('events', `rule/${name}`);
      case 'AWS::CloudWatch::Alarm.Arn':
        return arn('cloudwatch', `alarm:${name}`);
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return `${name}-root`;
      default:
        throw new Error(`the resolver does not know ${key} (add it to test/infra/template-resolver.ts)`);
    }
  }

  /** A resource's name: the name property the template sets, or its logical id. */
  private physicalName(id: string): string {
    const props = this.json.Resources[id]?.Properties ?? {};
    for (const key of [
      'RoleName',
      'FunctionName',
      'TableName',
      'QueueName',
      'TopicName',
      'LogGroupName',
      'StateMachineName',
      'Name',
    ]) {
      const value = props[key];
      if (value !== undefined) return this.resolveString(value);
    }
    return id;
  }

  /** Resolves any value, deeply. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!isObject(value)) return value;
    if ('Ref' in value) return this.ref(asString(value['Ref'], 'Ref'));
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = asArray(value['Fn::GetAtt'], 'Fn::GetAtt');
      return this.getAtt(asString(id, 'GetAtt id'), asString(attribute, 'GetAtt attribute'));
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = asArray(value['Fn::Join'], 'Fn::Join');
      return asArray(parts, 'Fn::Join parts')
        .map((p) => this.resolveString(p))
        .join(asString(separator, 'separator'));
    }
    if ('Fn::Split' in value) {
      const [separator, source] = asArray(value['Fn::Split'], 'Fn::Split');
      return this.resolveString(source).split(asString(separator, 'separator'));
    }
    if ('Fn::Select' in value) {
      const [index, list] = asArray(value['Fn::Select'], 'Fn::Select');
      return asArray(this.resolve(list), 'Fn::Select list')[Number(index)];
    }
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) out[key] = this.resolve(v);
    return out;
  }

  /** Resolves a value that must come out a string. */
  resolveString(value: unknown): string {
    return asString(this.resolve(value), `resolved ${JSON.stringify(value)}`);
  }
}
