/**
 * The transitions a notification is billed for, walked on the ASL file as deployed with the committed channel order,
 * and held to what the README, docs/ARCHITECTURE.md and docs/DEPLOY.md's cost table say: a change to the definition
 * that makes the common paths longer (or shorter) fails here until the documents say so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AGENTS_CONFIG_PATH, readNotificationChannels } from '../../lib/agents-config';
import { AslDefinition, keepDeployedChannels, readPrepDefinition } from '../../lib/prep-definition';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Rule {
  readonly Variable?: string;
  readonly StringEquals?: string;
  readonly IsPresent?: boolean;
  readonly Next: string;
}

/**
 * The states an execution enters when every Task succeeds and each Choice takes the rule `choose` picks (in rule
 * order; the Default when it picks none), from StartAt to the end.
 */
function walk(definition: AslDefinition, choose: (rule: Rule) => boolean): string[] {
  const entered: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name && entered.length < 50) {
    entered.push(name);
    const state: AslDefinition['States'][string] | undefined = definition.States[name];
    if (!state) throw new Error(`no state ${name}`);
    if (state.Type === 'Choice') {
      const rules = (state.Choices ?? []) as unknown as Rule[];
      name = rules.find(choose)?.Next ?? (state['Default'] as string | undefined);
    } else {
      name = state['End'] === true ? undefined : state.Next;
    }
  }
  return entered;
}

const problems: string[] = [];
const committedOrder = readNotificationChannels(fs.readFileSync(AGENTS_CONFIG_PATH, 'utf8'), problems);
const deployed = keepDeployedChannels(readPrepDefinition(), committedOrder);
const slackDelivers = walk(deployed, (r) => r.Variable === '$.prep.route.next' && r.StringEquals === 'slack');
const skipped = walk(deployed, (r) => r.Variable === '$.prep.skip_reason');

describe('the billed transitions of a notification', () => {
  it('walks the Slack-delivered path and the skipped path on the definition', () => {
    expect(problems).toEqual([]);
    expect(committedOrder[0]).toBe('slack');
    expect(slackDelivers).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(skipped).toEqual(['LoadMeeting', 'PickChannel', 'NotificationSkipped']);
  });

  it("is what docs/DEPLOY.md's cost of one Slack-delivered notification counts", () => {
    const bullet = /^- (\d+) state transitions \(([^)]*\([^)]*\)[^)]*|[^)]*)\);/m.exec(read('docs/DEPLOY.md'));

    expect(Number(bullet?.[1])).toBe(slackDelivers.length);
    for (const state of slackDelivers) expect(bullet?.[2]).toContain(`\`${state}\``);
  });

  it('is what the README says a Slack-delivered notification costs', () => {
    expect(Number(/\*\*(\d+) billed state transitions\*\*/.exec(read('README.md'))?.[1])).toBe(slackDelivers.length);
  });

  it('is what docs/ARCHITECTURE.md lists, for both paths', () => {
    const doc = read('docs/ARCHITECTURE.md');

    expect(Number(/\*\*(\d+) state transitions\*\*/.exec(doc)?.[1])).toBe(slackDelivers.length);
    expect(doc).toContain(`- **${slackDelivers.length}**, Slack delivers: ${slackDelivers.join(', ')};`);
    expect(doc.replace(/\n\s+/g, ' ')).toContain(
      `- **${skipped.length}**, nothing to send (a skip rule, or a duplicate event that lost the claim): ${skipped.join(', ')};`,
    );
  });
});
