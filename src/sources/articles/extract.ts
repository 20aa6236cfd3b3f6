import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlToText } from '../html-text.js';

/**
 * The article text of a news page: Readability picks the body (not the navigation, ads, comments or
 * "related stories") from a linkedom document, and its HTML becomes paragraphs of plain text.
 * Undefined when Readability finds no article.
 */
export function extractArticle(html: string): string | undefined {
  const { document } = parseHTML(html);
  const article = new Readability(
    document as unknown as ConstructorParameters<typeof Readability>[0],
  ).parse();
  const text = article?.content ? htmlToText(article.content) : '';
  return text === '' ? undefined : text;
}
