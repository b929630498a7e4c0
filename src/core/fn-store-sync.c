/* fn-store-sync.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-store"

#include "config.h"

#include "fn-store.h"

#include "fn-note.h"
#include "fn-record-json.h"
#include "fn-signature.h"
#include "fn-store-private.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

static gboolean
invalid_response (GError     **error,
                  const char  *what)
{
  g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
               _("The server's answer is not valid (%s), so nothing was changed."), what);
  return FALSE;
}

/* The names (fields and "deleted") that local ops still have to deliver:
 * a pulled or acknowledged server record must not overwrite them. */
static GHashTable *
load_pending_names (FnStore     *self,
                    const char  *record_id,
                    GError     **error)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fn_store_get_statement (self,
                                 "SELECT clock FROM outbox WHERE record_id = ?1"
                                 " AND state IN ('pending', 'sending')",
                                 error);
  if (!stmt)
    return NULL;

  fn_store_bind_text (stmt, 1, record_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *clock_json = (const char *)sqlite3_column_text (stmt, 0);
      g_autoptr (JsonObject) clock = fn_store_parse_object (clock_json);
      g_autoptr (GList) members = json_object_get_members (clock);

      for (GList *l = members; l; l = l->next)
        g_hash_table_add (names, g_strdup (l->data));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading pending changes"));
      return NULL;
    }

  return g_steal_pointer (&names);
}

/**
 * fn_store_is_field_pending:
 * @field: a field name, or "deleted"
 *
 * Whether a local change of @field of the record has not reached the
 * server yet. A pull never overwrites such a field, so when its value
 * changes it was written on this laptop.
 *
 * Returns: %TRUE if it is pending; %FALSE if not, or with @error set if
 *   the outbox could not be read
 */
gboolean
fn_store_is_field_pending (FnStore     *self,
                           const char  *record_id,
                           const char  *field,
                           GError     **error)
{
  g_autoptr (GHashTable) names = NULL;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (record_id, FALSE);
  g_return_val_if_fail (field, FALSE);

  names = load_pending_names (self, record_id, error);

  return names && g_hash_table_contains (names, field);
}

static void
observe_clock (FnStore    *self,
               JsonObject *clock)
{
  g_autoptr (GList) members = json_object_get_members (clock);

  for (GList *l = members; l; l = l->next)
    fn_clock_observe (self->clock, json_object_get_string_member (clock, l->data));
}

static gboolean
read_version (FnStore     *self,
              FnEntity     entity,
              const char  *id,
              gboolean    *exists,
              gint64      *version,
              GError     **error)
{
  static const char * const sql[FN_N_ENTITIES] = {
    "SELECT version FROM patients WHERE id = ?1",
    "SELECT version FROM notes WHERE id = ?1",
    "SELECT version FROM signatures WHERE id = ?1",
    "SELECT version FROM conflicts WHERE id = ?1",
  };
  sqlite3_stmt *stmt = fn_store_get_statement (self, sql[entity], error);
  int rc;

  if (!stmt)
    return FALSE;

  fn_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  *exists = rc == SQLITE_ROW;
  *version = *exists ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading a record"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
has_rejected_op (FnStore     *self,
                 const char  *record_id,
                 gboolean    *refused,
                 GError     **error)
{
  sqlite3_stmt *stmt = fn_store_get_statement (self,
                                               "SELECT 1 FROM outbox WHERE record_id = ?1"
                                               " AND state = 'rejected'",
                                               error);
  int rc;

  if (!stmt)
    return FALSE;

  fn_store_bind_text (stmt, 1, record_id);
  rc = sqlite3_step (stmt);
  *refused = rc == SQLITE_ROW;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading pending changes"));
      return FALSE;
    }

  return TRUE;
}

/* Takes the server's version of a record, keeping every field that a local
 * op has not delivered yet (the push merges those on the server). */
