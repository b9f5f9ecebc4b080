/**
 * The folder `npm start -- --data DIR` keeps the local system in: DynamoDB's tables (dynalite's files) and the
 * scheduler's pending reminders, guarded by a lock file naming the process that uses it, so a second instance is
 * told so instead of failing inside dynalite.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A start-up mistake the user can fix: shown as one line, without a stack trace. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** What was found in the folder. */
export type DataFolderState = 'new' | 'kept' | 'reset';

/** An open data folder, locked by this process until {@link DataFolder.release}. */
export interface DataFolder {
  readonly dir: string;
  /** `new`: nothing was there (seed it); `kept`: data of an earlier run; `reset`: emptied by `--reset`. */
  readonly state: DataFolderState;
  /** dynalite's folder. */
  readonly dynamoPath: string;
  /** The scheduler's schedules. */
  readonly schedulesFile: string;
  release(): void;
}

const DYNAMO = 'dynamodb';
const SCHEDULES = 'schedules.json';
const LOCK = 'npm-start.lock';
const OURS = new Set([DYNAMO, SCHEDULES, LOCK]);

/** Whether a process with this id is running (EPERM: it is, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(dir: string): string {
  const file = path.join(dir, LOCK);
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new StartupError(
        `The data folder ${dir} is in use by another npm start (PID ${owner}): stop it first, or use another --data folder.`,
      );
    }
    // Left by a run that was killed: nobody holds it.
    fs.rmSync(file, { force: true });
  }
}

/**
 * Opens (creating it if needed) and locks the data folder. A folder that holds files of something else is refused,
 * so `--data .` cannot scatter tables over a project. `reset` removes the kept data first.
 */
export function openDataFolder(dir: string, options: { reset?: boolean } = {}): DataFolder {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw new StartupError(`--data ${dir} is a file, not a folder.`);
  fs.mkdirSync(dir, { recursive: true });
  const foreign = fs.readdirSync(dir).filter((name) => !OURS.has(name));
  if (foreign.length > 0) {
    throw new StartupError(
      `--data ${dir} holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}): give a new or empty folder.`,
    );
  }
  const lock = takeLock(dir);
  const dynamoPath = path.join(dir, DYNAMO);
  const schedulesFile = path.join(dir, SCHEDULES);
  const hadData = fs.existsSync(dynamoPath);
  if (options.reset) {
    fs.rmSync(dynamoPath, { recursive: true, force: true });
    fs.rmSync(schedulesFile, { force: true });
  }
  return {
    dir,
    state: options.reset && hadData ? 'reset' : hadData && !options.reset ? 'kept' : 'new',
    dynamoPath,
    schedulesFile,
    release: () => {
      if (fs.existsSync(lock) && fs.readFileSync(lock, 'utf8').trim() === String(process.pid))
        fs.rmSync(lock, { force: true });
    },
  };
}
