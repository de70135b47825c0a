import { Option } from 'commander';

/**
 * An option that may be given several times (`--target amp --target xray`). It has no default value, so help does
 * not print `(default: [])`; read it with listOption().
 */
export function repeatable(flags: string, description: string): Option {
  return new Option(flags, description).argParser((value: string, previous: string[] | undefined) => [
    ...(previous ?? []),
    value,
  ]);
}

/** The values of a repeatable() option, [] when it was not given. */
export function listOption(options: Record<string, unknown>, key: string): string[] {
  return (options[key] as string[] | undefined) ?? [];
}