static gboolean
apply_server_record (FnStore     *self,
                     FnRecord    *server,
                     JsonObject  *server_clock,
                     GError     **error)
{
  FnEntity entity = fn_record_get_entity (server);
  const char *id = fn_record_get_id (server);
  g_autoptr (GHashTable) pending = NULL;
  g_autoptr (FnRecord) local = NULL;
  g_autoptr (JsonObject) clock = json_object_new ();
  g_autofree char *local_clock_json = NULL;
  g_autofree char *clock_json = NULL;
  gboolean exists;
  gint64 local_version;

  observe_clock (self, server_clock);
  fn_store_merge_object (clock, server_clock);

  /* Most records of a page are new or unchanged here: look at the version
   * only, and read the whole local record just when a local op still has
   * fields to deliver. */
  if (!read_version (self, entity, id, &exists, &local_version, error))
    return FALSE;

  /* A page can be older than a push result already applied: never go back. */
  if (exists && local_version > fn_record_get_version (server))
    return TRUE;

  /* A pull from the start (after a discarded refusal) sends every record
   * again: one the office has not changed keeps the values of a refused
   * change that is still waiting for the caregiver's decision. */
  if (exists && local_version == fn_record_get_version (server))
    {
      gboolean refused;

      if (!has_rejected_op (self, id, &refused, error))
        return FALSE;
      if (refused)
        return TRUE;
    }

  if (exists)
    {
      if (!(pending = load_pending_names (self, id, error)))
        return FALSE;
    }

  if (pending && g_hash_table_size (pending) > 0)
    {
      g_autoptr (JsonObject) local_clock = NULL;
      GHashTableIter iter;
      const char *name;

      if (!(local = fn_store_load_record (self, entity, id, &local_clock_json, error)))
        return FALSE;
      local_clock = fn_store_parse_object (local_clock_json);

      g_hash_table_iter_init (&iter, pending);
      while (g_hash_table_iter_next (&iter, (gpointer *)&name, NULL))
        {
          if (g_str_equal (name, "deleted"))
            fn_record_set_deleted (server, fn_record_get_deleted (local));
          else if (fn_entity_find_field (entity, name))
            fn_record_set_field (server, name, fn_record_get_field (local, name));
          else
            continue;

          if (json_object_has_member (local_clock, name))
            json_object_set_string_member (clock, name,
                                           json_object_get_string_member (local_clock, name));
        }
    }

  clock_json = fn_store_object_to_string (clock);
  return fn_store_write_row (self, server, !exists, clock_json, error);
}

