// Flat config: typescript-eslint's recommended rules, plus the project's rules: only the composition root
// (src/system.ts) and the CLI entry (src/cli/main.ts) touch process.env or process.exit, and the layers of src/
// import only what docs/architecture.md allows them to.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const processRestrictions = [
  { object: 'process', property: 'exit', message: 'Return an exit status; src/cli/main.ts maps it.' },
  {
    object: 'process',
    property: 'env',
    message: 'Take values as parameters; only src/cli/main.ts and src/system.ts read the environment.',
  },
];

// The layers of src/ (docs/architecture.md): each top-level folder, and the top-level files that are layers of their
// own. MAY_IMPORT lists, per layer, the other layers it may import; src/system.ts (the composition root) may import
// anything, and every layer may import src/ports.ts (the interfaces; it imports nothing). A layer is recognised in an
// import by its folder name (`../../cli/x.js`) or file name (`../system.js`), so no folder or file below src/ may
// carry a layer's name (test/unit/architecture-lint.test.ts checks that).
const LAYER_FOLDERS = ['cli', 'app', 'core', 'adapters', 'ui', 'sandbox', 'collector'];
const MAY_IMPORT = {
  cli: ['app', 'core', 'ui', 'system', 'package-files'],
  app: ['core', 'ui', 'sandbox', 'collector'],
  sandbox: ['core', 'collector'],
  collector: ['core'],
  adapters: ['core'],
  ui: ['core'],
  core: ['package-files'],
  ports: [],
  'package-files': [],
};
// Libraries that belong to one layer's job: the terminal to ui, argument parsing to cli, the AWS SDK and the
// Kubernetes client to the adapters (the collector and the sandbox speak AWS and Kubernetes themselves).
const PACKAGE_OWNERS = [
  { packages: ['chalk', 'ora', '@inquirer/*'], regex: '^(chalk|ora|@inquirer\\u002F.*)$', layers: ['ui'] },
  { packages: ['commander'], regex: '^commander$', layers: ['cli'] },
  {
    packages: ['@aws-sdk/*', '@smithy/*', '@kubernetes/client-node'],
    regex: '^(@aws-sdk|@smithy)\\u002F|^@kubernetes\\u002Fclient-node$',
    layers: ['adapters', 'collector', 'sandbox'],
  },
];

// A path separator written so that it also fits an esquery regex (no-restricted-syntax), which may not contain "/".
const SLASH = '\\u002F';
const layerRegex = (layer) =>
  LAYER_FOLDERS.includes(layer) ? `(^|${SLASH})${layer}${SLASH}` : `(^|${SLASH})${layer}\\.js$`;
const filesOf = (layer) => (LAYER_FOLDERS.includes(layer) ? [`src/${layer}/**/*.ts`] : [`src/${layer}.ts`]);

function layerRules(layer) {
  const allowed = new Set(MAY_IMPORT[layer]);
  const forbidden = [
    ...[...LAYER_FOLDERS, 'system', 'package-files']
      .filter((other) => other !== layer && !allowed.has(other))
      .map((other) => ({
        regex: layerRegex(other),
        message: `src/${layer} may not import src/${other} (docs/architecture.md, "Layers").`,
      })),
    ...PACKAGE_OWNERS.filter((owner) => !owner.layers.includes(layer)).map((owner) => ({
      regex: owner.regex,
      message: `${owner.packages.join(', ')} belong to src/${owner.layers.join(', src/')} (docs/architecture.md, "Layers").`,
    })),
  ];
  return {
    files: filesOf(layer),
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden }],
      // no-restricted-imports does not look at import(): the lazily loaded modules get the same rule
      'no-restricted-syntax': [
        'error',
        ...forbidden.map(({ regex, message }) => ({ selector: `ImportExpression[source.value=/${regex}/]`, message })),
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.adot-sandbox/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/main.ts', 'src/system.ts'],
    rules: { 'no-restricted-properties': ['error', ...processRestrictions] },
  },
  ...Object.keys(MAY_IMPORT).map(layerRules),
);
