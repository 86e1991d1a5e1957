// Finds test files under test/ and runs them with Node's test runner (Node 20 has no glob support in --test).
// Usage: node test/run.mjs <suffix> [extra node --test flags…]   e.g. node test/run.mjs .test.ts
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const [suffix = '.test.ts', ...flags] = process.argv.slice(2);
const skip = new Set(['node_modules', 'artifacts', 'fixtures']);
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return skip.has(name) ? [] : walk(path);
    return name.endsWith(suffix) ? [path] : [];
  });
}
const files = walk('test').sort();
if (files.length === 0) {
  console.error(`no test files ending in ${suffix} under test/`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
