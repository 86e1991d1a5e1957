// Number flags of the CLI and benchmark scripts: a bad value is refused by name, with what was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intFlag, parseArgs, positiveFlag } from '../../main/cli/args';

test('a positive-number flag reads 5e-4 and 0.001, is undefined when absent, and refuses zero, negatives and words', () => {
  const args = parseArgs(['--lr', '5e-4', '--other', '0.001', '--zero', '0', '--neg', '-1', '--word', 'fast', '--inf', 'Infinity']);
  assert.equal(positiveFlag(args, 'lr'), 5e-4);
  assert.equal(positiveFlag(args, 'other'), 0.001);
  assert.equal(positiveFlag(args, 'absent'), undefined);
  for (const key of ['zero', 'neg', 'word', 'inf']) assert.throws(() => positiveFlag(args, key), new RegExp(`--${key} must be a positive number, got '`));
});

test('an integer flag falls back when absent and refuses a fraction', () => {
  const args = parseArgs(['--steps', '40', '--batch', '2.5']);
  assert.equal(intFlag(args, 'steps', 1), 40);
  assert.equal(intFlag(args, 'absent', 7), 7);
  assert.throws(() => intFlag(args, 'batch', 1), /--batch must be an integer, got '2.5'/);
});
