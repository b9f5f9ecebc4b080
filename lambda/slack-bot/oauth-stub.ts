/**
 * Stands in for `@slack/oauth` in the webhook's bundle (an esbuild alias set by the stack). Bolt's `App` module loads
 * its HTTP and Socket Mode receivers eagerly, and they load the OAuth installer, which brings jsonwebtoken and semver
 * (whose version checks build dozens of regular expressions at load); a single-workspace app given its token never
 * installs through OAuth. Constructing it is a bug, said loudly.
 */
export class InstallProvider {
  constructor() {
    throw new Error('Slack OAuth is not bundled in the webhook function: it is given its bot token.');
  }
}
