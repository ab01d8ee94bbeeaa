// Values of the generic node options every driver accepts (bdrv_runtime_opts), shared by open
// and reopen.
export const DISCARD_MODES = ['ignore', 'off', 'unmap', 'on'] as const;
export const DETECT_ZEROES = ['off', 'on', 'unmap'] as const;
