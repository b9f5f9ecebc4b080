/**
 * `npm run bench` loads every function of the stack cold with the environment the stack gives it, in dummy values
 * (bench/bundles.ts). A variable a function reads at load that the bench leaves out makes the bench fail — it did,
 * twice, when functions gained variables — so the template is the reference here.
 */
import { lambdaEnvironment } from '../../bench/bundles';
import { buildStack } from './helpers';

/** Each variable the template sets on a Lambda function, with the functions that have it. */
function templateVariables(context: Record<string, unknown>): Map<string, string[]> {
  const { json } = buildStack({ context });
  const byName = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(json.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables =
      (resource.Properties?.['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const name of Object.keys(variables)) byName.set(name, [...(byName.get(name) ?? []), id]);
  }
  return byName;
}

describe("the bench's dummy Lambda environment", () => {
  it.each([
    ['the dev stack', {}],
    ['a stack with an SES sender', { sesFromEmail: 'prep@acme-exec.example' }],
  ])('names every variable the functions of %s are given', (_name, context) => {
    const dummy = lambdaEnvironment('--enable-source-maps');
    const missing = [...templateVariables(context)]
      .filter(([name]) => !(name in dummy))
      .map(([name, ids]) => `${name} (${ids.join(', ')})`);

    expect(missing).toEqual([]);
  });
});
