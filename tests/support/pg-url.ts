/** A PostgreSQL URL whose connections use `schema` first: one database, a schema per test or run. */
export function schemaUrl(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}