static gboolean
remove_patient (FnStore     *self,
                const char  *patient_id,
                GError     **error)
{
  static const char * const undelivered_kept[] = {
    /* Notes, their signatures and conflicts go, except what a local op
     * still has to deliver: that stays visible as undelivered work. */
    "DELETE FROM conflicts WHERE record_id IN (SELECT id FROM notes WHERE patient_id = ?1"
    "  AND id NOT IN (SELECT record_id FROM outbox))",
    "DELETE FROM signatures WHERE note_id IN (SELECT id FROM notes WHERE patient_id = ?1)"
    "  AND id NOT IN (SELECT record_id FROM outbox)",
    "DELETE FROM notes WHERE patient_id = ?1 AND id NOT IN (SELECT record_id FROM outbox)",
    "DELETE FROM conflicts WHERE record_id = ?1"
    "  AND NOT EXISTS (SELECT 1 FROM outbox WHERE patient_id = ?1)",
    "DELETE FROM patients WHERE id = ?1"
    "  AND NOT EXISTS (SELECT 1 FROM outbox WHERE patient_id = ?1)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (undelivered_kept); i++)
    {
      sqlite3_stmt *stmt = fn_store_get_statement (self, undelivered_kept[i], error);

      if (!stmt)
        return FALSE;
      fn_store_bind_text (stmt, 1, patient_id);
      if (!fn_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* An op that delivers a signature whose strokes or image the server does
 * not have yet (it refuses such a signature), in SQL over "outbox o". */
#define SIGNATURE_OP_AWAITS_BLOBS                                      \
  "o.entity = 'signature' AND o.deleted = 0 AND o.state != 'rejected'" \
  " AND EXISTS (SELECT 1 FROM signatures s JOIN blobs b"               \
  "   ON b.sha256 IN (s.strokes_blob, s.image_blob)"                   \
  "   WHERE s.id = o.record_id AND b.uploaded = 0)"

static GPtrArray *list_strings (FnStore     *self,
                                const char  *sql,
                                GError     **error);

/**
 * fn_store_begin_push:
 * @defer_signatures: leave out the ops of signatures whose blobs are not
 *   uploaded yet; they stay pending, untouched, for a later push
 *
 * Marks up to @limit ops, oldest first, as being sent and returns them.
 * Ops left "sending" by an interrupted run are sent again with the same op
 * id, which the server recognises as duplicates.
 *
 * Returns: (transfer full) (element-type FnOutboxOp): the ops to push
 */
GPtrArray *
fn_store_begin_push (FnStore   *self,
                     guint      limit,
                     gboolean   defer_signatures,
                     GError   **error)
{
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify)fn_outbox_op_free);
  g_autoptr (GPtrArray) held = NULL;
  sqlite3_stmt *stmt = NULL;

  if (!(all = fn_store_list_outbox (self, error)))
    return NULL;

  if (defer_signatures &&
      !(held = list_strings (self, "SELECT o.op_id FROM outbox o WHERE " SIGNATURE_OP_AWAITS_BLOBS,
                             error)))
    return NULL;

  for (guint i = 0; i < all->len && ops->len < limit; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (all, i);

      if (g_str_equal (op->state, "rejected"))
        continue;
      if (held && g_ptr_array_find_with_equal_func (held, op->op_id, g_str_equal, NULL))
        continue;
      g_ptr_array_add (ops, g_ptr_array_steal_index (all, i--));
    }

  if (ops->len == 0)
    return g_steal_pointer (&ops);

  if (!fn_store_begin (self, error))
    return NULL;

  for (guint i = 0; i < ops->len; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);

      stmt = fn_store_get_statement (self,
                                     "UPDATE outbox SET state = 'sending', attempts = attempts + 1"
                                     " WHERE seq = ?1",
                                     error);
      if (!stmt)
        break;
      sqlite3_bind_int64 (stmt, 1, op->seq);
      if (!fn_store_step_done (self, stmt, error))
        {
          stmt = NULL;
          break;
        }
      g_free (op->state);
      op->state = g_strdup ("sending");
    }

  if (!stmt || !fn_store_commit (self, error))
    {
      if (self->in_transaction)
        fn_store_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&ops);
}

typedef struct
{
  const char *status;
  FnRecord *record;
  JsonObject *clock;
  char *error;
} PushResult;

static void
push_result_clear (PushResult *result)
{
  g_clear_object (&result->record);
  g_clear_pointer (&result->clock, json_object_unref);
  g_clear_pointer (&result->error, g_free);
}

/* A string member of a server answer, or NULL for anything else. */
static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
parse_push_result (JsonNode    *node,
                   FnOutboxOp  *op,
                   PushResult  *result,
                   GError     **error)
{
  JsonObject *object;
  JsonNode *record;
  JsonNode *problem;
  const char *status;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid_response (error, "a push result is not an object");

  object = json_node_get_object (node);
  if (g_strcmp0 (string_member (object, "op_id"), op->op_id) != 0)
    return invalid_response (error, "push results do not match the ops sent");

  status = string_member (object, "status");
  if (!status)
    status = "";
  if (g_str_equal (status, "rejected"))
    {
      problem = json_object_get_member (object, "error");
      result->status = "rejected";
      if (problem && JSON_NODE_HOLDS_OBJECT (problem))
        {
          JsonObject *p = json_node_get_object (problem);
          const char *detail = string_member (p, "detail");

          result->error = g_strdup (detail ? detail : string_member (p, "title"));
        }
      if (!result->error)
        result->error = g_strdup (_("The office refused this change."));
      return TRUE;
    }

  if (!g_str_equal (status, "applied") && !g_str_equal (status, "duplicate") &&
      !g_str_equal (status, "conflict"))
    return invalid_response (error, "unknown push status");

  result->status = g_str_equal (status, "applied") ? "applied"
                   : g_str_equal (status, "duplicate") ? "duplicate" : "conflict";

  record = json_object_get_member (object, "record");
  result->record = fn_record_from_json (record, &result->clock, NULL, error);
  if (!result->record)
    return FALSE;
  if (g_strcmp0 (fn_record_get_id (result->record), op->record_id) != 0 ||
      fn_record_get_entity (result->record) != op->entity)
    return invalid_response (error, "a push result is about another record");

  return TRUE;
}

/**
 * fn_store_finish_push:
 * @ops: (element-type FnOutboxOp): what fn_store_begin_push() returned
 * @results: the server's "results" array
 *
 * Validates every result, then in one transaction clears acknowledged ops,
 * stores the server's records (keeping fields still pending) and marks
 * rejected ops with the server's reason. Nothing leaves the outbox before
 * the server has acknowledged it.
 */
gboolean
fn_store_finish_push (FnStore    *self,
                      GPtrArray  *ops,
                      JsonArray  *results,
                      guint      *n_rejected,
                      GError    **error)
{
  g_autofree PushResult *parsed = NULL;
  guint n = MIN (ops->len, json_array_get_length (results));
  gboolean ok = TRUE;

  if (n_rejected)
    *n_rejected = 0;

  if (json_array_get_length (results) > ops->len)
    return invalid_response (error, "more push results than ops");

  parsed = g_new0 (PushResult, n + 1);
  for (guint i = 0; i < n && ok; i++)
    ok = parse_push_result (json_array_get_element (results, i),
                            g_ptr_array_index (ops, i), &parsed[i], error);

  if (ok && (ok = fn_store_begin (self, error)))
    {
      for (guint i = 0; i < n && ok; i++)
        {
          FnOutboxOp *op = g_ptr_array_index (ops, i);
          sqlite3_stmt *stmt;

          if (g_str_equal (parsed[i].status, "rejected"))
            {
              stmt = fn_store_get_statement (self,
                                             "UPDATE outbox SET state = 'rejected',"
                                             " last_error = ?2, updated_at = ?3"
                                             " WHERE op_id = ?1",
                                             error);
              ok = stmt != NULL;
              if (ok)
                {
                  fn_store_bind_text (stmt, 1, op->op_id);
                  fn_store_bind_text (stmt, 2, parsed[i].error);
                  sqlite3_bind_int64 (stmt, 3, fn_store_now_ms ());
                  ok = fn_store_step_done (self, stmt, error);
                }
              if (ok && n_rejected)
                (*n_rejected)++;
              continue;
            }

          stmt = fn_store_get_statement (self, "DELETE FROM outbox WHERE op_id = ?1", error);
          ok = stmt != NULL;
          if (ok)
            {
              fn_store_bind_text (stmt, 1, op->op_id);
              ok = fn_store_step_done (self, stmt, error) &&
                   apply_server_record (self, parsed[i].record, parsed[i].clock, error);
            }
        }

      ok = ok && fn_store_persist_clock (self, error) && fn_store_commit (self, error);
      if (!ok && self->in_transaction)
        fn_store_rollback (self);
    }

  for (guint i = 0; i < n; i++)
    push_result_clear (&parsed[i]);

  return ok;
}

/**
 * fn_store_apply_pull:
 * @changes: the page's "changes" array
 * @cursor: the page's cursor, stored with the page
 *
 * Validates the whole page, then applies it and the new cursor in one
 * transaction, so that a crash repeats at most this page.
 */
gboolean
fn_store_apply_pull (FnStore     *self,
                     JsonArray   *changes,
                     const char  *cursor,
                     guint       *n_applied,
                     GError     **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) clocks = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_autoptr (GArray) removed = g_array_new (FALSE, FALSE, sizeof (gboolean));
  guint length = json_array_get_length (changes);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  if (!cursor || !*cursor || strlen (cursor) > FN_STRING_MAX_BYTES ||
      !g_utf8_validate (cursor, -1, NULL))
    return invalid_response (error, "the pull cursor is missing");

  for (guint i = 0; i < length; i++)
    {
      JsonObject *clock = NULL;
      gboolean is_removed = FALSE;
      FnRecord *record = fn_record_from_json (json_array_get_element (changes, i), &clock,
                                              &is_removed, error);

      if (!record)
        return FALSE;
      g_ptr_array_add (records, record);
      g_ptr_array_add (clocks, clock);
      g_array_append_val (removed, is_removed);
    }

  if (!fn_store_begin (self, error))
    return FALSE;

  for (guint i = 0; i < length && ok; i++)
    {
      FnRecord *record = g_ptr_array_index (records, i);

      if (g_array_index (removed, gboolean, i))
        ok = remove_patient (self, fn_record_get_id (record), error);
      else
        ok = apply_server_record (self, record, g_ptr_array_index (clocks, i), error);
    }

  if (ok)
    {
      stmt = fn_store_get_statement (self, "UPDATE sync_state SET cursor = ?1 WHERE id = 1", error);
      ok = stmt != NULL;
      if (ok)
        {
          fn_store_bind_text (stmt, 1, cursor);
          ok = fn_store_step_done (self, stmt, error);
        }
    }

  ok = ok && fn_store_persist_clock (self, error) && fn_store_commit (self, error);
  if (!ok && self->in_transaction)
    fn_store_rollback (self);

  if (ok && n_applied)
    *n_applied = length;

  return ok;
}

