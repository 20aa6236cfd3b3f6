/** Names the bot and, when configured, the operator, so a site owner knows whom to ask. */
export function feedUserAgent(contact: string | undefined): string {
  const base = 'briefbot/0.1 (news briefing bot)';
  return contact ? `${base} operator: ${contact}` : base;
}
