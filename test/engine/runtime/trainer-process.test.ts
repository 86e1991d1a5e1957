// How trainer processes are started: glibc malloc tunables merged into the environment, the user's own values kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TRAINER_MALLOC_TUNABLES, TRAINER_NODE_FLAGS, trainerEnv } from '../../../main/engine/runtime/trainer-process';

test('trainerEnv adds the malloc tunables, keeps the tunables a user set (their values win) and the rest of the environment', () => {
  assert.equal(trainerEnv({ HOME: '/h' }).GLIBC_TUNABLES, TRAINER_MALLOC_TUNABLES.join(':'));
  assert.equal(trainerEnv({ HOME: '/h' }).HOME, '/h');
  const own = trainerEnv({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=4096:glibc.malloc.arena_max=2' }).GLIBC_TUNABLES!.split(':');
  assert.ok(own.includes('glibc.malloc.mmap_threshold=4096') && own.includes('glibc.malloc.arena_max=2'));
  assert.equal(own.filter((t) => t.startsWith('glibc.malloc.mmap_threshold=')).length, 1, 'the user value is not overridden');
  assert.ok(own.includes(TRAINER_MALLOC_TUNABLES.find((t) => t.startsWith('glibc.malloc.trim_threshold='))!));
});

test('a process started with trainerEnv and the trainer flags knows it is one; a plain one does not', () => {
  const probe = `import('${new URL('../../../main/engine/runtime/trainer-process.ts', import.meta.url).href}').then((m) => process.stdout.write(String(m.isTrainerProcess())))`;
  const run = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [...args, '--import', 'tsx', '-e', probe], { env, encoding: 'utf8' });
  const trainer = run(TRAINER_NODE_FLAGS, trainerEnv());
  assert.equal(trainer.stdout, 'true', trainer.stderr);
  const { GLIBC_TUNABLES: _, ...plainEnv } = process.env;
  assert.equal(run([], plainEnv).stdout, 'false');
});