gboolean
fn_store_set_last_sync (FnStore  *self,
                        gint64    when_ms,
                        GError  **error)
{
  sqlite3_stmt *stmt = fn_store_get_statement (self,
                                               "UPDATE sync_state SET last_sync_at = ?1"
                                               " WHERE id = 1",
                                               error);

  if (!stmt)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, when_ms);
  return fn_store_step_done (self, stmt, error);
}

/* The record and, for a patient or a note, what hangs off it on this
 * laptop only: its notes, their signatures. */
#define DOOMED_IDS                                      \
  "WITH doomed (id) AS (SELECT ?1"                      \
  " UNION SELECT id FROM notes WHERE patient_id = ?1"   \
  " UNION SELECT id FROM signatures WHERE note_id = ?1" \
  "   OR note_id IN (SELECT id FROM notes WHERE patient_id = ?1)) "

static gboolean
remove_never_delivered (FnStore     *self,
                        const char  *record_id,
                        GError     **error)
{
  static const char * const statements[] = {
    DOOMED_IDS "DELETE FROM outbox WHERE record_id IN doomed",
    DOOMED_IDS "DELETE FROM conflicts WHERE record_id IN doomed",
    /* Strokes and images that no other signature uses. */
    DOOMED_IDS "DELETE FROM blobs WHERE sha256 IN"
    " (SELECT strokes_blob FROM signatures WHERE id IN doomed"
    "  UNION SELECT image_blob FROM signatures WHERE id IN doomed)"
    " AND sha256 NOT IN"
    " (SELECT strokes_blob FROM signatures WHERE id NOT IN doomed AND strokes_blob IS NOT NULL"
    "  UNION SELECT image_blob FROM signatures WHERE id NOT IN doomed"
    "    AND image_blob IS NOT NULL)",
    DOOMED_IDS "DELETE FROM signatures WHERE id IN doomed",
    DOOMED_IDS "DELETE FROM notes WHERE id IN doomed",
    DOOMED_IDS "DELETE FROM patients WHERE id IN doomed",
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      sqlite3_stmt *stmt = fn_store_get_statement (self, statements[i], error);

      if (!stmt)
        return FALSE;
      fn_store_bind_text (stmt, 1, record_id);
      if (!fn_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * fn_store_discard_rejected:
 * @record_id: the id of a record with a change the office refused
 * @removed: (out) (optional): set to %TRUE when the record was removed
 *   from this laptop because the office never had it
 *
 * Gives up the refused change(s) of a record, in one transaction:
 *
 * - if the office has the record (version > 0), its refused ops leave the
 *   outbox; later edits of the record that are still pending stay and are
 *   sent as usual. The next sync pulls from the start, which replaces the
 *   refused values with the office's (the pull keeps only pending fields);
 * - if the office never had it (version 0, e.g. a note for a patient who
 *   is no longer assigned), the record goes, with every op of it, the
 *   notes and signatures that hang off it, their conflicts and the blobs
 *   no other signature uses. The next sync also pulls from the start, so
 *   that a patient kept only for this undelivered work leaves too.
 *
 * Refused when the record has no refused change (%FN_STORE_ERROR_NOT_FOUND)
 * and while one of its ops is being sent (%FN_STORE_ERROR_FAILED: the
 * server's answer to it is not known yet). Call it when no sync is running:
 * a pull under way would store its cursor over the reset one.
 *
 * Returns: %TRUE on success
 */
gboolean
fn_store_discard_rejected (FnStore     *self,
                           const char  *record_id,
                           gboolean    *removed,
                           GError     **error)
{
  g_autofree char *entity_name = NULL;
  g_autofree char *patient_id = NULL;
  sqlite3_stmt *stmt;
  FnEntity entity = FN_ENTITY_INVALID;
  gboolean exists = FALSE;
  gboolean gone = FALSE;
  gint64 version = 0;
  guint n_rejected = 0;
  guint n_sending = 0;
  gboolean ok;
  int rc;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (record_id, FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (removed)
    *removed = FALSE;

  if (!fn_store_begin (self, error))
    return FALSE;

  stmt = fn_store_get_statement (self,
                                 "SELECT entity, patient_id, state FROM outbox"
                                 " WHERE record_id = ?1 ORDER BY seq",
                                 error);
  ok = stmt != NULL;
  if (ok)
    {
      fn_store_bind_text (stmt, 1, record_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *state = (const char *)sqlite3_column_text (stmt, 2);

          if (g_strcmp0 (state, "rejected") == 0)
            {
              n_rejected++;
              if (!entity_name)
                {
                  entity_name = fn_store_dup_column (stmt, 0);
                  patient_id = fn_store_dup_column (stmt, 1);
                }
            }
          else if (g_strcmp0 (state, "sending") == 0)
            n_sending++;
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          fn_store_set_sqlite_error (self, error, rc, _("reading pending changes"));
          ok = FALSE;
        }
    }

  if (ok && n_rejected == 0)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                   _("This record has no refused change to discard."));
      ok = FALSE;
    }
  else if (ok && n_sending > 0)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED,
                   _("This record is being sent to the office right now. "
                     "Try again when the sync has finished."));
      ok = FALSE;
    }

  if (ok)
    {
      entity = fn_entity_from_string (entity_name);
      if (entity == FN_ENTITY_INVALID)
        {
          g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_CORRUPT,
                       _("The refused change names an unknown kind of record."));
          ok = FALSE;
        }
      else
        ok = read_version (self, entity, record_id, &exists, &version, error);
    }

  if (ok && exists && version == 0)
    {
      ok = remove_never_delivered (self, record_id, error);
      gone = TRUE;
    }
  else if (ok)
    {
      stmt = fn_store_get_statement (self,
                                     "DELETE FROM outbox WHERE record_id = ?1"
                                     " AND state = 'rejected'",
                                     error);
      ok = stmt != NULL;
      if (ok)
        {
          fn_store_bind_text (stmt, 1, record_id);
          ok = fn_store_step_done (self, stmt, error);
        }
    }

  if (ok)
    {
      stmt = fn_store_get_statement (self, "UPDATE sync_state SET cursor = NULL WHERE id = 1",
                                     error);
      ok = stmt != NULL && fn_store_step_done (self, stmt, error);
    }

  ok = ok && fn_store_commit (self, error);
  if (!ok)
    {
      if (self->in_transaction)
        fn_store_rollback (self);
      return FALSE;
    }

  g_debug ("discarded %u refused ops of %s %s%s", n_rejected, entity_name, record_id,
           gone ? ", removed from this laptop" : "");

  if (removed)
    *removed = gone;

  fn_store_emit_changed (self, entity, record_id);
  if (gone && entity != FN_ENTITY_SIGNATURE)
    fn_store_emit_changed (self, FN_ENTITY_SIGNATURE, NULL);
  if (patient_id && entity != FN_ENTITY_PATIENT)
    fn_store_emit_changed (self, FN_ENTITY_PATIENT, patient_id);

  return TRUE;
}

