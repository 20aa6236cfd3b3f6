import { documentIdentity, type Item, type SourceDocument } from '../../src/core/model.js';

/** The source hand-made documents come from. */
export const WIRE = 'feed:https://wire.example/rss';

export function makeDocument(
  origin: string,
  published: string,
  version = 'v1',
  sourceId = WIRE,
): SourceDocument {
  return {
    id: documentIdentity(sourceId, origin),
    sourceId,
    origin,
    fingerprint: `${origin}#${version}`,
    title: `Title of ${origin}`,
    source: 'Test Wire',
    url: `https://example.org/${origin}`,
    published,
    body: `Body of ${origin} ${version}`,
    topics: [],
  };
}

export interface ItemSpec {
  key: string;
  headline: string;
  summary?: string;
  topics: string[];
  sentences: string[];
  position?: number;
}

/** A hand-made item of `document`, its sentences laid end to end with their offsets. */
export function makeItem(document: SourceDocument, spec: ItemSpec): Item {
  let offset = 0;
  const sentences = spec.sentences.map((text) => {
    const sentence = { text, start: offset, end: offset + text.length };
    offset += text.length + 1;
    return sentence;
  });
  return {
    id: `${document.origin}:${spec.key}`,
    documentId: document.id,
    storyKey: `story:${spec.key}`,
    position: spec.position ?? 0,
    headline: spec.headline,
    summary: spec.summary ?? spec.sentences[0] ?? spec.headline,
    keyPoints: spec.sentences.slice(1, 4),
    topics: spec.topics,
    entities: ['Rafah', 'Egypt'],
    published: document.published,
    source: document.source,
    documentTitle: document.title,
    sentences,
    ...(document.url ? { url: document.url } : {}),
  };
}
