/**
 * Text of a fetched feed or page: by byte-order mark, then the charset the server named, then the
 * XML declaration or HTML meta tag, then UTF-8 if the bytes are valid UTF-8, else windows-1252
 * (what Latin-1 labelled or unlabelled Western pages really are). Never assumes UTF-8 blindly.
 */
export function decodeText(bytes: Uint8Array, contentType?: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decode(bytes.subarray(3), 'utf-8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decode(bytes.subarray(2), 'utf-16be');
  const declared = charsetOf(contentType) ?? declaredInDocument(bytes);
  if (declared) {
    const text = tryDecode(bytes, declared);
    if (text !== undefined) return text;
  }
  return tryDecode(bytes, 'utf-8', true) ?? decode(bytes, 'windows-1252');
}

function charsetOf(contentType: string | null | undefined): string | undefined {
  return /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
}

/** `<?xml ... encoding="..."?>` or `<meta charset>` in the first bytes, read as ASCII. */
function declaredInDocument(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return (
    /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1]
  );
}

function tryDecode(bytes: Uint8Array, label: string, fatal = false): string | undefined {
  try {
    return new TextDecoder(label, { fatal }).decode(bytes);
  } catch {
    // An unknown label, or bytes that are not in the encoding.
    return undefined;
  }
}

function decode(bytes: Uint8Array, label: string): string {
  return new TextDecoder(label).decode(bytes);
}
