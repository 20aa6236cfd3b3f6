/**
 * Discord's documented message limits, checked the way the API checks them. `limits` problems make the
 * API answer 400 (Invalid Form Body); `mentions` problems pass the API but break our rule that nothing
 * from a document may ping anyone.
 */

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  threadName: 100,
};

export interface PayloadProblems {
  /** Over a limit or malformed: Discord rejects the request. */
  limits: string[];
  /** allowed_mentions missing or allowing something: Discord accepts, our rule does not. */
  mentions: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Characters an embed counts toward the 6,000 per message. */
export function embedChars(embed: Record<string, unknown>): number {
  let total = (text(embed.title) ?? '').length + (text(embed.description) ?? '').length;
  if (isRecord(embed.footer)) total += (text(embed.footer.text) ?? '').length;
  if (isRecord(embed.author)) total += (text(embed.author.name) ?? '').length;
  if (Array.isArray(embed.fields)) {
    for (const field of embed.fields) {
      if (isRecord(field)) total += (text(field.name) ?? '').length + (text(field.value) ?? '').length;
    }
  }
  return total;
}

export function validateEmbed(embed: unknown, at: string): string[] {
  const problems: string[] = [];
  if (!isRecord(embed)) return [`${at}: not an object`];
  const max = (value: unknown, limit: number, name: string) => {
    if (value === undefined) return;
    if (typeof value !== 'string') problems.push(`${at}.${name}: not a string`);
    else if (value.length > limit) problems.push(`${at}.${name}: ${value.length} > ${limit}`);
  };
  max(embed.title, LIMITS.title, 'title');
  max(embed.description, LIMITS.description, 'description');
  if (embed.url !== undefined && (typeof embed.url !== 'string' || !isHttpUrl(embed.url))) {
    problems.push(`${at}.url: not an http(s) URL: ${String(embed.url)}`);
  }
  if (embed.footer !== undefined) {
    if (!isRecord(embed.footer) || typeof embed.footer.text !== 'string')
      problems.push(`${at}.footer: no text`);
    else max(embed.footer.text, LIMITS.footer, 'footer.text');
  }
  if (isRecord(embed.author)) max(embed.author.name, LIMITS.author, 'author.name');
  if (embed.fields !== undefined) {
    if (!Array.isArray(embed.fields)) problems.push(`${at}.fields: not an array`);
    else {
      if (embed.fields.length > LIMITS.fields)
        problems.push(`${at}.fields: ${embed.fields.length} > ${LIMITS.fields}`);
      embed.fields.forEach((field, i) => {
        if (!isRecord(field)) {
          problems.push(`${at}.fields[${i}]: not an object`);
          return;
        }
        for (const [key, limit] of [
          ['name', LIMITS.fieldName],
          ['value', LIMITS.fieldValue],
        ] as const) {
          const value = field[key];
          if (typeof value !== 'string' || value.trim().length === 0) {
            problems.push(`${at}.fields[${i}].${key}: empty`);
          } else if (value.length > limit) {
            problems.push(`${at}.fields[${i}].${key}: ${value.length} > ${limit}`);
          }
        }
      });
    }
  }
  if (embedChars(embed) === 0 && embed.image === undefined && embed.thumbnail === undefined) {
    problems.push(`${at}: empty embed`);
  }
  return problems;
}

/** Checks a message body (create or edit). `requireBody`: an empty message is rejected (code 50006). */
export function validateMessage(body: unknown, requireBody = true): PayloadProblems {
  const limits: string[] = [];
  const mentions: string[] = [];
  if (!isRecord(body)) return { limits: ['body: not an object'], mentions };
  const content = body.content;
  if (content !== undefined && content !== null) {
    if (typeof content !== 'string') limits.push('content: not a string');
    else if (content.length > LIMITS.content) limits.push(`content: ${content.length} > ${LIMITS.content}`);
  }
  const embeds = body.embeds ?? [];
  if (!Array.isArray(embeds)) limits.push('embeds: not an array');
  else {
    if (embeds.length > LIMITS.embeds) limits.push(`embeds: ${embeds.length} > ${LIMITS.embeds}`);
    embeds.forEach((embed, i) => {
      limits.push(...validateEmbed(embed, `embeds[${i}]`));
    });
    const total = embeds.reduce<number>((sum, e) => sum + (isRecord(e) ? embedChars(e) : 0), 0);
    if (total > LIMITS.embedTotal) limits.push(`embeds: ${total} characters in all > ${LIMITS.embedTotal}`);
  }
  const hasContent = typeof content === 'string' && content.trim().length > 0;
  if (requireBody && !hasContent && (!Array.isArray(embeds) || embeds.length === 0)) {
    limits.push('message: empty (no content and no embeds)');
  }

  const allowed = body.allowed_mentions;
  if (!isRecord(allowed)) mentions.push('allowed_mentions: missing (Discord then parses every mention)');
  else {
    if (!Array.isArray(allowed.parse) || allowed.parse.length > 0) {
      mentions.push(`allowed_mentions.parse: ${JSON.stringify(allowed.parse)} (must be [])`);
    }
    for (const key of ['users', 'roles'] as const) {
      if (Array.isArray(allowed[key]) && allowed[key].length > 0) {
        mentions.push(`allowed_mentions.${key}: ${JSON.stringify(allowed[key])}`);
      }
    }
    if (allowed.replied_user === true) mentions.push('allowed_mentions.replied_user: true');
  }
  return { limits, mentions };
}

/** Autocomplete result: at most 25 choices, names and values 1-100 characters. */
export function validateChoices(choices: unknown): string[] {
  if (!Array.isArray(choices)) return ['choices: not an array'];
  const problems: string[] = [];
  if (choices.length > LIMITS.choices) problems.push(`choices: ${choices.length} > ${LIMITS.choices}`);
  choices.forEach((choice, i) => {
    if (!isRecord(choice)) {
      problems.push(`choices[${i}]: not an object`);
      return;
    }
    const name = choice.name;
    const value = choice.value;
    if (typeof name !== 'string' || name.length < 1 || name.length > LIMITS.choiceName) {
      problems.push(`choices[${i}].name: must be 1-${LIMITS.choiceName} characters`);
    }
    if (typeof value === 'string' && (value.length < 1 || value.length > LIMITS.choiceValue)) {
      problems.push(`choices[${i}].value: must be 1-${LIMITS.choiceValue} characters`);
    }
  });
  return problems;
}
