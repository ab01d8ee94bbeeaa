import { expect, test } from 'vitest';
import { qdictToJsonPretty } from '../../../../src/cli/img/qjson';

test('keys come out in QEMU QDict bucket order', () => {
  const json = qdictToJsonPretty([
    ['filename', 'a.qcow2'],
    ['format', 'qcow2'],
    ['check-errors', 0],
    ['image-end-offset', 589824],
    ['total-clusters', 1024],
    ['allocated-clusters', 4],
    ['fragmented-clusters', 2],
    ['compressed-clusters', 1],
  ]);
  // Captured from qemu-img 7.2 check --output=json.
  expect(json).toBe(
    '{\n    "image-end-offset": 589824,\n    "compressed-clusters": 1,\n    "total-clusters": 1024,\n    "check-errors": 0,\n' +
      '    "allocated-clusters": 4,\n    "filename": "a.qcow2",\n    "format": "qcow2",\n    "fragmented-clusters": 2\n}',
  );
});

test('strings are escaped as QEMU does', () => {
  expect(qdictToJsonPretty([['filename', 'a"\\\n\u00e9.qcow2']])).toBe('{\n    "filename": "a\\"\\\\\\n\\u00E9.qcow2"\n}');
});
