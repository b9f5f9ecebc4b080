/**
 * How `loadConfig` reads one setting: the context's value over the stage file's, checked for its type. A bad value
 * does not throw: it adds a problem naming where it came from (`context key` or `config/stages/<stage>.yaml: key`)
 * and reads as missing, so one synth reports every problem at once.
 */

/** A setting's value and where it came from, for messages. */
export interface FoundSetting {
  readonly value: unknown;
  readonly source: string;
}

/** The typed readers over one run's context and stage file. */
export interface SettingReader {
  /** A setting: the context's value if given, else the file's; undefined when neither gives one. */
  setting(key: string): FoundSetting | undefined;
  /** A string setting, matching `pattern` (described as `what` in the problem) if given. */
  str(key: string, pattern?: RegExp, what?: string): string | undefined;
  /** A boolean setting (`true`/`false`, or their strings, as `-c` gives them); `fallback` when not given. */
  bool(key: string, fallback: boolean): boolean;
  /** A whole-number setting that passes `check` (described as `expected` in the problem); 0 when not given. */
  int(key: string, check: (n: number) => boolean, expected: string): number;
}

/**
 * The readers of a run: `context` is CDK context, `file` the stage file's settings and `fileLabel` how messages
 * name it; each problem found is pushed onto `problems`.
 */
export function settingReader(
  context: (key: string) => unknown,
  file: Readonly<Record<string, unknown>>,
  fileLabel: string,
  problems: string[],
): SettingReader {
  const setting = (key: string): FoundSetting | undefined => {
    const fromContext = context(key);
    if (fromContext !== undefined && fromContext !== null && fromContext !== '')
      return { value: fromContext, source: `context ${key}` };
    const fromFile = file[key];
    if (fromFile !== undefined && fromFile !== null && fromFile !== '')
      return { value: fromFile, source: `${fileLabel} ${key}` };
    return undefined;
  };
  const str = (key: string, pattern?: RegExp, what?: string): string | undefined => {
    const found = setting(key);
    if (!found) return undefined;
    if (typeof found.value !== 'string') {
      problems.push(`${found.source} must be a string, got ${JSON.stringify(found.value)}`);
      return undefined;
    }
    if (pattern && !pattern.test(found.value)) {
      problems.push(`${found.source} is not ${what}: ${found.value}`);
      return undefined;
    }
    return found.value;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const found = setting(key);
    if (!found) return fallback;
    if (found.value === true || found.value === 'true') return true;
    if (found.value === false || found.value === 'false') return false;
    problems.push(`${found.source} must be true or false, got ${JSON.stringify(found.value)}`);
    return fallback;
  };
  const int = (key: string, check: (n: number) => boolean, expected: string): number => {
    const found = setting(key);
    if (!found) return 0;
    // `-c key=value` always gives a string: a numeric one counts as the number.
    const n = typeof found.value === 'string' && found.value.trim() !== '' ? Number(found.value) : found.value;
    if (typeof n !== 'number' || !Number.isInteger(n) || !check(n)) {
      problems.push(`${found.source} must be ${expected}, got ${JSON.stringify(found.value)}`);
      return 0;
    }
    return n;
  };
  return { setting, str, bool, int };
}
