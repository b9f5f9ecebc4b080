/** Time allowed for one provider call, well inside the task's timeout. */
export const PROVIDER_TIMEOUT_MS = 8_000;
