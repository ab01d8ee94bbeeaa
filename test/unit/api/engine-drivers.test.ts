import { describe, expect, it } from 'vitest';
import { ENGINE_DRIVERS } from '../../../src/api';
import { driverNames } from '../../../src/block/registry';

describe('ENGINE_DRIVERS', () => {
  it('lists exactly the drivers the block layer registers (the UI may not import src/block)', () => {
    expect([...ENGINE_DRIVERS]).toEqual(driverNames());
  });
});
