/**
 * Chromium for the browser tests, from Debian's packages: found where Debian installs it, or installed once with
 * apt-get when missing (CI runs as root on this image, with the Debian registry reachable). A clear error says
 * what to do when it cannot be installed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Where Debian's `chromium` package puts the browser (the binary first: /usr/bin/chromium is a shell wrapper). */
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

function found(): string | undefined {
  return CANDIDATES.find((file) => fs.existsSync(file));
}

/** The browser's path, installing Debian's `chromium` first if it is missing. */
export function ensureChromium(): string {
  const existing = found();
  if (existing) return existing;
  const manual = 'install it with: apt-get update && apt-get install -y --no-install-recommends chromium';
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw new Error(`Chromium is not installed and this user cannot install it; ${manual}`);
  const run = (args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
  try {
    run(['update']);
    run(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-5).join('\n') ?? '';
    throw new Error(`Could not install Chromium with apt-get (${(error as Error).message}); ${manual}\n${stderr}`, {
      cause: error,
    });
  }
  const installed = found();
  if (!installed) throw new Error(`apt-get installed chromium, but no browser is at ${CANDIDATES.join(' or ')}`);
  return installed;
}
