/**
 * The member index stories are found through: each member under its weightiest terms with its date,
 * so a new item's candidates are the members sharing its rare terms within the window. A member's
 * rows go with it.
 */
export function storyMemberTermsTable(dialect: 'sqlite' | 'postgres'): string {
  return `CREATE TABLE story_member_terms (
     term TEXT NOT NULL,
     published TEXT NOT NULL,
     item_id TEXT NOT NULL REFERENCES story_members(item_id) ON DELETE CASCADE,
     PRIMARY KEY (term, published, item_id)
   )${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''};
   CREATE INDEX story_member_terms_item ON story_member_terms(item_id);`;
}
