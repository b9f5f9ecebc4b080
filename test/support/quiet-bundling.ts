/** Keeps the test output readable when a test bundles the functions as `cdk synth` does. */

/**
 * Runs `build` without aws-cdk-lib's "Bundling asset …" progress line, which it writes straight to stderr for every
 * function (jest shows it outside any test). Everything else written to stderr, esbuild's warnings included, passes.
 */
export function withoutBundlingBanner<T>(build: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    typeof chunk === 'string' && /^Bundling asset \S+\.\.\.\n$/.test(chunk)
      ? true
      : write.call(process.stderr, chunk, ...rest)) as typeof write;
  try {
    return build();
  } finally {
    process.stderr.write = write;
  }
}
