// The environment the benches give the processes they time: PATH and HOME (and what a bench adds), as bench/doctor.mjs
// has always done, so that what this machine's environment makes every process do is not counted as adot's or
// node's. NODE_EXTRA_CA_CERTS for one: Node 20 reads and parses that file as it starts (Node 22 and 24 on first TLS
// use); pointed at the system's bundle of 144 certificates it added ~40 ms to every Node 20 process, `node -e 0`
// included (2026-12-04, README: Benchmarks).
export function benchEnv(extra = {}) {
  const env = { ...extra };
  for (const name of ['PATH', 'HOME']) if (process.env[name] !== undefined) env[name] ??= process.env[name];
  return env;
}
