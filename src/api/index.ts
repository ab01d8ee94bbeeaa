// The contract between hosts and UI: channel names, DTOs, the event union, validation.
export * from './blkdebug-language';
export * from './channels';
export * from './contract';
export * from './dispatch';
export * from './dto';
export * from './engine-drivers';
export * from './errors';
export type * from './events';
export type * from './snapshot';
export * from './validate';
export type * from './wire';
