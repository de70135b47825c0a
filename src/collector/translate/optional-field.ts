/** `{key: value}` when value is defined, `{}` otherwise: for spreading optional fields into a JSON document. */
export function optionalField<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
