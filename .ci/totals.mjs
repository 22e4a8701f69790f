// Sums passed / failed tests of every suite and prints "N passed, N failed" as the last line.
// Arguments: name:json:<vitest json>:<exit code> | name:pw:<playwright json>:<exit code> | name:<passed>:<failed>
// A suite whose command failed without a failed test (an unhandled error, a crash) counts one failure.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
for (const arg of process.argv.slice(2)) {
  const [name, kind, file, rc] = arg.split(':');
  let p = 0;
  let f = 0;
  if (kind === 'json' || kind === 'pw') {
    if (!fs.existsSync(file)) {
      f = 1; // a suite that produced no report counts as a failure
    } else {
      const report = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (kind === 'json') {
        p = report.numPassedTests ?? 0;
        f = (report.numFailedTests ?? 0) + (report.success === false && !report.numFailedTests ? 1 : 0);
      } else {
        p = (report.stats?.expected ?? 0) + (report.stats?.flaky ?? 0);
        f = report.stats?.unexpected ?? 0;
        if ((report.errors ?? []).length > 0 && f === 0) f = 1;
      }
    }
    if (rc !== undefined && rc !== '0' && f === 0) f = 1;
  } else {
    p = Number(kind);
    f = Number(file);
  }
  process.stdout.write(`${name}: ${p} passed, ${f} failed\n`);
  passed += p;
  failed += f;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
