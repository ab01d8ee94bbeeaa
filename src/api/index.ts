// The contract between hosts and UI: channel names, DTOs, validation. No runtime dependencies.
export * from './channels';
export * from './contract';
export * from './dto';
export * from './engine-drivers';
export * from './validate';
