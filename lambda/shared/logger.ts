/**
 * Structured JSON logs (Powertools Logger). Phone numbers and email addresses are masked wherever they appear in
 * a log message or key, so contact details never reach CloudWatch.
 */
import { Logger } from '@aws-lambda-powertools/logger';

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
/** A run of digits with the separators people write phone numbers with; checked by {@link maskPhone}. */
const PHONE_LIKE = /(?<![\w.+-])(\+\s?)?(\(?\d[\d\s().-]*\d)(?![\w]|\.\d)/g;

function maskPhone(match: string, plus: string | undefined, body: string): string {
  const digits = body.replace(/\D/g, '');
  const separated = /[\s().-]/.test(body);
  // With "+": E.164, however spaced. Without: a national number written with separators ((212) 555-0143,
  // 07700 900123); a bare run of digits is an id or a timestamp, not a phone number.
  const phone = plus
    ? digits.length >= 7 && digits.length <= 15
    : separated && digits.length >= 10 && digits.length <= 11;
  if (!phone) return match;
  const trailing = /\s+$/.exec(body)?.[0] ?? '';
  return `${plus ? '+' : ''}***${digits.slice(-2)}${trailing}`;
}

/**
 * Masks email addresses (`j***@example.com`) and phone numbers (`+***43`) in a string: E.164 with or without
 * spaces or dashes (`+1 212-555-0143`), and national numbers with separators (`(212) 555-0143`).
 */
export function maskContacts(text: string): string {
  return text.replace(EMAIL, '$1***@$2').replace(PHONE_LIKE, maskPhone);
}

/** A logger for one function; `service` names the function in every line. */
export function createLogger(service: string): Logger {
  return new Logger({
    serviceName: 'meeting-prep',
    persistentKeys: { function: service },
    jsonReplacerFn: (_key: string, value: unknown) => (typeof value === 'string' ? maskContacts(value) : value),
  });
}