static char *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/**
 * fn_store_put_blob:
 *
 * Keeps @data under its SHA-256 (once); @sha256 must be that hash.
 */
gboolean
fn_store_put_blob (FnStore     *self,
                   const char  *sha256,
                   GBytes      *data,
                   gboolean     uploaded,
                   GError     **error)
{
  g_autofree char *actual = sha256_of (data);
  sqlite3_stmt *stmt;
  gsize size;
  gconstpointer bytes;

  if (!fn_validate_sha256 (sha256) || g_strcmp0 (actual, sha256) != 0)
    return invalid_response (error, "a blob does not match its hash");

  stmt = fn_store_get_statement (self,
                                 "INSERT INTO blobs (sha256, data, uploaded, created_at)"
                                 " VALUES (?1, ?2, ?3, ?4)"
                                 " ON CONFLICT (sha256)"
                                 " DO UPDATE SET uploaded = max (uploaded, ?3)",
                                 error);
  if (!stmt)
    return FALSE;

  bytes = g_bytes_get_data (data, &size);
  fn_store_bind_text (stmt, 1, sha256);
  sqlite3_bind_blob (stmt, 2, size ? bytes : "", size, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, uploaded);
  sqlite3_bind_int64 (stmt, 4, fn_store_now_ms ());

  return fn_store_step_done (self, stmt, error);
}

