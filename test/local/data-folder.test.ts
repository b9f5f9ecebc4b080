/**
 * The `--data` folder: new, kept or reset; locked by the process using it, so a second instance is told who has it;
 * a stale lock (its process gone) is taken over; a folder of something else is refused.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StartupError, openDataFolder } from '../../local/data-folder';

let dir: string;
beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'i11-data-')), 'data');
});
afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('openDataFolder', () => {
  it('creates a new folder and says it is new; after a run that wrote data, says it is kept', () => {
    const first = openDataFolder(dir);
    fs.mkdirSync(first.dynamoPath);
    first.release();

    const second = openDataFolder(dir);
    second.release();

    expect([first.state, second.state]).toEqual(['new', 'kept']);
  });

  it('empties the data on reset, and says so', () => {
    const first = openDataFolder(dir);
    fs.mkdirSync(first.dynamoPath);
    fs.writeFileSync(first.schedulesFile, '{}');
    first.release();

    const reset = openDataFolder(dir, { reset: true });

    expect(reset.state).toBe('reset');
    expect(fs.existsSync(reset.dynamoPath) || fs.existsSync(reset.schedulesFile)).toBe(false);
    reset.release();
  });

  it('refuses a folder another running process holds, naming its PID', () => {
    fs.mkdirSync(dir, { recursive: true });
    // The parent of this test process is alive for as long as the test runs.
    fs.writeFileSync(path.join(dir, 'npm-start.lock'), `${process.ppid}\n`);

    expect(() => openDataFolder(dir)).toThrow(StartupError);
    expect(() => openDataFolder(dir)).toThrow(
      `The data folder ${dir} is in use by another npm start (PID ${process.ppid}): stop it first, or use another --data folder.`,
    );
  });

  it('takes over the lock of a process that is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'npm-start.lock'), `${gone}\n`);

    const folder = openDataFolder(dir);

    expect(fs.readFileSync(path.join(dir, 'npm-start.lock'), 'utf8').trim()).toBe(String(process.pid));
    folder.release();
    expect(fs.existsSync(path.join(dir, 'npm-start.lock'))).toBe(false);
  });

  it('refuses a folder that holds files of something else', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');

    expect(() => openDataFolder(dir)).toThrow(
      `--data ${dir} holds other files (package.json): give a new or empty folder.`,
    );
  });
});
