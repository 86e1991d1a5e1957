// Import benchmark: a generated 1,000,000-row CSV through DatasetService, and the same file through
// the sqlite3 CLI's `.import` when /usr/bin/sqlite3 exists, alternately for ROUNDS rounds (each into a fresh
// database; the machine may be shared, so the medians are what to compare). Prints numbers; asserts nothing.
// Usage: npm run bench:import [-- ROWS [ROUNDS]]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openStore } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Math.max(1, Number(process.argv[3] ?? 3));
const WORDS = ['the', 'movie', 'was', 'great', 'terrible', 'plot', 'acting', 'and', 'but', 'really', 'not', 'a', 'fun', 'boring', 'scene'];

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let buf = 'text,label\n';
  for (let i = 0; i < ROWS; i++) {
    const n = 6 + Math.floor(rand() * 14);
    const words: string[] = [];
    for (let k = 0; k < n; k++) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
    buf += `${words.join(' ')},${i % 2}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

const dir = mkdtempSync(join(tmpdir(), 'chorus-bench-'));
try {
  const csv = join(dir, 'bench.csv');
  await writeCsv(csv);
  const mb = statSync(csv).size / 1e6;
  console.log(`file: ${ROWS.toLocaleString('en')} rows, ${mb.toFixed(1)} MB`);

  const sqlite = '/usr/bin/sqlite3';
  const hasSqlite = existsSync(sqlite);
  const chorusRates: number[] = [];
  const sqliteRates: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const storeDir = join(dir, `chorus-${round}`);
    const store = openStore(join(storeDir, 'chorus.db'));
    const t0 = performance.now();
    const [r] = await new DatasetService(store).importFiles([csv]);
    const secs = (performance.now() - t0) / 1000;
    store.close();
    rmSync(storeDir, { recursive: true, force: true });
    if (!r.ok) throw new Error(r.error);
    const rss = process.resourceUsage().maxRSS / 1024;
    const chorusRate = r.dataset.rowCount / secs;
    chorusRates.push(chorusRate);
    console.log(`round ${round} chorus:  ${secs.toFixed(2)} s, ${Math.round(chorusRate).toLocaleString('en')} rows/s, ${(mb / secs).toFixed(1)} MB/s, peak RSS so far ${rss.toFixed(0)} MB`);
    if (!hasSqlite) continue;
    const db = join(dir, `sqlite-${round}.db`);
    const t1 = performance.now();
    const res = spawnSync(sqlite, [db], { input: `.mode csv\n.import ${csv} t\n`, encoding: 'utf8' });
    const s2 = (performance.now() - t1) / 1000;
    if (res.status !== 0) throw new Error(res.stderr);
    const count = Number(spawnSync(sqlite, [db, 'SELECT count(*) FROM t'], { encoding: 'utf8' }).stdout.trim());
    const sqliteRate = count / s2;
    sqliteRates.push(sqliteRate);
    rmSync(db, { force: true });
    console.log(`round ${round} sqlite3: ${s2.toFixed(2)} s, ${Math.round(sqliteRate).toLocaleString('en')} rows/s (.mode csv + .import)`);
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  const c = median(chorusRates);
  console.log(`median chorus:  ${Math.round(c).toLocaleString('en')} rows/s over ${ROUNDS} round(s), peak RSS ${rss.toFixed(0)} MB`);
  if (hasSqlite) {
    const q = median(sqliteRates);
    console.log(`median sqlite3: ${Math.round(q).toLocaleString('en')} rows/s`);
    console.log(`ratio chorus / sqlite3 (medians): ${(c / q).toFixed(2)} (target ≥ 0.5), RSS target < 300 MB`);
  } else console.log('sqlite3 CLI not found; skipped the comparison');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
