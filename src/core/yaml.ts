import type { Document } from 'yaml';

/**
 * A parsed YAML document as plain values, with aliases bounded: an alias bomb ("billion laughs")
 * or any other failure to build the values is a problem at a line, never a throw.
 * The line is 1-based within `source`.
 */
export function yamlToJs(
  document: Document,
  source: string,
  maxAliasCount: number,
): { value: unknown } | { line: number; message: string } {
  try {
    return { value: document.toJS({ maxAliasCount }) };
  } catch (error) {
    const aliasLine = source.split('\n').findIndex((line) => /(^|[\s[{,:-])\*[^\s,\]}]+/.test(line));
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return {
        line: aliasLine >= 0 ? aliasLine + 1 : 1,
        message: `too many YAML aliases (more than ${maxAliasCount}): a document that expands this much is refused; raise INGEST_MAX_YAML_ALIASES if it is meant`,
      };
    }
    return { line: 1, message: (error as Error).message };
  }
}
