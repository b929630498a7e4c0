/* fn-store-conflicts.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-store"

#include "config.h"

#include "fn-store.h"

#include "fn-conflict.h"
#include "fn-store-private.h"

#include <glib/gi18n-lib.h>

/**
 * fn_store_list_conflicts:
 * @record_id: (nullable): only the conflicts of this record
 *
 * Returns: (transfer full) (element-type FnConflict): the unresolved note
 *   text conflicts that wait for a person, oldest first
 */
GPtrArray *
fn_store_list_conflicts (FnStore     *self,
                         const char  *record_id,
                         GError     **error)
{
  const char *params[] = { record_id, NULL };

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  return fn_store_load_records (self, FN_ENTITY_CONFLICT,
                                "WHERE t.deleted = 0 AND t.resolved IS NOT 'true'"
                                " AND t.field IN ('title', 'body')"
                                " AND EXISTS (SELECT 1 FROM notes n WHERE n.id = t.record_id"
                                "   AND n.deleted = 0)"
                                " AND (?1 IS NULL OR t.record_id = ?1) ORDER BY t.seq",
                                params, error);
}

/**
 * fn_store_list_conflict_history:
 * @record_id: the record (a note or a patient)
 *
 * Returns: (transfer full) (element-type FnConflict): the record's
 *   conflicts that need nobody: the ones the clock decided (fields other
 *   than a note's title and text) and the ones a person resolved, oldest
 *   first
 */
GPtrArray *
fn_store_list_conflict_history (FnStore     *self,
                                const char  *record_id,
                                GError     **error)
{
  const char *params[] = { record_id, NULL };

  g_return_val_if_fail (FN_IS_STORE (self), NULL);
  g_return_val_if_fail (record_id, NULL);

  return fn_store_load_records (self, FN_ENTITY_CONFLICT,
                                "WHERE t.deleted = 0 AND t.record_id = ?1"
                                " AND (t.resolved IS 'true' OR t.field NOT IN ('title', 'body'))"
                                " ORDER BY t.seq",
                                params, error);
}

/* Loads the conflict's note and its clock, and says whether this
 * installation's write won: the clock of the note's field names the device
 * whose write won. */
static gboolean
load_conflict_note (FnStore     *self,
                    FnConflict  *conflict,
                    FnRecord   **note,
                    JsonObject **note_clock,
                    gboolean    *won,
                    GError     **error)
{
  g_autofree char *clock_json = NULL;
  const char *hlc;
  const char *node = NULL;

  *note = fn_store_load_record (self, FN_ENTITY_NOTE, fn_conflict_get_record_id (conflict),
                                &clock_json, error);
  if (!*note)
    return FALSE;

  *note_clock = fn_store_parse_object (clock_json);
  hlc = json_object_get_string_member_with_default (*note_clock,
                                                    fn_conflict_get_field_name (conflict), NULL);
  *won = fn_hlc_parse (hlc, NULL, NULL, &node) &&
         g_strcmp0 (node, fn_clock_get_node_id (self->clock)) == 0;

  return TRUE;
}

/**
 * fn_store_get_conflict_sides:
 * @mine: (out) (transfer full): the text this laptop wrote
 * @theirs: (out) (transfer full): the other text
 *
 * The clock of the note's field names the device whose write won: when it
 * is this installation, the winning text is ours, otherwise the losing one.
 */
gboolean
fn_store_get_conflict_sides (FnStore     *self,
                             FnConflict  *conflict,
                             char       **mine,
                             char       **theirs,
                             GError     **error)
{
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (JsonObject) clock = NULL;
  gboolean won;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (FN_IS_CONFLICT (conflict), FALSE);

  if (!load_conflict_note (self, conflict, &note, &clock, &won, error))
    return FALSE;

  *mine = g_strdup (won ? fn_conflict_get_winning_value (conflict)
                        : fn_conflict_get_losing_value (conflict));
  *theirs = g_strdup (won ? fn_conflict_get_losing_value (conflict)
                          : fn_conflict_get_winning_value (conflict));

  return TRUE;
}

static GDateTime *
time_of_hlc (const char *hlc)
{
  g_autoptr (GDateTime) seconds = NULL;
  gint64 ms;

  if (!fn_hlc_parse (hlc, &ms, NULL, NULL) ||
      !(seconds = g_date_time_new_from_unix_utc (ms / 1000)))
    return NULL;

  return g_date_time_add (seconds, (ms % 1000) * G_TIME_SPAN_MILLISECOND);
}

/* When @text was written. The reference server gives each value of a
 * conflict record the clock of the write that produced it, which is earlier
 * than the conflict record itself (its record_id is written when the
 * conflict is recorded); a server that stamps the whole conflict record
 * with one clock says nothing about the sides. Then the note's own clock
 * still tells when the text it holds was last written. */
static GDateTime *
conflict_side_time (const char *side_clock,
                    const char *recorded_clock,
                    const char *text,
                    FnRecord   *note,
                    const char *field,
                    JsonObject *note_clock)
{
  if (side_clock && recorded_clock && fn_hlc_compare (side_clock, recorded_clock) < 0)
    return time_of_hlc (side_clock);

  if (g_strcmp0 (fn_record_get_field (note, field), text) == 0)
    return time_of_hlc (json_object_get_string_member_with_default (note_clock, field, NULL));

  return NULL;
}

/**
 * fn_store_describe_conflict:
 * @mine: (out) (transfer full): this laptop's side
 * @theirs: (out) (transfer full): the other side
 *
 * The texts of fn_store_get_conflict_sides(), with who wrote each one and
 * when, as far as the data says. The authors come from the conflict record
 * when the server names them (an extension of the reference server); this
 * laptop's side is otherwise the signed-in user's. The times come from the
 * clocks of the conflict record or of the note; either may be unknown.
 */
