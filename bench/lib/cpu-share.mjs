// How much of each CPU this machine's processes actually get. On a virtual machine whose host is oversubscribed, the
// hypervisor runs other guests on our vCPUs and the guest kernel does not always report it as steal time (on the
// Firecracker machines these figures were taken on, /proc/stat's steal column stayed 0 while a busy loop lost 30-60%
// of its wall time). A CPU-bound figure taken then (X-Ray ingest, CPU per sample) is not comparable with one taken
// on a quiet host: the same build's collector took 7.6-11.4 CPU s for the same 10 s of X-Ray segments. So the
// benches measure it and print it beside their figures.
//
// Method: one busy loop per CPU, pinned there (taskset), all at once for `ms` (the benches keep both CPUs busy, so
// this is the case they run in); every gap of more than GAP_MS between two consecutive clock readings is time the
// loop did not run. share = 1 - (sum of gaps) / wall time. An idle, unshared machine reads 98-100%.
// It sees time taken away, not a CPU slowed by neighbours' cache and memory traffic, and only for its own 2 s.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';

const GAP_MS = 0.5;

// the loop, run by `node -e`; prints {lost, longest, wall} of its own run (ms)
const LOOP = `
const end = performance.now() + Number(process.argv[1]);
let last = performance.now(), lost = 0, longest = 0;
const start = last;
while (last < end) {
  const now = performance.now();
  const gap = now - last;
  if (gap > ${GAP_MS}) { lost += gap; if (gap > longest) longest = gap; }
  last = now;
}
process.stdout.write(JSON.stringify({ lost, longest, wall: last - start }));
`;

function runLoop(cpu, ms) {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(cpu), process.execPath, '-e', LOOP, String(ms)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the CPU share probe on CPU ${cpu} exited with ${code}`));
      else resolve(JSON.parse(out));
    });
  });
}

/** Per CPU: the share of wall time a pinned busy loop got (0-1) and its longest stall in ms. */
export async function measureCpuShare(ms = 2000) {
  // every CPU of the machine, not availableParallelism(): a bench that pinned itself (taskset) would see one
  const count = cpus().length;
  const loops = await Promise.all(Array.from({ length: count }, (_, cpu) => runLoop(cpu, ms)));
  return loops.map((loop) => ({ share: 1 - loop.lost / loop.wall, longestMs: loop.longest }));
}

/** "97% / 99%": each CPU's share, in the order of the CPUs */
export function cpuSharePercents(shares, separator = ' / ') {
  return shares.map((cpu) => `${Math.round(cpu.share * 100)}%`).join(separator);
}

/** "CPU share (busy loop per CPU, all at once): 97% / 99%, longest stall 3 ms" */
export function describeCpuShare(shares) {
  const longest = Math.max(...shares.map((cpu) => cpu.longestMs));
  return `CPU share (busy loop per CPU, all at once): ${cpuSharePercents(shares)}, longest stall ${longest.toFixed(0)} ms`;
}

/** Below this, CPU-bound figures are marked as taken on a shared host. */
export const QUIET_SHARE = 0.9;

export function isQuiet(shares) {
  return shares.every((cpu) => cpu.share >= QUIET_SHARE);
}

/** A table cell: "97%/99%", marked "*" when the host was not quiet (the table's footnote says what that means) */
export function cpuShareCell(shares, separator = '/') {
  return `${cpuSharePercents(shares, separator)}${isQuiet(shares) ? '' : '*'}`;
}
