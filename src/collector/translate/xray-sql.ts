/**
 * The `sql` block of a segment for a span calling an SQL database, as the awsxray exporter's makeSQL
 * (opentelemetry-collector-contrib exporter/awsxrayexporter/internal/translator/sql.go): only for the SQL systems
 * it lists; `url` is the span name, `connection_string` the db.connection_string (or `localhost`) plus `/<db.name>`.
 * Field order as awsxray's SQLData struct.
 */
import { stringAttribute } from './any-value.js';
import type { AnyValue, Span } from './otlp-types.js';
import { optionalField } from './optional-field.js';

export const SQL_ATTRIBUTE_KEYS = ['db.connection_string', 'db.system', 'db.name', 'db.statement', 'db.user'];

const SQL_SYSTEMS = new Set([
  'db2',
  'derby',
  'hive',
  'mariadb',
  'mssql',
  'mysql',
  'oracle',
  'postgresql',
  'sqlite',
  'teradata',
  'other_sql',
]);

export interface XRaySql {
  connection_string?: string;
  url?: string;
  sanitized_query?: string;
  database_type?: string;
  user?: string;
}

export function xraySql(span: Span, attributes: Map<string, AnyValue | undefined>): XRaySql | undefined {
  const system = stringAttribute(attributes, 'db.system') ?? '';
  if (!SQL_SYSTEMS.has(system)) return undefined;
  const connection = stringAttribute(attributes, 'db.connection_string') || 'localhost';
  const empty = (value: string | undefined) => (value === '' ? undefined : value);
  return {
    connection_string: `${connection}/${stringAttribute(attributes, 'db.name') ?? ''}`,
    ...optionalField('url', empty(span.name)),
    ...optionalField('sanitized_query', empty(stringAttribute(attributes, 'db.statement'))),
    database_type: system,
    ...optionalField('user', empty(stringAttribute(attributes, 'db.user'))),
  };
}