/**
 * fn_store_get_blob:
 *
 * Returns: (transfer full) (nullable): the blob, or %NULL with @error set
 */
GBytes *
fn_store_get_blob (FnStore     *self,
                   const char  *sha256,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  GBytes *bytes = NULL;
  int rc;

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  if (!(stmt = fn_store_get_statement (self, "SELECT data FROM blobs WHERE sha256 = ?1", error)))
    return NULL;

  fn_store_bind_text (stmt, 1, sha256);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fn_store_set_sqlite_error (self, error, rc, _("reading a signature"));
  else if (!bytes)
    g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                 _("The signature's image has not reached this laptop yet."));

  return bytes;
}

static GPtrArray *
list_strings (FnStore     *self,
              const char  *sql,
              GError     **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = fn_store_get_statement (self, sql, error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, fn_store_dup_column (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading signatures"));
      return NULL;
    }

  return g_steal_pointer (&out);
}

/**
 * fn_store_list_blobs_to_upload:
 *
 * Returns: (transfer full) (element-type utf8): hashes the server lacks
 */
GPtrArray *
fn_store_list_blobs_to_upload (FnStore  *self,
                               GError  **error)
{
  return list_strings (self, "SELECT sha256 FROM blobs WHERE uploaded = 0 ORDER BY created_at",
                       error);
}

gboolean
fn_store_mark_blob_uploaded (FnStore     *self,
                             const char  *sha256,
                             GError     **error)
{
  sqlite3_stmt *stmt = fn_store_get_statement (self,
                                               "UPDATE blobs SET uploaded = 1 WHERE sha256 = ?1",
                                               error);

  if (!stmt)
    return FALSE;

  fn_store_bind_text (stmt, 1, sha256);
  return fn_store_step_done (self, stmt, error);
}

/**
 * fn_store_list_missing_blobs:
 *
 * Returns: (transfer full) (element-type utf8): blobs that pulled
 *   signatures name and this laptop does not have yet
 */
GPtrArray *
fn_store_list_missing_blobs (FnStore  *self,
                             GError  **error)
{
  return list_strings (self,
                       "SELECT h FROM (SELECT strokes_blob AS h FROM signatures WHERE deleted = 0"
                       " UNION SELECT image_blob FROM signatures WHERE deleted = 0)"
                       " WHERE h IS NOT NULL AND h NOT IN (SELECT sha256 FROM blobs)",
                       error);
}

/**
 * fn_store_count_signatures_to_upload:
 *
 * Returns: how many signatures wait in the outbox for their blobs to be
 *   uploaded (what fn_store_begin_push() defers)
 */
guint
fn_store_count_signatures_to_upload (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), 0);

  return fn_store_count (self, "SELECT count(*) FROM outbox o WHERE " SIGNATURE_OP_AWAITS_BLOBS);
}

