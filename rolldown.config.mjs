// The CLI bundle that bin/adot.js runs (`npm run build` makes it after tsc): src/cli/main.ts and everything it
// imports, tree-shaken, in ESM chunks split at each dynamic import() so that a command loads only its own code.
// Loading one file per chunk instead of ~1,400 modules is most of adot's start-up time (README: Benchmarks).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineConfig } from 'rolldown';

const OUT_DIR = 'dist/bundle';

/**
 * Loaded from node_modules at run time instead of bundled; each is a dependency in package.json, so it resolves from
 * dist/bundle/. snappy: a native addon. protobufjs and @grpc/grpc-js: optional modules found by require() at run
 * time. node-fetch (of @kubernetes/client-node): it calls url.parse() and, through whatwg-url, the built-in punycode,
 * whose deprecation warnings Node 22+ prints only for code outside node_modules; the bundle's client-node gets it
 * through NODE_FETCH_ON_FIRST_USE (below).
 */
export const EXTERNAL_PACKAGES = ['snappy', 'protobufjs', '@grpc/grpc-js', 'node-fetch'];

/**
 * The bundle's client-node imports node-fetch from src/adapters/kube/node-fetch-on-first-use.ts, which requires the
 * real package the first time it is called: adot sends Kubernetes requests with node:https
 * (src/adapters/kube/node-http-library.ts), and loading node-fetch for imports nothing calls took 25-30 ms of every
 * `adot doctor` process.
 */
const NODE_FETCH_ON_FIRST_USE = resolve('src/adapters/kube/node-fetch-on-first-use.ts');
const CLIENT_NODE = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]/;
const isClientNodeImportOfNodeFetch = (id, importer) =>
  id === 'node-fetch' && importer !== undefined && CLIENT_NODE.test(importer);
const nodeFetchOnFirstUse = {
  name: 'adot-node-fetch-on-first-use',
  resolveId(source, importer) {
    return isClientNodeImportOfNodeFetch(source, importer) ? NODE_FETCH_ON_FIRST_USE : null;
  },
};

/**
 * The collector's @kubernetes/client-node (src/collector/runtime/kube-api.ts) loads from node_modules as a whole: it
 * uses CoreV1Api and informers, and were they bundled, their generated code would sit in the modules that every
 * client-node import reaches (the package's index re-exports all of gen/), so `adot doctor` would load it too. The
 * collector is a long-running process; the CLI's commands keep their tree-shaken client-node.
 */
const COLLECTOR_KUBE_API = /[\\/]src[\\/]collector[\\/]runtime[\\/]kube-api\.ts$/;

const isExternal = (id, importer) =>
  (EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`)) &&
    !isClientNodeImportOfNodeFetch(id, importer)) ||
  (id === '@kubernetes/client-node' && importer !== undefined && COLLECTOR_KUBE_API.test(importer));

/** the package a bundled module comes from (or "adot"), for dist/bundle/modules.json */
function packageOf(moduleId) {
  const match = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*[\\/]node_modules[\\/])/.exec(moduleId);
  return match ? match[1].replace('\\', '/') : 'adot';
}

/** Writes dist/bundle/modules.json: for each chunk, the packages and adot modules in it and the chunks it imports. */
const chunkManifest = {
  name: 'adot-chunk-manifest',
  generateBundle(_options, bundle) {
    const chunks = {};
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      chunks[chunk.fileName] = {
        packages: [...new Set(chunk.moduleIds.map(packageOf))].sort(),
        // adot's own modules, as paths from src/ (tests check which of them a command loads)
        sources: chunk.moduleIds
          .filter((id) => packageOf(id) === 'adot')
          .map((id) => /[\\/]src[\\/](.*)$/.exec(id)?.[1]?.replaceAll('\\', '/'))
          .filter((path) => path !== undefined)
          .sort(),
        imports: chunk.imports,
        dynamicImports: chunk.dynamicImports,
      };
    }
    this.emitFile({ type: 'asset', fileName: 'modules.json', source: `${JSON.stringify(chunks, null, 1)}\n` });
  },
};

/**
 * commander requires node:child_process when it loads, for executable subcommands (`git-style` commands in files of
 * their own), which adot does not have; loading child_process (and net, dgram, stream with it) is ~4 ms of every
 * `adot --help`. Its require becomes one made on first use; commander calls only childProcess.spawn.
 */
const lazyCommanderChildProcess = {
  name: 'adot-lazy-commander-child-process',
  transform: {
    filter: { id: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ },
    handler(code) {
      const eager = "const childProcess = require('node:child_process');";
      if (!code.includes(eager)) this.error(`commander's ${eager} is gone: update rolldown.config.mjs`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { code: code.replace(eager, lazy), map: null };
    },
  },
};

