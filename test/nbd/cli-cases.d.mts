export const NBD_CLI_CASES: Array<{ name: string; args: string[] }>;
export function makeCaseDir(): string;
export function substitute(args: readonly string[], dir: string): string[];
export function mask(text: string, dir: string): string;
