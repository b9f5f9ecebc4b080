/**
 * Runs test/support/browser-flow.mjs (puppeteer-core driving Chromium) in a child process: puppeteer-core is an ES
 * module that jest's CommonJS runtime cannot load.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'test', 'support', 'browser-flow.mjs');
/** Node 24 from the `node` devDependency when present (puppeteer-core wants Node >= 22), else this one. */
const NODE = [path.join(ROOT, 'node_modules', 'node', 'bin', 'node'), process.execPath].find((p) =>
  fs.existsSync(p),
) as string;

/** What the browser saw of one page. */
export interface PageSeen {
  readonly status: number;
  readonly lang: string;
  readonly title: string;
  readonly heading: string;
  readonly text: string;
  readonly buttons: string[];
  readonly method?: string;
}
/** One browser run: the confirmation page, the outcome page (click), and every console error or failed request. */
export interface BrowserRun {
  readonly confirm: PageSeen;
  readonly outcome?: PageSeen;
  readonly problems: string[];
}

/** Opens `url` in headless Chromium (`look`), and presses the page's button (`click`). */
export function browse(chromium: string, url: string, mode: 'look' | 'click'): Promise<BrowserRun> {
  return new Promise((resolve, reject) => {
    execFile(NODE, [SCRIPT, chromium, url, mode], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the browser run failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as BrowserRun);
    });
  });
}