gboolean
fn_store_describe_conflict (FnStore         *self,
                            FnConflict      *conflict,
                            FnConflictSide **mine,
                            FnConflictSide **theirs,
                            GError         **error)
{
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (FnRecord) stored = NULL;
  g_autoptr (JsonObject) note_clock = NULL;
  g_autoptr (JsonObject) clock = NULL;
  g_autoptr (FnConflictSide) my_side = g_new0 (FnConflictSide, 1);
  g_autoptr (FnConflictSide) their_side = g_new0 (FnConflictSide, 1);
  g_autofree char *clock_json = NULL;
  const char *field;
  const char *recorded;
  gboolean won;
  struct
  {
    FnConflictSide *side;
    const char *value;
    const char *author;
    const char *clock;
  } sides[2];

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (FN_IS_CONFLICT (conflict), FALSE);

  if (!load_conflict_note (self, conflict, &note, &note_clock, &won, error) ||
      !(stored = fn_store_load_record (self, FN_ENTITY_CONFLICT,
                                       fn_record_get_id (FN_RECORD (conflict)),
                                       &clock_json, error)))
    return FALSE;

  clock = fn_store_parse_object (clock_json);
  field = fn_conflict_get_field_name (conflict);
  recorded = json_object_get_string_member_with_default (clock, "record_id", NULL);

  sides[0].side = won ? my_side : their_side;
  sides[0].value = "winning_value";
  sides[0].author = fn_conflict_get_winning_author (FN_CONFLICT (stored));
  sides[1].side = won ? their_side : my_side;
  sides[1].value = "losing_value";
  sides[1].author = fn_conflict_get_losing_author (FN_CONFLICT (stored));

  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      FnConflictSide *side = sides[i].side;
      const char *hlc = json_object_get_string_member_with_default (clock, sides[i].value, NULL);

      side->text = g_strdup (fn_record_get_field (stored, sides[i].value));
      side->author = g_strdup (sides[i].author);
      side->time = conflict_side_time (hlc, recorded, side->text, note, field, note_clock);
    }

  if (!my_side->author)
    my_side->author = fn_store_get_meta (self, "username");

  *mine = g_steal_pointer (&my_side);
  *theirs = g_steal_pointer (&their_side);

  return TRUE;
}

/**
 * fn_store_resolve_conflict:
 * @merged_text: (nullable): the text for %FN_CONFLICT_MERGED
 *
 * Writes the chosen text to the note (an ordinary write that syncs and
 * wins by its newer clock) and closes the conflict, in one transaction.
 */
gboolean
fn_store_resolve_conflict (FnStore           *self,
                           const char        *conflict_id,
                           FnConflictChoice   choice,
                           const char        *merged_text,
                           GError           **error)
{
  g_autoptr (FnRecord) conflict = NULL;
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (FnRecord) edited = NULL;
  g_autoptr (GPtrArray) note_changes = NULL;
  g_autoptr (GPtrArray) conflict_changes = NULL;
  g_autofree char *note_clock = NULL;
  g_autofree char *conflict_clock = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  const char *text;
  const char *field;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!conflict_id || !(conflict = fn_store_load_record (self, FN_ENTITY_CONFLICT, conflict_id,
                                                         &conflict_clock, error)))
    {
      if (!conflict_id)
        g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                     _("No such record is stored on this laptop."));
      return FALSE;
    }

  field = fn_conflict_get_field_name (FN_CONFLICT (conflict));
  if (fn_conflict_get_resolved (FN_CONFLICT (conflict)) || fn_record_get_deleted (conflict) ||
      (g_strcmp0 (field, "title") != 0 && g_strcmp0 (field, "body") != 0))
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                   _("This conflict does not need resolving."));
      return FALSE;
    }

  if (!fn_store_get_conflict_sides (self, FN_CONFLICT (conflict), &mine, &theirs, error))
    return FALSE;

  text = choice == FN_CONFLICT_KEEP_MINE ? mine
         : choice == FN_CONFLICT_KEEP_THEIRS ? theirs : merged_text;

  note = fn_store_load_record (self, FN_ENTITY_NOTE,
                               fn_conflict_get_record_id (FN_CONFLICT (conflict)),
                               &note_clock, error);
  if (!note)
    return FALSE;

  edited = fn_record_copy (note);
  fn_record_set_field (edited, field, text);
  if (!fn_record_validate (edited, error))
    return FALSE;

  /* Writing into a deleted note would bring it back: only close the
   * conflict, whose record keeps both texts. */
  note_changes = fn_record_get_deleted (note) ? g_ptr_array_new ()
                                              : fn_store_diff_fields (edited, note);
  fn_record_set_field (conflict, "resolved", "true");
  conflict_changes = g_ptr_array_new ();
  g_ptr_array_add (conflict_changes,
                   (gpointer)fn_entity_find_field (FN_ENTITY_CONFLICT, "resolved"));

  if (!fn_store_begin (self, error))
    return FALSE;

  if ((note_changes->len > 0 &&
       !fn_store_write_change_in_transaction (self, edited, FALSE, note_clock, note_changes, FALSE,
                                              error)) ||
      !fn_store_write_change_in_transaction (self, conflict, FALSE, conflict_clock,
                                             conflict_changes, FALSE, error) ||
      !fn_store_commit (self, error))
    {
      if (self->in_transaction)
        fn_store_rollback (self);
      return FALSE;
    }

  fn_store_emit_changed (self, FN_ENTITY_NOTE, fn_record_get_id (edited));
  fn_store_emit_changed (self, FN_ENTITY_CONFLICT, conflict_id);

  return TRUE;
}
