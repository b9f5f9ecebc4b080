import { optionalEnv } from '../shared/env';

/**
 * Time allowed for one provider call, well inside the task's timeout. `PROVIDER_TIMEOUT_MS` shortens it for local
 * runs that exercise a provider timing out after it accepted the request.
 */
export const PROVIDER_TIMEOUT_MS = Number(optionalEnv('PROVIDER_TIMEOUT_MS') ?? 8_000);