/**
 * fn_store_count_signatures_to_download:
 *
 * Returns: how many signatures lack a blob on this laptop (see
 *   fn_store_list_missing_blobs())
 */
guint
fn_store_count_signatures_to_download (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), 0);

  return fn_store_count (self,
                         "SELECT count(*) FROM signatures WHERE deleted = 0"
                         " AND (strokes_blob NOT IN (SELECT sha256 FROM blobs)"
                         "   OR image_blob NOT IN (SELECT sha256 FROM blobs))");
}

/**
 * fn_store_get_signature_for_note:
 *
 * Returns: (transfer full) (nullable): the note's signature, or %NULL
 *   (without @error set) when it has none
 */
FnSignature *
fn_store_get_signature_for_note (FnStore     *self,
                                 const char  *note_id,
                                 GError     **error)
{
  const char *params[] = { note_id, NULL };
  g_autoptr (GPtrArray) found = NULL;

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  found = fn_store_load_records (self, FN_ENTITY_SIGNATURE,
                                 "WHERE t.note_id = ?1 AND t.deleted = 0"
                                 " ORDER BY t.seq DESC LIMIT 1",
                                 params, error);
  if (!found || found->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (found, 0));
}

/**
 * fn_store_check_signature:
 * @signature: (out) (optional) (transfer full): the signature, if any
 *
 * Compares the note's current canonical content with what was signed.
 */
FnSignatureCheck
fn_store_check_signature (FnStore      *self,
                          const char   *note_id,
                          FnSignature **signature,
                          GError      **error)
{
  g_autoptr (FnSignature) found = NULL;
  g_autoptr (FnRecord) note = NULL;
  g_autofree char *hash = NULL;
  g_autoptr (GBytes) strokes = NULL;
  g_autoptr (GBytes) image = NULL;
  FnSignatureCheck check;

  g_return_val_if_fail (FN_IS_STORE (self), FN_SIGNATURE_CHECK_UNSIGNED);

  found = fn_store_get_signature_for_note (self, note_id, error);
  if (!found)
    return FN_SIGNATURE_CHECK_UNSIGNED;

  note = fn_store_load_record (self, FN_ENTITY_NOTE, note_id, NULL, error);
  if (!note)
    return FN_SIGNATURE_CHECK_UNSIGNED;

  hash = fn_note_dup_content_sha256 (FN_NOTE (note));
  strokes = fn_store_get_blob (self, fn_record_get_field (FN_RECORD (found), "strokes_blob"), NULL);
  image = fn_store_get_blob (self, fn_record_get_field (FN_RECORD (found), "image_blob"), NULL);

  if (g_strcmp0 (hash, fn_record_get_field (FN_RECORD (found), "note_sha256")) != 0)
    check = FN_SIGNATURE_CHECK_NOTE_CHANGED;
  else if (!strokes || !image)
    check = FN_SIGNATURE_CHECK_BLOBS_MISSING;
  else
    check = FN_SIGNATURE_CHECK_VALID;

  if (signature)
    *signature = g_steal_pointer (&found);

  return check;
}

