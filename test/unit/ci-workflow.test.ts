/**
 * Lints .github/workflows/deploy.yml: valid YAML with the triggers, jobs and gates the deploy process relies on,
 * AWS access through OIDC only, and every command it runs backed by package.json (a script, or a dev dependency's
 * binary), so a renamed script breaks this test rather than the next deploy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { stackNameOf } from '../../scripts/slack-manifest';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const WORKFLOW_PATH = path.join(PROJECT_ROOT, '.github', 'workflows', 'deploy.yml');

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown, what: string): Json {
  if (!isObject(value)) throw new Error(`expected ${what} to be a mapping, got ${JSON.stringify(value)}`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected ${what} to be a list, got ${JSON.stringify(value)}`);
  return value;
}

/** One step of a job. */
interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with: Json;
  readonly env: Json;
}

/** One job, the parts this lint reads. */
interface Job {
  readonly id: string;
  readonly raw: Json;
  readonly steps: readonly Step[];
}

/** package.json, the parts this lint reads. */
interface PackageJson {
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

function readPackageJson(): PackageJson {
  const raw = obj(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')), 'package.json');
  const strings = (key: string) =>
    Object.fromEntries(Object.entries(obj(raw[key] ?? {}, key)).map(([k, v]) => [k, String(v)]));
  return {
    scripts: strings('scripts'),
    dependencies: strings('dependencies'),
    devDependencies: strings('devDependencies'),
  };
}

function stepsOf(job: Json, jobId: string): Step[] {
  return list(job['steps'], `${jobId}.steps`).map((raw, i) => {
    const step = obj(raw, `${jobId}.steps[${i}]`);
    return {
      ...(typeof step['uses'] === 'string' ? { uses: step['uses'] } : {}),
      ...(typeof step['run'] === 'string' ? { run: step['run'] } : {}),
      with: step['with'] === undefined ? {} : obj(step['with'], `${jobId}.steps[${i}].with`),
      env: step['env'] === undefined ? {} : obj(step['env'], `${jobId}.steps[${i}].env`),
    };
  });
}

/** Binaries installed by the project's dependencies (bin name → package), from node_modules. */
function installedBinaries(pkg: PackageJson): Map<string, string> {
  const bins = new Map<string, string>();
  for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
    const manifestPath = path.join(PROJECT_ROOT, 'node_modules', name, 'package.json');
    if (!fs.existsSync(manifestPath)) continue;
    const bin: unknown = obj(JSON.parse(fs.readFileSync(manifestPath, 'utf8')), manifestPath)['bin'];
    if (typeof bin === 'string') bins.set(name.replace(/^@[^/]+\//, ''), name);
    else if (isObject(bin)) for (const binName of Object.keys(bin)) bins.set(binName, name);
  }
  return bins;
}

/** The shell commands of a `run:` block: lines (backslash continuations joined) split on `&&`, `||`, `;` and `|`. */
function shellCommands(run: string): string[] {
  return run
    .replace(/\\\n/g, ' ')
    .split('\n')
    .flatMap((line) => line.split(/&&|\|\||;|\|/))
    .map((command) => command.trim())
    .filter((command) => command !== '' && !command.startsWith('#'));
}

/** npm subcommands that need no script. */
const NPM_BUILTINS = new Set(['ci']);
/** npm subcommands that run the script of the same name. */
const NPM_SCRIPT_ALIASES: Readonly<Record<string, string>> = { test: 'test', t: 'test', start: 'start' };

/**
 * Problems with the npm / npx commands of one `run:` block: `npm run X` and `npm test` need the script, `npm ci` is
 * allowed, other npm subcommands (install, exec…) are not; `npx X` must be a binary of an installed dependency (no
 * download from the registry at deploy time).
 */
function commandProblems(run: string, pkg: PackageJson, binaries: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const command of shellCommands(run)) {
    const [tool, sub, arg] = command.split(/\s+/);
    if (tool === 'npm') {
      if (sub === 'run' || sub === 'run-script') {
        if (!arg || !(arg in pkg.scripts))
          problems.push(`${command}: no script ${JSON.stringify(arg ?? '')} in package.json`);
      } else if (sub !== undefined && sub in NPM_SCRIPT_ALIASES) {
        const script = NPM_SCRIPT_ALIASES[sub] as string;
        if (!(script in pkg.scripts)) problems.push(`${command}: no script ${script} in package.json`);
      } else if (sub === undefined || !NPM_BUILTINS.has(sub)) {
        problems.push(`${command}: npm ${sub ?? ''} is not allowed here (npm ci, npm test, npm run <script>)`);
      }
    } else if (tool === 'npx') {
      if (sub === undefined || sub.startsWith('-'))
        problems.push(`${command}: npx must name an installed binary, with no options`);
      else if (!binaries.has(sub))
        problems.push(`${command}: ${sub} is not a binary of any dependency in package.json`);
    }
  }
  return problems;
}

const pkg = readPackageJson();
const binaries = installedBinaries(pkg);
const workflowText = fs.readFileSync(WORKFLOW_PATH, 'utf8');
const document = parseDocument(workflowText, { prettyErrors: true, strict: true, uniqueKeys: true });
const workflow = obj(document.toJS(), 'the workflow');
const jobs: Job[] = Object.entries(obj(workflow['jobs'], 'jobs')).map(([id, raw]) => {
  const job = obj(raw, id);
  return { id, raw: job, steps: stepsOf(job, id) };
});

function job(id: string): Job {
  const found = jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id} in the workflow (jobs: ${jobs.map((j) => j.id).join(', ')})`);
  return found;
}

const assumesAwsRole = (j: Job) =>
  j.steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@') === true);
const runs = (j: Job) => j.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
const cdkCommands = (j: Job) =>
  runs(j)
    .flatMap(shellCommands)
    .filter((c) => c.startsWith('npx cdk '));

describe('the deploy workflow file', () => {
  it('is valid YAML without duplicate keys or warnings', () => {
    expect([...document.errors, ...document.warnings].map((e) => e.message)).toEqual([]);
  });

  it('runs on pull requests and on pushes to main', () => {
    const on = obj(workflow['on'], 'on');

    expect('pull_request' in on).toBe(true);
    expect(obj(on['push'], 'on.push')['branches']).toEqual(['main']);
  });

  it('has the jobs test, diff, deploy-dev and deploy-prod, each with runs-on', () => {
    expect(jobs.map((j) => [j.id, typeof j.raw['runs-on']])).toEqual([
      ['test', 'string'],
      ['diff', 'string'],
      ['deploy-dev', 'string'],
      ['deploy-prod', 'string'],
    ]);
  });

  it('sets CDK_HOME inside the workspace, and git ignores it', () => {
    expect(obj(workflow['env'], 'env')['CDK_HOME']).toBe('${{ github.workspace }}/.cdk-home');
    expect(fs.readFileSync(path.join(PROJECT_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.cdk-home/');
  });

  it('pins every action to a major version', () => {
    const uses = jobs.flatMap((j) => j.steps.flatMap((s) => (s.uses === undefined ? [] : [s.uses])));

    expect(uses.filter((u) => !/^[\w.-]+\/[\w.-]+@v\d+$/.test(u))).toEqual([]);
  });

  it('sets up Node 24 with the npm cache in every job, before npm ci', () => {
    const setups = jobs.map((j) => {
      const index = j.steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@'));
      const step = j.steps[index];
      return [
        j.id,
        step?.with['node-version'],
        step?.with['cache'],
        index < j.steps.findIndex((s) => s.run === 'npm ci'),
      ];
    });

    expect(setups).toEqual(jobs.map((j) => [j.id, 24, 'npm', true]));
  });

  it('tests and synthesizes in the test job', () => {
    expect(runs(job('test'))).toEqual(['npm ci', 'npm test', 'npx cdk synth -c stage=dev --quiet']);
  });
});

describe('AWS access', () => {
  it('uses no stored credentials: no secrets at all, no access-key inputs or variables', () => {
    const keyInputs = jobs.flatMap((j) =>
      j.steps.flatMap((s) =>
        Object.keys(s.with).filter((k) => /^aws-(access-key-id|secret-access-key|session-token)$/.test(k)),
      ),
    );

    expect(keyInputs).toEqual([]);
    expect(workflowText).not.toMatch(/secrets\./);
    expect(workflowText).not.toMatch(/AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)/);
  });

  it('assumes a role by OIDC, from a repository variable, in exactly the diff and deploy jobs', () => {
    const assumed = jobs.filter(assumesAwsRole).map((j) => {
      const step = j.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      return [j.id, step?.with['role-to-assume'], step?.with['aws-region']];
    });

    expect(assumed).toEqual([
      ['diff', '${{ vars.AWS_DIFF_ROLE_ARN }}', '${{ vars.AWS_REGION }}'],
      ['deploy-dev', '${{ vars.AWS_DEPLOY_ROLE_ARN }}', '${{ vars.AWS_REGION }}'],
      ['deploy-prod', '${{ vars.AWS_DEPLOY_ROLE_ARN }}', '${{ vars.AWS_REGION }}'],
    ]);
  });

  it('grants id-token: write to the jobs that assume a role, and to no other', () => {
    const idToken = (j: Job) => (isObject(j.raw['permissions']) ? j.raw['permissions']['id-token'] : undefined);

    expect(jobs.map((j) => [j.id, idToken(j)])).toEqual(
      jobs.map((j) => [j.id, assumesAwsRole(j) ? 'write' : undefined]),
    );
    expect(jobs.filter(assumesAwsRole).map((j) => j.raw['permissions'])).toEqual(
      jobs.filter(assumesAwsRole).map(() => ({ 'id-token': 'write', contents: 'read' })),
    );
    expect(workflow['permissions']).toEqual({ contents: 'read' });
  });
});

describe('gates', () => {
  it('diffs only pull requests from this repository, against dev, without an environment (OIDC subject pull_request)', () => {
    const diff = job('diff');

    expect([diff.raw['needs'], diff.raw['environment'], diff.raw['if']]).toEqual([
      'test',
      undefined,
      "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
    ]);
    expect(cdkCommands(diff)).toEqual([`npx cdk diff ${stackNameOf('dev')} -c stage=dev --method template`]);
  });

  it('deploys dev on pushes to main after the tests, in the dev environment', () => {
    const dev = job('deploy-dev');

    expect([dev.raw['needs'], dev.raw['environment'], dev.raw['if']]).toEqual([
      'test',
      'dev',
      "github.event_name == 'push' && github.ref == 'refs/heads/main'",
    ]);
  });

  it('deploys prod only after dev, in the prod environment (its required reviewers are the approval gate)', () => {
    const prod = job('deploy-prod');

    expect([prod.raw['needs'], prod.raw['environment']]).toEqual(['deploy-dev', 'prod']);
  });

  it('runs one deployment per environment at a time and never cancels one', () => {
    const concurrency = ['deploy-dev', 'deploy-prod'].map((id) => job(id).raw['concurrency']);

    expect(concurrency).toEqual([
      { group: 'deploy-dev', 'cancel-in-progress': false },
      { group: 'deploy-prod', 'cancel-in-progress': false },
    ]);
  });

  it('deploys, in each deploy job, exactly the stack of its environment’s stage, with outputs for the Slack manifest', () => {
    const deploys = ['dev', 'prod'].map((stage) => cdkCommands(job(`deploy-${stage}`)));

    expect(deploys).toEqual([
      [`npx cdk deploy ${stackNameOf('dev')} -c stage=dev --require-approval never --outputs-file cdk-outputs.json`],
      [`npx cdk deploy ${stackNameOf('prod')} -c stage=prod --require-approval never --outputs-file cdk-outputs.json`],
    ]);
  });

  it('turns each deployment’s outputs into a Slack manifest artifact, and still succeeds when the bot is rolled back', () => {
    const manifests = ['dev', 'prod'].map((stage) => {
      const steps = job(`deploy-${stage}`).steps;
      const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
      return [
        runs(job(`deploy-${stage}`)).find((r) => r.includes('slack-manifest')),
        upload?.with['name'],
        upload?.with['path'],
        upload?.with['if-no-files-found'],
      ];
    });

    expect(manifests).toEqual([
      [
        'npm run slack-manifest -- --outputs cdk-outputs.json --stage dev --out slack-manifest.json --allow-no-bot',
        'slack-manifest-dev',
        'slack-manifest.json',
        'warn',
      ],
      [
        'npm run slack-manifest -- --outputs cdk-outputs.json --stage prod --out slack-manifest.json --allow-no-bot',
        'slack-manifest-prod',
        'slack-manifest.json',
        'warn',
      ],
    ]);
  });
});

describe('the deployment guide', () => {
  it('documents every repository or environment variable the workflow reads', () => {
    const guide = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'DEPLOY.md'), 'utf8');
    const variables = [
      ...new Set([...workflowText.matchAll(/\$\{\{\s*vars\.([A-Z0-9_]+)\s*\}\}/g)].map((m) => m[1] as string)),
    ].sort();

    expect(variables).toEqual(['AWS_DEPLOY_ROLE_ARN', 'AWS_DIFF_ROLE_ARN', 'AWS_REGION']);
    expect(variables.filter((name) => !guide.includes(`gh variable set ${name} `))).toEqual([]);
  });
});

describe('commands', () => {
  it('runs only npm scripts that exist in package.json, npm ci, and binaries of installed dependencies', () => {
    const problems = jobs.flatMap((j) =>
      runs(j).flatMap((run) => commandProblems(run, pkg, binaries).map((p) => `${j.id}: ${p}`)),
    );

    expect(problems).toEqual([]);
  });

  it('gets `npx cdk` from the aws-cdk dev dependency, not from the registry at run time', () => {
    expect([binaries.get('cdk'), 'aws-cdk' in pkg.devDependencies]).toEqual(['aws-cdk', true]);
  });

  it('reports what is wrong in a bad run block (the lint is not vacuous)', () => {
    const run =
      'npm ci && npm run no-such-script\nnpm install left-pad; npx --yes cowsay hi | tee out\nnpx no-such-bin\nnpm test';

    expect(commandProblems(run, pkg, binaries)).toEqual([
      'npm run no-such-script: no script "no-such-script" in package.json',
      'npm install left-pad: npm install is not allowed here (npm ci, npm test, npm run <script>)',
      'npx --yes cowsay hi: npx must name an installed binary, with no options',
      'npx no-such-bin: no-such-bin is not a binary of any dependency in package.json',
    ]);
  });

  it('splits run blocks on lines, continuations and shell operators', () => {
    expect(shellCommands('npm ci && npm test\n# a comment\nnpx cdk deploy \\\n  --all || exit 1')).toEqual([
      'npm ci',
      'npm test',
      'npx cdk deploy    --all',
      'exit 1',
    ]);
  });
});