/**
 * `node:http` without its ES module facade. To build the facade of a built-in, Node reads every export, and since
 * Node 22 `http` has getters (WebSocket, CloseEvent, MessageEvent) that load undici's fetch and WebSocket code when
 * read (https://github.com/nodejs/node/issues/57649, https://github.com/nodejs/node/issues/59686, both open). Without
 * it, loading doctor's chunks took 213 ms instead of 253 on Node 24 and 218 instead of 258 on Node 22 (Node 20: the
 * same), and an `adot doctor` process 20 ms less on both (README: Benchmarks machine, medians of alternating runs).
 * The bundle's imports of `http` and `node:http`, static and dynamic, get a module that takes it from
 * process.getBuiltinModule (Node >= 20.16) and re-exports what it has: the default export (the module itself; its
 * getters load nothing until read) and every plain value. Which exports those are comes from the Node that builds,
 * so an export the bundle imports and that Node lacks fails the build. Other built-ins' facades read getters too
 * (tls.rootCertificates, fs.promises, crypto.webcrypto) for ~3-5 ms each, but the bundle imports some of those
 * getters by name, which a module of plain values cannot export without reading them.
 */
const HTTP_WITHOUT_FACADE = '\0adot-http-without-facade';
const httpWithoutFacade = {
  name: 'adot-http-without-facade',
  resolveId(source) {
    return source === 'http' || source === 'node:http' ? HTTP_WITHOUT_FACADE : null;
  },
  load(id) {
    if (id !== HTTP_WITHOUT_FACADE) return null;
    const values = Object.entries(Object.getOwnPropertyDescriptors(process.getBuiltinModule('node:http')))
      .filter(([name, descriptor]) => 'value' in descriptor && /^[A-Za-z_$][\w$]*$/.test(name))
      .map(([name]) => name);
    return [
      "const http = process.getBuiltinModule('node:http');",
      'export default http;',
      `export const { ${values.join(', ')} } = http;`,
    ].join('\n');
  },
};

/**
 * Writes dist/bundle/help-pages.json once the bundle is on disk: every help page, rendered by the bundle's own run()
 * (src/cli/help-pages.ts), for bin/adot.js to print without loading the bundle.
 */
const helpPagesFile = {
  name: 'adot-help-pages',
  async writeBundle() {
    const { helpPages } = await import(pathToFileURL(resolve(OUT_DIR, 'main.js')).href);
    writeFileSync(join(OUT_DIR, 'help-pages.json'), `${JSON.stringify(await helpPages())}\n`);
  },
};

export default defineConfig({
  input: { main: 'src/cli/main.ts' },
  platform: 'node',
  external: isExternal,
  resolve: {
    // the AWS SDK's ES module builds (dist-es) tree-shake; its CommonJS builds (dist-cjs, Node's choice) do not
    conditionNames: ['module', 'node', 'import', 'default'],
    mainFields: ['module', 'main'],
  },
  treeshake: {
    // @kubernetes/client-node's index re-exports every API, watch, exec and cache module; none of them does
    // anything when imported, so the ones adot does not use are dropped
    moduleSideEffects: (id) => !CLIENT_NODE.test(id),
  },
  plugins: [chunkManifest, lazyCommanderChildProcess, httpWithoutFacade, nodeFetchOnFirstUse, helpPagesFile],
  // main.js may carry more than run(): the CLI chunk and rolldown's runtime go into it, one file for Node to load
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: OUT_DIR,
    cleanDir: true,
    codeSplitting: {
      // what src/cli/main.ts imports statically (the command tree, commander) in one chunk, main.js: every command
      // loads it, and each file Node loads costs start-up time
      groups: [{ name: 'cli', tags: ['$initial'] }],
    },
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    comments: { legal: true, annotation: false, jsdoc: false },
  },
});