/**
 * fn_store_add_signature:
 * @signer_role: "patient", "relative" or "caregiver"
 *
 * Signs the note as it is now: keeps the strokes and their PNG rendering
 * as blobs and writes the immutable signature record with its op, in one
 * transaction. Refused for an empty or too small signature, a note with an
 * unresolved text conflict, and a note that is already signed.
 *
 * Returns: (transfer full): the signature, or %NULL with @error set
 */
FnSignature *
fn_store_add_signature (FnStore     *self,
                        const char  *note_id,
                        const char  *signer_name,
                        const char  *signer_role,
                        FnStrokes   *strokes,
                        GError     **error)
{
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (FnSignature) existing = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GBytes) strokes_blob = NULL;
  g_autoptr (GBytes) image_blob = NULL;
  g_autoptr (FnStrokes) stored = NULL;
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GPtrArray) changed = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *captured_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *note_hash = NULL;
  g_autofree char *strokes_hash = NULL;
  g_autofree char *image_hash = NULL;
  g_autofree char *id = fn_uuid_new ();

  g_return_val_if_fail (FN_IS_STORE (self), NULL);
  g_return_val_if_fail (strokes, NULL);
  g_return_val_if_fail (!self->in_transaction, NULL);

  if (!(note = fn_store_load_record (self, FN_ENTITY_NOTE, note_id, NULL, error)))
    return NULL;
  if (fn_record_get_deleted (note))
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                   _("This note was deleted, so it cannot be signed."));
      return NULL;
    }

  if (!(conflicts = fn_store_list_conflicts (self, note_id, error)))
    return NULL;
  if (conflicts->len > 0)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED,
                   _("This note has two versions of its text. Resolve the conflict first, "
                     "then ask for the signature."));
      return NULL;
    }

  if ((existing = fn_store_get_signature_for_note (self, note_id, error)))
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED,
                   _("This note is already signed. A signature cannot be changed."));
      return NULL;
    }
  if (error && *error)
    return NULL;

  if (!fn_strokes_check_signable (strokes, error))
    return NULL;

  strokes_blob = fn_strokes_serialize (strokes);
  /* Drawn from the strokes as stored (rounded to 1/100 unit), so that
   * anyone can render the same image from the strokes blob. */
  if (!(stored = fn_strokes_parse (strokes_blob, error)) ||
      !(image_blob = fn_strokes_render_png (stored, 900, error)))
    return NULL;
  if (g_bytes_get_size (strokes_blob) > FN_MAX_BLOB_BYTES ||
      g_bytes_get_size (image_blob) > FN_MAX_BLOB_BYTES)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED,
                   _("The signature is too large to keep. Clear the pad and sign again."));
      return NULL;
    }

  note_hash = fn_note_dup_content_sha256 (FN_NOTE (note));
  strokes_hash = sha256_of (strokes_blob);
  image_hash = sha256_of (image_blob);

  signature = fn_signature_new ();
  fn_record_set_id (FN_RECORD (signature), id);
  fn_record_set_field (FN_RECORD (signature), "note_id", note_id);
  fn_record_set_field (FN_RECORD (signature), "signer_name", signer_name);
  fn_record_set_field (FN_RECORD (signature), "signer_role", signer_role);
  fn_record_set_field (FN_RECORD (signature), "captured_at", captured_at);
  fn_record_set_field (FN_RECORD (signature), "note_sha256", note_hash);
  fn_record_set_field (FN_RECORD (signature), "strokes_blob", strokes_hash);
  fn_record_set_field (FN_RECORD (signature), "image_blob", image_hash);
  if (!fn_record_validate (FN_RECORD (signature), error))
    return NULL;

  changed = fn_store_diff_fields (FN_RECORD (signature), NULL);

  if (!fn_store_begin (self, error))
    return NULL;

  if (!fn_store_put_blob (self, strokes_hash, strokes_blob, FALSE, error) ||
      !fn_store_put_blob (self, image_hash, image_blob, FALSE, error) ||
      !fn_store_write_change_in_transaction (self, FN_RECORD (signature), TRUE, NULL, changed,
                                             FALSE, error) ||
      !fn_store_commit (self, error))
    {
      if (self->in_transaction)
        fn_store_rollback (self);
      return NULL;
    }

  fn_record_set_sync_state (FN_RECORD (signature), FN_SYNC_STATE_PENDING);
  fn_store_emit_changed (self, FN_ENTITY_SIGNATURE, id);
  fn_store_emit_changed (self, FN_ENTITY_NOTE, note_id);

  return g_steal_pointer (&signature);
}
