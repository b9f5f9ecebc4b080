/** Environment variables, read once at module load so a missing one fails the cold start loudly. */

/** A required variable: throws at load time, naming it, when it is missing or empty. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

/** An optional variable: undefined when missing or empty. */
export function optionalEnv(name: string): string | undefined {
  const value = process.env[name];
  return value ? value : undefined;
}
