/**
 * Structured JSON logs (Powertools Logger). Phone numbers and email addresses are masked wherever they appear in
 * a log message or key, so contact details never reach CloudWatch.
 */
import { Logger } from '@aws-lambda-powertools/logger';

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const PHONE = /\+\d{6,14}(\d{2})/g;

/** Masks email addresses (`j***@example.com`) and E.164 numbers (`+***43`) in a string. */
export function maskContacts(text: string): string {
  return text.replace(EMAIL, '$1***@$2').replace(PHONE, '+***$1');
}

/** A logger for one function; `service` names the function in every line. */
export function createLogger(service: string): Logger {
  return new Logger({
    serviceName: 'meeting-prep',
    persistentKeys: { function: service },
    jsonReplacerFn: (_key: string, value: unknown) => (typeof value === 'string' ? maskContacts(value) : value),
  });
}
