/**
 * The project's Node: the `node` devDependency (Node 24, the Lambda runtime's major) runs every npm script, npx
 * command and test, and every installed package accepts it. These checks tie together the places that name it, so
 * bumping one without the others fails here rather than on a newcomer's machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');

interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string };
}

function lockfile(relative: string): Record<string, LockEntry> {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, relative), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  return lock.packages;
}

const rootLock = lockfile('package-lock.json');
const localLock = lockfile('local/package-lock.json');
const projectNode = rootLock['node_modules/node']?.version ?? '';
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
  devDependencies: Record<string, string>;
};

/** Packages (as `name@version`) whose `engines.node` does not accept `version`. */
function refusing(packages: Record<string, LockEntry>, version: string): string[] {
  return Object.entries(packages)
    .filter(
      ([, entry]) =>
        entry.engines?.node !== undefined &&
        !semver.satisfies(version, entry.engines.node, { includePrerelease: true }),
    )
    .map(
      ([where, entry]) =>
        `${where.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} wants node ${entry.engines?.node}`,
    );
}

describe("the project's Node", () => {
  it('is a locked Node 24 whose install script npm runs (it downloads the binary)', () => {
    expect(semver.valid(projectNode)).toBe(projectNode);
    expect(semver.major(projectNode)).toBe(24);
    expect(packageJson.allowScripts.node).toBe(true);
  });

  it('runs these tests (npm scripts and npx put node_modules/.bin/node first on the PATH)', () => {
    expect(process.version).toBe(`v${projectNode}`);
  });

  it('is the major of the Lambda runtime and of CI', () => {
    const houseFunction = fs.readFileSync(path.join(ROOT, 'lib', 'constructs', 'house-function.ts'), 'utf8');
    expect(/runtime: lambda\.Runtime\.NODEJS_(\d+)_X/.exec(houseFunction)?.[1]).toBe(String(semver.major(projectNode)));
    const deploy = parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8')) as unknown;
    const versions = JSON.stringify(deploy).match(/"node-version":("?)[^,}]+\1/g) ?? [];
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(v).toBe(`"node-version":${semver.major(projectNode)}`);
  });

  it('is accepted by every package in both lockfiles', () => {
    expect(refusing(rootLock, projectNode)).toEqual([]);
    expect(refusing(localLock, projectNode)).toEqual([]);
  });

  it("is what checks the local runtime's packages: they are installed by npm running on it", () => {
    // aws-local-stepfunctions wants Node >= 22. npm checks engines against the Node running npm (npm 9 removed the
    // node-version setting), so it lives in local/package.json, which the root postinstall installs with the npm
    // of node_modules/.bin's Node.
    expect(refusing(localLock, '20.20.2')).toEqual([
      expect.stringMatching(/^aws-local-stepfunctions@3\.\d+\.\d+ wants node >=22/),
    ]);
    expect(packageJson.devDependencies['aws-local-stepfunctions']).toBeUndefined();
    expect(packageJson.scripts.postinstall).toBe('npm ci --prefix local --no-audit --no-fund');
    // The root's packages all accept the machines' Node 20, which runs `npm ci` itself.
    expect(refusing(rootLock, '20.20.2')).toEqual([]);
  });
});
