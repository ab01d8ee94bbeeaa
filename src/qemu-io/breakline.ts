/** qemu-io's breakline(): split on single spaces, skipping empty words; no quoting, tabs are kept. */
export function breakline(input: string): string[] {
  return input.split(' ').filter((word) => word !== '');
}
