/**
 * An FTS5 MATCH expression from user text: every word quoted, so nothing the user types is read as
 * FTS syntax. `all` requires every word; `any` takes items with any of them (ranking prefers more).
 */
export function ftsQuery(text: string, mode: 'all' | 'any'): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)].filter((word) => word.length > 1 || /\d/.test(word));
  if (unique.length === 0) return undefined;
  return unique.map((word) => `"${word}"`).join(mode === 'all' ? ' AND ' : ' OR ');
}
