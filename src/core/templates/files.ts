/** Reads the YAML templates shipped in the package's templates/ directory. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { failure } from '../errors.js';
import { packageFileUrl } from '../../package-files.js';

const parsedByPath = new Map<string, unknown[]>();

export function templateFileUrl(relativePath: string): URL {
  return packageFileUrl(`templates/${relativePath}`);
}

/** Every document of a template file, parsed; each call returns a fresh copy the caller may change. */
export function loadTemplateDocuments(relativePath: string): unknown[] {
  let documents = parsedByPath.get(relativePath);
  if (!documents) {
    documents = readTemplate(relativePath);
    parsedByPath.set(relativePath, documents);
  }
  return structuredClone(documents);
}

/** The single document of a template file. */
export function loadTemplate(relativePath: string): unknown {
  const documents = loadTemplateDocuments(relativePath);
  if (documents.length !== 1) {
    throw failure('TemplateInvalid', `Template ${relativePath} must hold one YAML document, not ${documents.length}`);
  }
  return documents[0];
}

function readTemplate(relativePath: string): unknown[] {
  const url = templateFileUrl(relativePath);
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (error) {
    throw failure('TemplateMissing', `Template ${relativePath} not found at ${fileURLToPath(url)}`, {
      cause: error,
      hint: 'Reinstall adot: the templates directory ships with the package',
    });
  }
  const parsed = parseAllDocuments(text);
  if (!Array.isArray(parsed)) return [];
  const errors = parsed.flatMap((document) => document.errors);
  if (errors.length > 0) {
    throw failure('TemplateInvalid', `Template ${relativePath} is not valid YAML: ${errors[0]?.message ?? ''}`);
  }
  return parsed.map((document) => document.toJS() as unknown).filter((value) => value !== null && value !== undefined);
}
