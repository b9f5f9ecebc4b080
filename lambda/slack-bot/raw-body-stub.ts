/**
 * Stands in for `raw-body` in the webhook's bundle (an esbuild alias set by the stack). Bolt reads request bodies
 * with it only in its HTTP-server receivers; on Lambda the body comes in the API Gateway event. Leaving it (and the
 * ~0.5 MB of iconv-lite it brings) out cuts the cold start. Calling it is a bug, said loudly.
 */
export default function getRawBody(): never {
  throw new Error('raw-body is not bundled in the webhook function: bodies come from the API Gateway event.');
}
