/**
 * The member index stories are found through: each member under its weightiest terms with its date,
 * so a new item's candidates are the members sharing its rare terms within the window. A member's
 * rows go with it. This is the first layout, keyed by term (SQLite migration 9, PostgreSQL 8); see
 * STORY_MEMBER_TERMS_BY_DATE for the one in use.
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

/**
 * The member index keyed by date first (SQLite migration 10, PostgreSQL 9). News is filed in date
 * order, so a commit's new rows land together at the end of the index: keyed by term first, each
 * member's 25 rows landed on 25 pages scattered over the whole index, and every commit rewrote about
 * a thousand of them. A probe looks each term up on each day of its window.
 */
export const STORY_MEMBER_TERMS_BY_DATE = {
  sqlite: `CREATE TABLE story_member_terms_by_date (
     published TEXT NOT NULL,
     term TEXT NOT NULL,
     item_id TEXT NOT NULL REFERENCES story_members(item_id) ON DELETE CASCADE,
     PRIMARY KEY (published, term, item_id)
   ) WITHOUT ROWID;
   INSERT INTO story_member_terms_by_date (published, term, item_id)
     SELECT published, term, item_id FROM story_member_terms;
   DROP TABLE story_member_terms;
   ALTER TABLE story_member_terms_by_date RENAME TO story_member_terms;
   CREATE INDEX story_member_terms_item ON story_member_terms(item_id);`,
  postgres: `ALTER TABLE story_member_terms DROP CONSTRAINT story_member_terms_pkey,
     ADD PRIMARY KEY (published, term, item_id);`,
};
