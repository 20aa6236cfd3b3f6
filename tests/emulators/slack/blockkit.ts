/**
 * Slack's published Block Kit limits, checked the way the emulator checks every message it receives.
 * Written from Slack's reference, independently of the renderer's own constants.
 */

export const LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  textObject: 3_000,
  sectionFields: 10,
  sectionField: 2_000,
  contextElements: 10,
  blockId: 255,
  /** Undocumented: Slack answers `msg_blocks_too_long` around 13k characters; stay under 12k. */
  blocksJson: 12_000,
  messageText: 40_000,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkTextObject(where: string, value: unknown, max: number, types: string[], out: string[]): void {
  if (!isObject(value)) {
    out.push(`${where}: text object missing`);
    return;
  }
  if (typeof value.type !== 'string' || !types.includes(value.type)) {
    out.push(`${where}: text type ${String(value.type)} not one of ${types.join(', ')}`);
  }
  if (typeof value.text !== 'string' || value.text.length === 0) {
    out.push(`${where}: text is empty`);
    return;
  }
  if (value.text.length > max) out.push(`${where}: text is ${value.text.length} chars, limit ${max}`);
  if (value.type === 'plain_text' && 'verbatim' in value) out.push(`${where}: verbatim is only for mrkdwn`);
  if (value.type === 'mrkdwn' && 'emoji' in value) out.push(`${where}: emoji is only for plain_text`);
}

/** Every Block Kit rule the message breaks; empty when it is valid. */
export function validateMessage(message: { text?: unknown; blocks?: unknown }): string[] {
  const out: string[] = [];
  if (typeof message.text !== 'string' || message.text.trim().length === 0) {
    out.push('message: fallback text missing');
  } else if (message.text.length > LIMITS.messageText) {
    out.push(`message: text is ${message.text.length} chars, limit ${LIMITS.messageText}`);
  }
  if (message.blocks === undefined) return out;
  if (!Array.isArray(message.blocks)) return [...out, 'message: blocks is not an array'];
  const blocks: unknown[] = message.blocks;
  if (blocks.length === 0) out.push('message: blocks is empty');
  if (blocks.length > LIMITS.blocksPerMessage) {
    out.push(`message: ${blocks.length} blocks, limit ${LIMITS.blocksPerMessage}`);
  }
  const json = JSON.stringify(blocks).length;
  if (json > LIMITS.blocksJson)
    out.push(`message: blocks JSON is ${json} chars, keep under ${LIMITS.blocksJson}`);

  blocks.forEach((block, index) => {
    const where = `blocks[${index}]`;
    if (!isObject(block)) {
      out.push(`${where}: not an object`);
      return;
    }
    if (
      block.block_id !== undefined &&
      (typeof block.block_id !== 'string' || block.block_id.length > LIMITS.blockId)
    ) {
      out.push(`${where}: bad block_id`);
    }
    switch (block.type) {
      case 'header':
        checkTextObject(`${where}.text`, block.text, LIMITS.headerText, ['plain_text'], out);
        break;
      case 'section': {
        if (block.text === undefined && block.fields === undefined)
          out.push(`${where}: needs text or fields`);
        if (block.text !== undefined) {
          checkTextObject(`${where}.text`, block.text, LIMITS.textObject, ['mrkdwn', 'plain_text'], out);
        }
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > LIMITS.sectionFields) {
            out.push(`${where}: fields must be an array of at most ${LIMITS.sectionFields}`);
          } else {
            for (const [i, field] of block.fields.entries()) {
              checkTextObject(
                `${where}.fields[${i}]`,
                field,
                LIMITS.sectionField,
                ['mrkdwn', 'plain_text'],
                out,
              );
            }
          }
        }
        break;
      }
      case 'context': {
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          out.push(`${where}: context needs elements`);
          break;
        }
        if (block.elements.length > LIMITS.contextElements) {
          out.push(`${where}: ${block.elements.length} context elements, limit ${LIMITS.contextElements}`);
        }
        block.elements.forEach((element, i) => {
          if (isObject(element) && element.type === 'image') return;
          checkTextObject(
            `${where}.elements[${i}]`,
            element,
            LIMITS.textObject,
            ['mrkdwn', 'plain_text'],
            out,
          );
        });
        break;
      }
      case 'divider':
        break;
      default:
        out.push(`${where}: block type ${String(block.type)} not supported by the emulator`);
    }
  });
  return out;
}

/** Every string that Slack would render from a message: fallback text and all text objects. */
export function messageTexts(message: { text?: unknown; blocks?: unknown }): string[] {
  const texts: string[] = typeof message.text === 'string' ? [message.text] : [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      if ((value.type === 'mrkdwn' || value.type === 'plain_text') && typeof value.text === 'string') {
        texts.push(value.text);
      }
      for (const [key, child] of Object.entries(value)) if (key !== 'text' || isObject(child)) visit(child);
    }
  };
  visit(message.blocks);
  return texts;
}

/** Links the renderer may emit: `<http(s)://...|label>`, URL without spaces, `<`, `>` or `|`. */
export const RENDERED_LINK = /<(https?:\/\/[^\s<>|]+)\|([^<>]*)>/g;

/**
 * Markup in a rendered text that did not come from the renderer: any `<` outside a well-formed link,
 * `>` other than a quote marker at the start of a line, and `&` not starting one of Slack's three
 * entities. Empty means every document character arrived escaped.
 */
export function unescapedMarkup(text: string): string[] {
  const problems: string[] = [];
  const withoutLinks = text.replace(RENDERED_LINK, (_whole, _url: string, label: string) => `LINK(${label})`);
  const withoutQuotes = withoutLinks.replace(/^> /gm, '');
  for (const match of withoutQuotes.matchAll(/[<>]/g)) {
    problems.push(
      `raw ${match[0]} at ${match.index}: …${withoutQuotes.slice(Math.max(0, match.index - 20), match.index + 20)}…`,
    );
  }
  for (const match of withoutQuotes.matchAll(/&(?!amp;|lt;|gt;)/g)) {
    problems.push(`bare & at ${match.index}`);
  }
  return problems;
}
