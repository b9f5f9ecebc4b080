/**
 * The stack as `cdk synth` builds it (esbuild bundling, aws-cdk-lib's built-in CloudFormation Validate): every Lambda
 * function has the house defaults (Node.js 24, arm64, X-Ray, handler `index.handler`) and deploys a bundle that
 * really exports the handler the stack names; the template has no validation finding. Results are keyed by each
 * function's source entry, so a failure names the function.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetManifestArtifact, CloudAssembly, VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import {
  BuiltStack,
  FUNCTION_KEYS,
  ResourceJson,
  asArray,
  asObject,
  asString,
  buildStack,
  environmentOf,
  everyFunction,
  functionLogicalId,
  isObject,
  lambdaFunctions,
  perFunction,
  removeTemporaryOutdir,
} from './helpers';

/** Bundling runs esbuild once per function (~10 s in all). */
const BUNDLING_TIMEOUT_MS = 120_000;

let built: BuiltStack;
let assembly: CloudAssembly;

beforeAll(() => {
  built = buildStack({ asDeployed: true });
  assembly = built.app.synth();
}, BUNDLING_TIMEOUT_MS);

afterAll(() => {
  if (built) removeTemporaryOutdir(built.app);
});

/**
 * The directory of the code asset a function deploys: its `Code.S3Key` names the asset's hash, which the stack's
 * asset manifest maps to a folder of the cloud assembly.
 */
function codeDirectoryOf(fn: ResourceJson): string {
  const s3Key = asString(asObject(fn.Properties['Code'], 'Code')['S3Key'], 'Code.S3Key');
  const hash = s3Key.replace(/\.zip$/, '');
  const stackArtifact = assembly.getStackArtifact(built.stack.artifactId);
  for (const manifest of stackArtifact.dependencies.filter(AssetManifestArtifact.isAssetManifestArtifact)) {
    const source = manifest.contents.files?.[hash]?.source;
    if (source?.path) return path.join(path.dirname(manifest.file), source.path);
  }
  throw new Error(`no file asset ${hash} in the asset manifests of ${stackArtifact.id}`);
}

/**
 * Loads a bundle the way Lambda does: with the function's environment (references to other resources replaced by
 * placeholders), since handlers read required variables at module load. Returns what the module exports, or the
 * error it threw while loading.
 */
function loadBundle(file: string, variables: Record<string, unknown>): unknown {
  const previous = new Map(Object.keys(variables).map((name) => [name, process.env[name]]));
  try {
    for (const [name, value] of Object.entries(variables)) {
      process.env[name] = typeof value === 'string' ? value : `test-${name.toLowerCase()}`;
    }
    const loaded: unknown = require(file);
    return loaded;
  } catch (error) {
    return error;
  } finally {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What the handler named by `Handler` is, in the bundle the function deploys (or why it could not be loaded). */
function deployedHandlerType(fn: ResourceJson): string {
  const [file, exportName] = asString(fn.Properties['Handler'], 'Handler').split('.') as [string, string];
  const bundle = path.join(codeDirectoryOf(fn), `${file}.js`);
  if (!fs.existsSync(bundle)) return `missing ${file}.js`;
  const loaded = loadBundle(bundle, environmentOf(fn));
  if (loaded instanceof Error) return `load error: ${loaded.message}`;
  return isObject(loaded) ? typeof loaded[exportName] : typeof loaded;
}

describe('every Lambda function', () => {
  it('includes each task of the prep workflow', () => {
    // Arrange
    const logicalIds = [...lambdaFunctions(built.json).values()].map((f) => f.logicalId);

    // Act
    const tasks = FUNCTION_KEYS.map((key) => functionLogicalId(built.stack, key));

    // Assert
    expect(logicalIds).toEqual(expect.arrayContaining(tasks));
  });

  it('runs Node.js 24 (nodejs24.x)', () => {
    // Arrange / Act
    const runtimes = perFunction(built.json, (fn) => fn.Properties['Runtime']);

    // Assert
    expect(runtimes).toEqual(everyFunction(built.json, 'nodejs24.x'));
  });

  it('runs on arm64', () => {
    // Arrange / Act
    const architectures = perFunction(built.json, (fn) => fn.Properties['Architectures']);

    // Assert
    expect(architectures).toEqual(everyFunction(built.json, ['arm64']));
  });

  it('has active X-Ray tracing', () => {
    // Arrange / Act
    const tracing = perFunction(built.json, (fn) => fn.Properties['TracingConfig']);

    // Assert
    expect(tracing).toEqual(everyFunction(built.json, { Mode: 'Active' }));
  });

  it('names the handler index.handler', () => {
    // Arrange / Act
    const handlers = perFunction(built.json, (fn) => fn.Properties['Handler']);

    // Assert
    expect(handlers).toEqual(everyFunction(built.json, 'index.handler'));
  });

  it('deploys a bundle whose index.js exports that handler as a function', () => {
    // Arrange
    const functions = lambdaFunctions(built.json);

    // Act
    const handlerTypes = perFunction(built.json, (fn) => deployedHandlerType(fn));

    // Assert
    expect(functions.size).toBeGreaterThanOrEqual(FUNCTION_KEYS.length);
    expect(handlerTypes).toEqual(everyFunction(built.json, 'function'));
  });
});

describe('the synthesized template', () => {
  it('has no CloudFormation Validate finding (aws-cdk-lib only warns about them by default)', () => {
    // Arrange
    const reportFile = path.join(assembly.directory, VALIDATION_REPORT_FILE);

    // Act
    const report = asObject(JSON.parse(fs.readFileSync(reportFile, 'utf8')), 'validation report');
    const findings = asArray(report['pluginReports'], 'pluginReports').flatMap((r) => {
      const pluginReport = asObject(r, 'plugin report');
      return asArray(pluginReport['violations'] ?? [], 'violations').map((v) => ({
        plugin: pluginReport['pluginName'],
        violation: v,
      }));
    });

    // Assert
    expect(findings).toEqual([]);
  });
});
