// Settings of a benchmark: `--name=value` on the command line or `<PREFIX>NAME` in the
// environment, each with a default and a help line. Shared by bench:collab and bench:runs.
import { parseArgs } from 'node:util';

export class OptionsError extends Error {}

export interface SettingSpec {
  default: string;
  help: string;
}

export interface ReadSettings<K extends string> {
  /** The text given for a setting (command line, then environment, then default). */
  raw(key: K): string;
  help: boolean;
  /** Settings that differ from the defaults, as given (for the printed command). */
  given: string[];
}

export function settingsReader<K extends string>(spec: Record<K, SettingSpec>, envPrefix: string, command: string) {
  const envName = (key: string): string => `${envPrefix}${key.toUpperCase().replaceAll('-', '_')}`;

  const usage = (): string => {
    const lines = (Object.entries(spec) as [string, SettingSpec][]).map(
      ([key, s]) => `  --${key}=…  (${envName(key)}, default "${s.default}"): ${s.help}`,
    );
    return `${command} -- [options]\n${lines.join('\n')}`;
  };

  function read(argv: string[], env: NodeJS.ProcessEnv): ReadSettings<K> {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.keys(spec).map((key) => [key, { type: 'string' as const }])),
        help: { type: 'boolean' as const },
      },
      strict: true,
    }) as { values: Record<string, string | boolean | undefined> };
    const given: string[] = [];
    const raw = (key: K): string => {
      const fromArgs = values[key];
      if (typeof fromArgs === 'string') {
        given.push(`--${key}=${fromArgs}`);
        return fromArgs;
      }
      const fromEnv = env[envName(key)];
      if (fromEnv !== undefined) {
        given.push(`${envName(key)}=${fromEnv}`);
        return fromEnv;
      }
      return spec[key].default;
    };
    return { raw, help: values.help === true, given };
  }

  return { envName, usage, read };
}

/** A comma-separated list of numbers in [min, max]. */
export function numbers(key: string, text: string, min: number, max: number, integer = true): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  for (const value of values) {
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new OptionsError(`--${key}: "${text}" is not a list of ${integer ? 'integers' : 'numbers'} in [${min}, ${max}]`);
    }
  }
  return values;
}

export function one(key: string, text: string, min: number, max: number, integer = true): number {
  const values = numbers(key, text, min, max, integer);
  if (values.length !== 1) throw new OptionsError(`--${key}: one value expected, got "${text}"`);
  return values[0]!;
}

/** A comma-separated subset of allowed words. */
export function subset<T extends string>(key: string, text: string, allowed: readonly T[]): T[] {
  const values = text.split(',').map((part) => part.trim()).filter(Boolean);
  for (const value of values) {
    if (!allowed.includes(value as T)) throw new OptionsError(`--${key}: "${value}" is not one of ${allowed.join(', ')}`);
  }
  return values as T[];
}

/** Parses, prints usage on --help or a bad setting (exit 0 / 2), and returns the result. */
export function parseOrExit<T extends { help: boolean }>(parse: () => T, usage: () => string): T {
  try {
    const parsed = parse();
    if (parsed.help) {
      console.log(usage());
      process.exit(0);
    }
    return parsed;
  } catch (error) {
    const badArgs = error instanceof OptionsError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!badArgs) throw error;
    console.error(`${(error as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
}
