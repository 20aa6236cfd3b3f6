/** An error the user caused and can fix: its message is shown to them as it is. */
export class UserError extends Error {
  override readonly name = 'UserError';
}
