/* fn-store.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-store"

#include "config.h"

#include "fn-store.h"

#include "fn-demo.h"
#include "fn-note.h"
#include "fn-patient.h"
#include "fn-store-private.h"
#include "fn-store-schema.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FnStore, fn_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (fn-store-error-quark, fn_store_error)

G_DEFINE_BOXED_TYPE (FnOutboxOp, fn_outbox_op, fn_outbox_op_copy, fn_outbox_op_free)

static const char * const migrations[] = {
  NULL,
  FN_STORE_MIGRATION_1,
  FN_STORE_MIGRATION_2,
  FN_STORE_MIGRATION_3,
  FN_STORE_MIGRATION_4,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == FN_STORE_SCHEMA_VERSION + 1);

static const char * const tables[FN_N_ENTITIES] = {
  "patients", "notes", "signatures", "conflicts",
};

/* Whether a record waits for the office, clashes, or was refused. Records
 * ids are UUIDs, unique across entities, so one outbox lookup serves all. */
#define SYNC_STATE_SQL \
  "CASE" \
  " WHEN EXISTS (SELECT 1 FROM conflicts c WHERE c.record_id = t.id AND c.deleted = 0" \
  "   AND c.resolved IS NOT 'true' AND c.field IN ('title', 'body')) THEN 2" \
  " WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = t.id AND o.state = 'rejected') THEN 3" \
  " WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = t.id) THEN 1" \
  " ELSE 0 END"

/* A patient shows the state of its own record and of its notes. The
 * outbox and the open conflicts are small, so they are grouped once per
 * query instead of being looked up for each of thousands of patients. */
#define PATIENT_SYNC_STATE_SQL \
  "CASE WHEN pc.patient_id IS NOT NULL THEN 2 ELSE coalesce (po.worst, 0) END"

/* The same for one patient: looked up directly, which is cheap for a
 * single row whatever the size of the outbox. */
#define ONE_PATIENT_SYNC_STATE_SQL \
  "CASE" \
  " WHEN EXISTS (SELECT 1 FROM notes n JOIN conflicts c ON c.record_id = n.id" \
  "   WHERE n.patient_id = t.id AND n.deleted = 0 AND c.deleted = 0" \
  "   AND c.resolved IS NOT 'true' AND c.field IN ('title', 'body')) THEN 2" \
  " WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.patient_id = t.id AND o.state = 'rejected')" \
  "   THEN 3" \
  " WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.patient_id = t.id) THEN 1" \
  " ELSE 0 END"

#define PATIENT_SYNC_STATE_JOINS \
  " LEFT JOIN (SELECT n.patient_id FROM conflicts c JOIN notes n ON n.id = c.record_id" \
  "   WHERE c.deleted = 0 AND c.resolved IS NOT 'true' AND c.field IN ('title', 'body')" \
  "   GROUP BY n.patient_id) pc ON pc.patient_id = t.id" \
  " LEFT JOIN (SELECT patient_id, max (CASE WHEN state = 'rejected' THEN 3 ELSE 1 END) AS worst" \
  "   FROM outbox GROUP BY patient_id) po ON po.patient_id = t.id"

void
fn_outbox_op_free (FnOutboxOp *op)
{
  if (!op)
    return;

  g_free (op->op_id);
  g_free (op->record_id);
  g_free (op->fields_json);
  g_free (op->clock_json);
  g_free (op->state);
  g_free (op->last_error);
  g_free (op);
}

FnOutboxOp *
fn_outbox_op_copy (const FnOutboxOp *op)
{
  FnOutboxOp *copy = g_memdup2 (op, sizeof *op);

  copy->op_id = g_strdup (op->op_id);
  copy->record_id = g_strdup (op->record_id);
  copy->fields_json = g_strdup (op->fields_json);
  copy->clock_json = g_strdup (op->clock_json);
  copy->state = g_strdup (op->state);
  copy->last_error = g_strdup (op->last_error);

  return copy;
}

gint64
fn_store_now_ms (void)
{
  return g_get_real_time () / 1000;
}

void
fn_store_set_sqlite_error (FnStore     *self,
                           GError     **error,
                           int          rc,
                           const char  *doing)
{
  int primary = rc & 0xff;
  const char *detail = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  g_debug ("SQLite error %d while %s: %s", rc, doing, detail);

  switch (primary)
    {
    case SQLITE_FULL:
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NO_SPACE,
                   _("The disk is full, so the change could not be saved. "
                     "Free some space and try again; nothing saved before was lost."));
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_READ_ONLY,
                   _("The notes database cannot be written to, so the change could not be saved. "
                     "Ask your IT administrator to check its permissions."));
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_CORRUPT,
                   _("The notes database is damaged (%s). Contact your IT administrator "
                     "before making further changes."),
                   detail);
      break;

    default:
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED,
                   _("The notes database failed while %s: %s."), doing, detail);
      break;
    }
}

sqlite3_stmt *
fn_store_get_statement (FnStore     *self,
                        const char  *sql,
                        GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      fn_store_set_sqlite_error (self, error, rc, _("preparing a query"));
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
exec_sql (FnStore     *self,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_debug ("exec failed: %s", message ? message : "");
      sqlite3_free (message);
      fn_store_set_sqlite_error (self, error, rc, _("updating the database"));
      return FALSE;
    }

  return TRUE;
}

gboolean
fn_store_step_done (FnStore       *self,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      fn_store_set_sqlite_error (self, error, rc, _("saving"));
      return FALSE;
    }

  return TRUE;
}

void
fn_store_bind_text (sqlite3_stmt *stmt,
                    int           index,
                    const char   *value)
{
  if (value)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

char *
fn_store_dup_column (sqlite3_stmt *stmt,
                     int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

gboolean
fn_store_begin (FnStore  *self,
                GError  **error)
{
  g_assert (self->in_transaction == 0);

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  self->in_transaction++;
  return TRUE;
}

gboolean
fn_store_commit (FnStore  *self,
                 GError  **error)
{
  g_assert (self->in_transaction == 1);

  if (!exec_sql (self, "COMMIT", error))
    {
      fn_store_rollback (self);
      return FALSE;
    }

  self->in_transaction--;
  return TRUE;
}

void
fn_store_rollback (FnStore *self)
{
  g_assert (self->in_transaction == 1);

  /* A failed COMMIT may already have rolled back; ignore that error. */
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_transaction--;
}

void
fn_store_emit_changed (FnStore    *self,
                       FnEntity    entity,
                       const char *id)
{
  g_signal_emit (self, signals[CHANGED], 0, (int)entity, id);
}

sqlite3 *
fn_store_get_db (FnStore *self)
{
  return self->db;
}

static char *
build_select (FnEntity    entity,
              const char *where)
{
  GString *sql = g_string_new ("SELECT t.id, t.version, t.deleted, t.clock");
  const FnFieldSpec *fields;
  guint n_fields;

  fields = fn_entity_get_fields (entity, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    g_string_append_printf (sql, ", t.%s", fields[i].name);

  if (entity == FN_ENTITY_PATIENT)
    g_string_append_printf (sql, ", %s FROM patients t %s %s",
                            PATIENT_SYNC_STATE_SQL, PATIENT_SYNC_STATE_JOINS, where);
  else
    g_string_append_printf (sql, ", %s FROM %s t %s", SYNC_STATE_SQL, tables[entity], where);

  return g_string_free (sql, FALSE);
}

static char *
build_select_one_patient (void)
{
  GString *sql = g_string_new ("SELECT t.id, t.version, t.deleted, t.clock");
  const FnFieldSpec *fields;
  guint n_fields;

  fields = fn_entity_get_fields (FN_ENTITY_PATIENT, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    g_string_append_printf (sql, ", t.%s", fields[i].name);
  g_string_append (sql, ", " ONE_PATIENT_SYNC_STATE_SQL " FROM patients t WHERE t.id = ?1");

  return g_string_free (sql, FALSE);
}

/* Columns: id, version, deleted, clock, fields..., sync state. */
static FnRecord *
record_from_row (FnEntity      entity,
                 sqlite3_stmt *stmt,
                 char        **clock_json)
{
  FnRecord *record = fn_record_new (entity);
  const FnFieldSpec *fields;
  guint n_fields;

  fields = fn_entity_get_fields (entity, &n_fields);

  fn_record_set_id (record, (const char *)sqlite3_column_text (stmt, 0));
  fn_record_set_version (record, sqlite3_column_int64 (stmt, 1));
  fn_record_set_deleted (record, sqlite3_column_int (stmt, 2));
  if (clock_json)
    *clock_json = fn_store_dup_column (stmt, 3);
  for (guint i = 0; i < n_fields; i++)
    fn_record_set_field (record, fields[i].name,
                         (const char *)sqlite3_column_text (stmt, 4 + i));
  fn_record_set_sync_state (record, sqlite3_column_int (stmt, 4 + n_fields));

  return record;
}

FnRecord *
fn_store_load_record (FnStore     *self,
                      FnEntity     entity,
                      const char  *id,
                      char       **clock_json,
                      GError     **error)
{
  g_autofree char *sql = entity == FN_ENTITY_PATIENT ? build_select_one_patient ()
                                                     : build_select (entity, "WHERE t.id = ?1");
  sqlite3_stmt *stmt;
  FnRecord *record = NULL;
  int rc;

  if (!(stmt = fn_store_get_statement (self, sql, error)))
    return NULL;

  fn_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = record_from_row (entity, stmt, clock_json);
  else if (rc != SQLITE_DONE)
    fn_store_set_sqlite_error (self, error, rc, _("reading a record"));
  else
    g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                 _("No such record is stored on this laptop."));
  sqlite3_reset (stmt);

  return record;
}

GPtrArray *
fn_store_load_records (FnStore      *self,
                       FnEntity      entity,
                       const char   *where,
                       const char  **params,
                       GError      **error)
{
  g_autofree char *sql = build_select (entity, where);
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = fn_store_get_statement (self, sql, error)))
    return NULL;

  for (guint i = 0; params && params[i]; i++)
    fn_store_bind_text (stmt, i + 1, params[i]);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, record_from_row (entity, stmt, NULL));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading records"));
      return NULL;
    }

  return g_steal_pointer (&records);
}

static gint64
visit_ms_for (FnRecord *record)
{
  g_autoptr (GDateTime) dt = NULL;

  if (!FN_IS_NOTE (record))
    return 0;

  dt = fn_note_dup_visit_time (FN_NOTE (record));
  return dt ? g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000 : 0;
}

gboolean
fn_store_write_row (FnStore     *self,
                    FnRecord    *record,
                    gboolean     insert,
                    const char  *clock_json,
                    GError     **error)
{
  FnEntity entity = fn_record_get_entity (record);
  g_autoptr (GString) sql = g_string_new (NULL);
  const FnFieldSpec *fields;
  sqlite3_stmt *stmt;
  guint n_fields;
  gboolean is_note = entity == FN_ENTITY_NOTE;

  fields = fn_entity_get_fields (entity, &n_fields);

  /* Parameters: 1 id, 2 version, 3 deleted, 4 clock, 5.. fields, then visit_ms. */
  if (insert)
    {
      g_string_append_printf (sql, "INSERT INTO %s (id, version, deleted, clock", tables[entity]);
      for (guint i = 0; i < n_fields; i++)
        g_string_append_printf (sql, ", %s", fields[i].name);
      if (is_note)
        g_string_append (sql, ", visit_ms");
      g_string_append (sql, ") VALUES (?1, ?2, ?3, ?4");
      for (guint i = 0; i < n_fields; i++)
        g_string_append_printf (sql, ", ?%u", i + 5);
      if (is_note)
        g_string_append_printf (sql, ", ?%u", n_fields + 5);
      g_string_append (sql, ")");
    }
  else
    {
      g_string_append_printf (sql, "UPDATE %s SET version = ?2, deleted = ?3, clock = ?4",
                              tables[entity]);
      for (guint i = 0; i < n_fields; i++)
        g_string_append_printf (sql, ", %s = ?%u", fields[i].name, i + 5);
      if (is_note)
        g_string_append_printf (sql, ", visit_ms = ?%u", n_fields + 5);
      g_string_append (sql, " WHERE id = ?1");
    }

  if (!(stmt = fn_store_get_statement (self, sql->str, error)))
    return FALSE;

  fn_store_bind_text (stmt, 1, fn_record_get_id (record));
  sqlite3_bind_int64 (stmt, 2, fn_record_get_version (record));
  sqlite3_bind_int (stmt, 3, fn_record_get_deleted (record));
  fn_store_bind_text (stmt, 4, clock_json);
  for (guint i = 0; i < n_fields; i++)
    fn_store_bind_text (stmt, i + 5, fn_record_get_field (record, fields[i].name));
  if (is_note)
    sqlite3_bind_int64 (stmt, n_fields + 5, visit_ms_for (record));

  return fn_store_step_done (self, stmt, error);
}

JsonObject *
fn_store_parse_object (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (json && json_parser_load_from_data (parser, json, -1, NULL) &&
      (root = json_parser_get_root (parser)) && JSON_NODE_HOLDS_OBJECT (root))
    return json_object_ref (json_node_get_object (root));

  return json_object_new ();
}

char *
fn_store_object_to_string (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

void
fn_store_merge_object (JsonObject *into,
                       JsonObject *from)
{
  g_autoptr (GList) members = json_object_get_members (from);

  for (GList *l = members; l; l = l->next)
    json_object_set_member (into, l->data,
                            json_node_copy (json_object_get_member (from, l->data)));
}

gboolean
fn_store_persist_clock (FnStore  *self,
                        GError  **error)
{
  return fn_store_set_meta (self, "clock_last", fn_clock_get_last (self->clock), error);
}

static char *
patient_of (FnStore  *self,
            FnRecord *record)
{
  switch (fn_record_get_entity (record))
    {
    case FN_ENTITY_PATIENT:
      return g_strdup (fn_record_get_id (record));

    case FN_ENTITY_NOTE:
      return g_strdup (fn_record_get_field (record, "patient_id"));

    case FN_ENTITY_SIGNATURE:
      {
        g_autoptr (FnRecord) note = fn_store_load_record (self, FN_ENTITY_NOTE,
                                                          fn_record_get_field (record, "note_id"),
                                                          NULL, NULL);
        return note ? g_strdup (fn_record_get_field (note, "patient_id")) : NULL;
      }

    case FN_ENTITY_CONFLICT:
    case FN_N_ENTITIES:
    case FN_ENTITY_INVALID:
    default:
      return NULL;
    }
}

/* Folds the change into the record's pending op when there is one that is
 * not on its way to the server yet; ops being sent stay as they were sent. */
static gboolean
enqueue_op (FnStore     *self,
            FnRecord    *record,
            gint64       base_version,
            JsonObject  *fields,
            JsonObject  *clock,
            GError     **error)
{
  FnEntity entity = fn_record_get_entity (record);
  const char *record_id = fn_record_get_id (record);
  sqlite3_stmt *stmt;
  gint64 seq = 0;
  g_autofree char *old_fields = NULL;
  g_autofree char *old_clock = NULL;
  g_autofree char *fields_json = NULL;
  g_autofree char *clock_json = NULL;
  int rc;

  stmt = fn_store_get_statement (self,
                                 "SELECT seq, fields, clock FROM outbox"
                                 " WHERE record_id = ?1 AND entity = ?2 AND state = 'pending'"
                                 " ORDER BY seq DESC LIMIT 1",
                                 error);
  if (!stmt)
    return FALSE;

  fn_store_bind_text (stmt, 1, record_id);
  fn_store_bind_text (stmt, 2, fn_entity_to_string (entity));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      seq = sqlite3_column_int64 (stmt, 0);
      old_fields = fn_store_dup_column (stmt, 1);
      old_clock = fn_store_dup_column (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading pending changes"));
      return FALSE;
    }

  if (seq)
    {
      g_autoptr (JsonObject) merged_fields = fn_store_parse_object (old_fields);
      g_autoptr (JsonObject) merged_clock = fn_store_parse_object (old_clock);

      fn_store_merge_object (merged_fields, fields);
      fn_store_merge_object (merged_clock, clock);
      fields_json = fn_store_object_to_string (merged_fields);
      clock_json = fn_store_object_to_string (merged_clock);

      stmt = fn_store_get_statement (self,
                                     "UPDATE outbox SET fields = ?2, clock = ?3, deleted = ?4,"
                                     " updated_at = ?5 WHERE seq = ?1",
                                     error);
      if (!stmt)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, seq);
    }
  else
    {
      g_autofree char *op_id = fn_uuid_new ();
      g_autofree char *patient_id = patient_of (self, record);

      fields_json = fn_store_object_to_string (fields);
      clock_json = fn_store_object_to_string (clock);

      stmt = fn_store_get_statement (self,
                                     "INSERT INTO outbox (op_id, fields, clock, deleted,"
                                     " updated_at, created_at, entity, record_id, patient_id,"
                                     " base_version)"
                                     " VALUES (?6, ?2, ?3, ?4, ?5, ?5, ?7, ?8, ?9, ?10)",
                                     error);
      if (!stmt)
        return FALSE;
      fn_store_bind_text (stmt, 6, op_id);
      fn_store_bind_text (stmt, 7, fn_entity_to_string (entity));
      fn_store_bind_text (stmt, 8, record_id);
      fn_store_bind_text (stmt, 9, patient_id);
      sqlite3_bind_int64 (stmt, 10, base_version);
    }

  fn_store_bind_text (stmt, 2, fields_json);
  fn_store_bind_text (stmt, 3, clock_json);
  sqlite3_bind_int (stmt, 4, fn_record_get_deleted (record));
  sqlite3_bind_int64 (stmt, 5, fn_store_now_ms ());

  return fn_store_step_done (self, stmt, error);
}

static gboolean
check_references (FnStore   *self,
                  FnRecord  *record,
                  GError   **error)
{
  sqlite3_stmt *stmt;
  gboolean found;
  int rc;

  if (fn_record_get_entity (record) != FN_ENTITY_NOTE)
    return TRUE;

  stmt = fn_store_get_statement (self, "SELECT 1 FROM patients WHERE id = ?1 AND deleted = 0",
                                 error);
  if (!stmt)
    return FALSE;

  fn_store_bind_text (stmt, 1, fn_record_get_field (record, "patient_id"));
  rc = sqlite3_step (stmt);
  found = rc == SQLITE_ROW;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading a record"));
      return FALSE;
    }

  if (!found)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                   _("The note's patient is not on this laptop."));
      return FALSE;
    }

  return TRUE;
}

/* The common part of save, delete, restore and conflict resolution: writes
 * @record with the given changes, stamps each changed field with a new
 * clock value and records the op. Runs inside the caller's transaction. */
gboolean
fn_store_write_change_in_transaction (FnStore     *self,
                                      FnRecord    *record,
                                      gboolean     insert,
                                      const char  *old_clock_json,
                                      GPtrArray   *changed,
                                      gboolean     deleted_changed,
                                      GError     **error)
{
  g_autoptr (JsonObject) clock = fn_store_parse_object (old_clock_json);
  g_autoptr (JsonObject) op_fields = json_object_new ();
  g_autoptr (JsonObject) op_clock = json_object_new ();
  g_autofree char *clock_json = NULL;

  g_assert (self->in_transaction);

  for (guint i = 0; i < changed->len; i++)
    {
      const FnFieldSpec *spec = g_ptr_array_index (changed, i);
      g_autofree char *hlc = fn_clock_tick (self->clock);

      json_object_set_string_member (clock, spec->name, hlc);
      json_object_set_string_member (op_clock, spec->name, hlc);
      json_object_set_member (op_fields, spec->name,
                              fn_field_value_to_json (spec, fn_record_get_field (record, spec->name)));
    }

  if (deleted_changed)
    {
      g_autofree char *hlc = fn_clock_tick (self->clock);

      json_object_set_string_member (clock, "deleted", hlc);
      json_object_set_string_member (op_clock, "deleted", hlc);
    }

  clock_json = fn_store_object_to_string (clock);

  if (!fn_store_write_row (self, record, insert, clock_json, error) ||
      !enqueue_op (self, record, fn_record_get_version (record), op_fields, op_clock, error) ||
      !fn_store_persist_clock (self, error))
    return FALSE;

  g_debug ("saved %s %s: %u fields", fn_entity_to_string (fn_record_get_entity (record)),
           fn_record_get_id (record), changed->len);

  return TRUE;
}

/* Makes the record's latest pending op carry @base_version when that is
 * older than its own, so that the server checks each of the op's fields
 * for changes made since then. */
static gboolean
lower_base_version (FnStore     *self,
                    FnRecord    *record,
                    gint64       base_version,
                    GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = fn_store_get_statement (self,
                                 "UPDATE outbox SET base_version = ?3"
                                 " WHERE base_version > ?3 AND seq = (SELECT MAX(seq) FROM outbox"
                                 " WHERE record_id = ?1 AND entity = ?2 AND state = 'pending')",
                                 error);
  if (!stmt)
    return FALSE;

  fn_store_bind_text (stmt, 1, fn_record_get_id (record));
  fn_store_bind_text (stmt, 2, fn_entity_to_string (fn_record_get_entity (record)));
  sqlite3_bind_int64 (stmt, 3, base_version);

  return fn_store_step_done (self, stmt, error);
}

/* @base_version: the version the change started from, or -1 for the one
 * stored now. */
static gboolean
write_change (FnStore     *self,
              FnRecord    *record,
              gboolean     insert,
              const char  *old_clock_json,
              GPtrArray   *changed,
              gboolean     deleted_changed,
              gint64       base_version,
              GError     **error)
{
  if (!fn_store_begin (self, error))
    return FALSE;

  if (!fn_store_write_change_in_transaction (self, record, insert, old_clock_json, changed,
                                             deleted_changed, error) ||
      (base_version >= 0 && !lower_base_version (self, record, base_version, error)) ||
      !fn_store_commit (self, error))
    {
      if (self->in_transaction)
        fn_store_rollback (self);
      return FALSE;
    }

  fn_record_set_sync_state (record, FN_SYNC_STATE_PENDING);
  fn_store_emit_changed (self, fn_record_get_entity (record), fn_record_get_id (record));

  return TRUE;
}

/* The fields of @record that differ from @existing; all of them for a new
 * record, so the server gets it whole. */
GPtrArray *
fn_store_diff_fields (FnRecord *record,
                      FnRecord *existing)
{
  GPtrArray *changed = g_ptr_array_new ();
  const FnFieldSpec *fields;
  guint n_fields;

  fields = fn_entity_get_fields (fn_record_get_entity (record), &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *value = fn_record_get_field (record, fields[i].name);

      if (!existing || g_strcmp0 (value, fn_record_get_field (existing, fields[i].name)) != 0)
        g_ptr_array_add (changed, (gpointer)&fields[i]);
    }

  return changed;
}

static void
fn_store_dispose (GObject *object)
{
  FnStore *self = (FnStore *)object;

  g_clear_object (&self->clock);

  G_OBJECT_CLASS (fn_store_parent_class)->dispose (object);
}

static void
fn_store_finalize (GObject *object)
{
  FnStore *self = (FnStore *)object;

  /* Statements must be finalized before the connection can close. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db)
    {
      int rc = sqlite3_close (self->db);

      if (rc != SQLITE_OK)
        g_warning ("Closing the database failed: %s", sqlite3_errstr (rc));
      self->db = NULL;
    }
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (fn_store_parent_class)->finalize (object);
}

static void
fn_store_class_init (FnStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fn_store_dispose;
  object_class->finalize = fn_store_finalize;

  /**
   * FnStore::changed:
   * @entity: the #FnEntity that changed
   * @id: (nullable): the record's id, %NULL when many records changed
   *
   * Emitted after a transaction that changed records has committed.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
fn_store_init (FnStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
}

/**
 * fn_store_default_data_dir:
 *
 * Returns: (transfer full): FIELD_NOTES_DATA_DIR, or field-notes in the
 *   user's data directory
 */
char *
fn_store_default_data_dir (void)
{
  const char *env = g_getenv ("FIELD_NOTES_DATA_DIR");

  if (env && *env)
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "field-notes", NULL);
}

static gboolean
prepare_files (FnStore  *self,
               GError  **error)
{
  int fd;

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the data folder %s: %s."),
                   self->data_dir, g_strerror (saved));
      return FALSE;
    }

  /* Health records: nobody but this user may read the folder or the file. */
  if (g_chmod (self->data_dir, 0700) != 0)
    g_debug ("Could not restrict %s: %s", self->data_dir, g_strerror (errno));

  /* Once the file exists, never open and close it here: closing any
   * descriptor of it drops every POSIX lock this process holds on it, those
   * of the SQLite connections already open included (the sync engine's
   * worker and the report open their own beside the window's). Another
   * process, field-notes-cli for one, would then checkpoint and delete the
   * WAL under them, and what they write after that is lost. */
  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      if (g_chmod (self->path, 0600) != 0)
        g_debug ("Could not restrict %s: %s", self->path, g_strerror (errno));
      return TRUE;
    }

  fd = g_open (self->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      /* A read-only file is reported by SQLite below, in its own words. */
      if (saved != EACCES && saved != EROFS)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not open the notes database %s: %s."),
                       self->path, g_strerror (saved));
          return FALSE;
        }
    }
  else
    {
      if (fchmod (fd, 0600) != 0)
        g_debug ("Could not restrict %s: %s", self->path, g_strerror (errno));
      close (fd);
    }

  return TRUE;
}

static gboolean
read_int (FnStore     *self,
          const char  *sql,
          int         *out,
          GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = fn_store_get_statement (self, sql, error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  *out = rc == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("opening"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (FnStore  *self,
         int       target,
         GError  **error)
{
  int version;

  if (!read_int (self, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version > FN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NEWER_SCHEMA,
                   _("The notes database was made by a newer version of Field Notes. "
                     "Update Field Notes to open it; it was left untouched."));
      return FALSE;
    }

  for (int v = version + 1; v <= target; v++)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", v);

      g_debug ("Migrating %s to schema version %d", self->path, v);

      if (!fn_store_begin (self, error))
        return FALSE;
      if (!exec_sql (self, migrations[v], error) ||
          !exec_sql (self, pragma, error) ||
          !fn_store_commit (self, error))
        {
          if (self->in_transaction)
            fn_store_rollback (self);
          return FALSE;
        }
    }

  self->schema_version = MAX (version, target);
  return TRUE;
}

static gboolean
open_database (FnStore  *self,
               int       target,
               GError  **error)
{
  g_autofree char *node_id = NULL;
  g_autofree char *last = NULL;
  int rc;

  if (!prepare_files (self, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      fn_store_set_sqlite_error (self, error, rc, _("opening"));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  /* SQLite falls back to read-only when the file or its file system cannot
   * be written; WAL mode could not even read it then, so say why. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_READ_ONLY,
                   _("The notes database %s cannot be written to, so Field Notes cannot open "
                     "it. Ask your IT administrator to check the disk and its permissions; "
                     "nothing in it was changed."),
                   self->path);
      return FALSE;
    }

  /* FULL makes every committed note survive a power cut as well as a crash. */
  if (!exec_sql (self,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = FULL;"
                 "PRAGMA foreign_keys = ON;",
                 error))
    return FALSE;

  if (!migrate (self, target, error))
    return FALSE;

  if (target < 1)
    return TRUE;

  node_id = fn_store_get_meta (self, "node_id");
  last = fn_store_get_meta (self, "clock_last");
  self->clock = fn_clock_new (node_id, last);
  if (!node_id && !fn_store_set_meta (self, "node_id", fn_clock_get_node_id (self->clock), error))
    return FALSE;

  return TRUE;
}

FnStore *
fn_store_new_at_version (const char  *data_dir,
                         int          version,
                         GError     **error)
{
  g_autoptr (FnStore) self = g_object_new (FN_TYPE_STORE, NULL);

  self->data_dir = data_dir ? g_strdup (data_dir) : fn_store_default_data_dir ();
  self->path = g_build_filename (self->data_dir, FN_STORE_DB_NAME, NULL);

  if (!open_database (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * fn_store_new:
 * @data_dir: (nullable): the folder of the database, %NULL for the default
 *
 * Opens the database, creating it and bringing its schema up to date.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
FnStore *
fn_store_new (const char  *data_dir,
              GError     **error)
{
  return fn_store_new_at_version (data_dir, FN_STORE_SCHEMA_VERSION, error);
}

const char *
fn_store_get_data_dir (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  return self->data_dir;
}

const char *
fn_store_get_path (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  return self->path;
}

/**
 * fn_store_get_clock:
 *
 * Returns: (transfer none): this installation's hybrid logical clock
 */
FnClock *
fn_store_get_clock (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  return self->clock;
}

int
fn_store_get_schema_version (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), 0);

  return self->schema_version;
}

/* fn_store_save() and fn_store_save_from(); @base_version -1 means the
 * version stored now. */
static gboolean
save_record (FnStore   *self,
             FnRecord  *record,
             gint64     base_version,
             GError   **error)
{
  g_autoptr (FnRecord) existing = NULL;
  g_autoptr (GPtrArray) changed = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *clock_json = NULL;
  FnEntity entity;

  entity = fn_record_get_entity (record);

  if (fn_record_get_id (record) && !fn_validate_uuid (fn_record_get_id (record)))
    {
      g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                   _("The record id is not valid."));
      return FALSE;
    }

  if (!fn_record_validate (record, error) || !check_references (self, record, error))
    return FALSE;

  if (fn_record_get_id (record))
    {
      existing = fn_store_load_record (self, entity, fn_record_get_id (record), &clock_json,
                                       &local_error);
      if (!existing && !g_error_matches (local_error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  else
    {
      g_autofree char *id = fn_uuid_new ();

      fn_record_set_id (record, id);
    }

  if (existing && fn_record_get_deleted (existing))
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                   _("This record was deleted, so the change could not be saved. "
                     "Undo the deletion first."));
      return FALSE;
    }

  changed = fn_store_diff_fields (record, existing);

  if (existing)
    {
      fn_record_set_version (record, fn_record_get_version (existing));
      fn_record_set_deleted (record, FALSE);

      if (changed->len == 0)
        {
          fn_record_set_sync_state (record, fn_record_get_sync_state (existing));
          return TRUE;
        }
    }
  else
    {
      fn_record_set_version (record, 0);
      fn_record_set_deleted (record, FALSE);
    }

  return write_change (self, record, !existing, clock_json, changed, FALSE,
                       existing ? base_version : -1, error);
}

/**
 * fn_store_save:
 * @record: a new record (its id %NULL or not yet stored) or an edited copy
 *
 * Validates @record and writes it together with its outbox op in one
 * transaction. Only fields that differ from what is stored are recorded
 * for sync. On success @record has its id and the pending state; on
 * failure nothing was changed.
 */
gboolean
fn_store_save (FnStore   *self,
               FnRecord  *record,
               GError   **error)
{
  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (FN_IS_RECORD (record), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  return save_record (self, record, -1, error);
}

/**
 * fn_store_save_from:
 * @record: an edited copy of a stored record
 * @base_version: the version of the record the edit started from
 *
 * Like fn_store_save(), for an edit that began before the stored record
 * last changed (a pull arrived while someone was typing): the op that
 * syncs the change carries @base_version (or the older base of a pending
 * op it folds into), so the server compares each field with what it had
 * at that version. A field that was also changed there since is then a
 * conflict the server keeps both values of, as if the pull had come after
 * the push.
 */
gboolean
fn_store_save_from (FnStore   *self,
                    FnRecord  *record,
                    gint64     base_version,
                    GError   **error)
{
  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (FN_IS_RECORD (record), FALSE);
  g_return_val_if_fail (base_version >= 0, FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  return save_record (self, record, base_version, error);
}

static gboolean
set_deleted (FnStore     *self,
             FnEntity     entity,
             const char  *id,
             gboolean     deleted,
             GError     **error)
{
  g_autoptr (FnRecord) record = NULL;
  g_autoptr (GPtrArray) changed = g_ptr_array_new ();
  g_autofree char *clock_json = NULL;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (entity >= 0 && entity < FN_N_ENTITIES, FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!id || !(record = fn_store_load_record (self, entity, id, &clock_json, error)))
    {
      if (!id)
        g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                     _("No such record is stored on this laptop."));
      return FALSE;
    }

  if (fn_record_get_deleted (record) == deleted)
    {
      if (deleted)
        g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                     _("This record was already deleted."));
      return !deleted;
    }

  if (!deleted && entity == FN_ENTITY_NOTE && !check_references (self, record, error))
    return FALSE;

  fn_record_set_deleted (record, deleted);

  return write_change (self, record, FALSE, clock_json, changed, TRUE, -1, error);
}

/**
 * fn_store_delete:
 *
 * Marks a record deleted (a tombstone that syncs), keeping its content so
 * that fn_store_restore() can undo it.
 */
gboolean
fn_store_delete (FnStore     *self,
                 FnEntity     entity,
                 const char  *id,
                 GError     **error)
{
  return set_deleted (self, entity, id, TRUE, error);
}

/**
 * fn_store_restore:
 *
 * Undoes fn_store_delete(): an ordinary write that syncs.
 */
gboolean
fn_store_restore (FnStore     *self,
                  FnEntity     entity,
                  const char  *id,
                  GError     **error)
{
  return set_deleted (self, entity, id, FALSE, error);
}

/**
 * fn_store_get:
 *
 * Returns: (transfer full) (nullable): a fresh copy of the record, deleted
 *   ones included, or %NULL with @error set (%FN_STORE_ERROR_NOT_FOUND)
 */
FnRecord *
fn_store_get (FnStore     *self,
              FnEntity     entity,
              const char  *id,
              GError     **error)
{
  g_return_val_if_fail (FN_IS_STORE (self), NULL);
  g_return_val_if_fail (entity >= 0 && entity < FN_N_ENTITIES, NULL);

  if (!id)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND,
                   _("No such record is stored on this laptop."));
      return NULL;
    }

  return fn_store_load_record (self, entity, id, NULL, error);
}

/* Turns what a person typed into an FTS5 query that matches every word as
 * a prefix. Only letters and digits pass, so no FTS5 syntax can get in.
 * With @min_len > 1, a word shorter than that gives no query at all. */
static char *
build_match_query (const char *text,
                   guint       min_len)
{
  g_autoptr (GString) query = g_string_new (NULL);
  g_autoptr (GString) token = g_string_new (NULL);

  if (!text || !g_utf8_validate (text, -1, NULL))
    return NULL;

  for (const char *p = text;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c && g_unichar_isalnum (c))
        {
          g_string_append_unichar (token, c);
          continue;
        }

      if (token->len > 0 && g_utf8_strlen (token->str, -1) < (glong)min_len)
        return NULL;

      if (token->len > 0)
        {
          g_string_append_printf (query, "%s\"%s\"*", query->len ? " " : "", token->str);
          g_string_truncate (token, 0);
        }

      if (!c)
        break;
    }

  return query->len ? g_string_free (g_steal_pointer (&query), FALSE) : NULL;
}

static gboolean
is_blank (const char *text)
{
  for (; text && *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

/**
 * fn_store_list_patients:
 * @search: (nullable): words to look for in names and notes
 *
 * Returns: (transfer full) (element-type FnPatient): the patients whose
 *   name or notes match every word, by family name
 */
GPtrArray *
fn_store_list_patients (FnStore     *self,
                        const char  *search,
                        GError     **error)
{
  g_autofree char *names = NULL;
  g_autofree char *words = NULL;
  const char *params[] = { NULL, NULL, NULL };

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  if (is_blank (search))
    return fn_store_load_records (self, FN_ENTITY_PATIENT,
                                  "WHERE t.deleted = 0"
                                  " ORDER BY t.family_name COLLATE NOCASE,"
                                  " t.given_name COLLATE NOCASE, t.id",
                                  NULL, error);

  names = build_match_query (search, 1);
  if (!names)
    return g_ptr_array_new_with_free_func (g_object_unref);

  /* Names match from the first letter; note text only from the third, as
   * two letters would match nearly every note and tell nobody anything. */
  words = build_match_query (search, 3);
  params[0] = names;
  params[1] = words;
  return fn_store_load_records (self, FN_ENTITY_PATIENT,
                                "WHERE t.deleted = 0 AND ("
                                " t.seq IN (SELECT rowid FROM patients_fts"
                                "   WHERE patients_fts MATCH ?1)"
                                " OR (?2 IS NOT NULL AND t.id IN (SELECT n.patient_id"
                                "   FROM notes_fts f JOIN notes n ON n.seq = f.rowid"
                                "   WHERE notes_fts MATCH ?2 AND n.deleted = 0)))"
                                " ORDER BY t.family_name COLLATE NOCASE,"
                                " t.given_name COLLATE NOCASE, t.id",
                                params, error);
}

/**
 * fn_store_list_notes:
 *
 * Returns: (transfer full) (element-type FnNote): the patient's notes,
 *   newest visit first
 */
GPtrArray *
fn_store_list_notes (FnStore     *self,
                     const char  *patient_id,
                     GError     **error)
{
  const char *params[] = { patient_id, NULL };

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  if (!patient_id)
    return g_ptr_array_new_with_free_func (g_object_unref);

  return fn_store_load_records (self, FN_ENTITY_NOTE,
                                "WHERE t.patient_id = ?1 AND t.deleted = 0"
                                " ORDER BY t.visit_ms DESC, t.id",
                                params, error);
}

/**
 * fn_store_list_notes_between:
 * @from_ms: start of the period, Unix milliseconds, included
 * @to_ms: end of the period, excluded
 *
 * Returns: (transfer full) (element-type FnNote): the visits of a period,
 *   in the order they happened
 */
GPtrArray *
fn_store_list_notes_between (FnStore  *self,
                             gint64    from_ms,
                             gint64    to_ms,
                             GError  **error)
{
  g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, from_ms);
  g_autofree char *to = g_strdup_printf ("%" G_GINT64_FORMAT, to_ms);
  const char *params[] = { from, to, NULL };

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  return fn_store_load_records (self, FN_ENTITY_NOTE,
                                "WHERE t.deleted = 0 AND t.visit_ms >= CAST (?1 AS INTEGER)"
                                " AND t.visit_ms < CAST (?2 AS INTEGER)"
                                " AND t.patient_id IN (SELECT id FROM patients WHERE deleted = 0)"
                                " ORDER BY t.visit_ms, t.id",
                                params, error);
}

/**
 * fn_store_search:
 *
 * Returns: (transfer full) (element-type FnRecord): patients whose name
 *   matches, then notes whose title or text matches, best first
 */
GPtrArray *
fn_store_search (FnStore     *self,
                 const char  *text,
                 GError     **error)
{
  g_autofree char *query = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  const char *params[] = { NULL, NULL };

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  query = build_match_query (text, 1);
  if (!query)
    return g_ptr_array_new_with_free_func (g_object_unref);

  params[0] = query;
  patients = fn_store_load_records (self, FN_ENTITY_PATIENT,
                                    "WHERE t.deleted = 0 AND t.seq IN"
                                    " (SELECT rowid FROM patients_fts WHERE patients_fts MATCH ?1)"
                                    " ORDER BY t.family_name COLLATE NOCASE,"
                                    " t.given_name COLLATE NOCASE LIMIT 100",
                                    params, error);
  if (!patients)
    return NULL;

  notes = fn_store_load_records (self, FN_ENTITY_NOTE,
                                 "JOIN (SELECT rowid AS hit, rank FROM notes_fts"
                                 "   WHERE notes_fts MATCH ?1) f ON f.hit = t.seq"
                                 " JOIN patients p ON p.id = t.patient_id AND p.deleted = 0"
                                 " WHERE t.deleted = 0 ORDER BY f.rank LIMIT 200",
                                 params, error);
  if (!notes)
    return NULL;

  g_ptr_array_extend_and_steal (patients, g_steal_pointer (&notes));
  return g_steal_pointer (&patients);
}

guint
fn_store_count (FnStore    *self,
                const char *sql)
{
  g_autoptr (GError) error = NULL;
  int n = 0;

  if (!read_int (self, sql, &n, &error))
    g_warning ("Counting failed: %s", error->message);

  return n;
}

/**
 * fn_store_count_pending:
 *
 * Returns: the number of changes waiting to reach the server (rejected ones
 *   are counted by fn_store_count_rejected())
 */
guint
fn_store_count_pending (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), 0);

  return fn_store_count (self, "SELECT count(*) FROM outbox WHERE state != 'rejected'");
}

guint
fn_store_count_rejected (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), 0);

  return fn_store_count (self, "SELECT count(*) FROM outbox WHERE state = 'rejected'");
}

/**
 * fn_store_count_conflicts:
 *
 * Returns: the number of unresolved note text conflicts that need a person
 */
guint
fn_store_count_conflicts (FnStore *self)
{
  g_return_val_if_fail (FN_IS_STORE (self), 0);

  /* A deleted note's conflict needs nobody; its texts stay in the record. */
  return fn_store_count (self,
                         "SELECT count(*) FROM conflicts c WHERE c.deleted = 0"
                         " AND c.resolved IS NOT 'true' AND c.field IN ('title', 'body')"
                         " AND EXISTS (SELECT 1 FROM notes n WHERE n.id = c.record_id"
                         "   AND n.deleted = 0)");
}

/**
 * fn_store_list_outbox:
 *
 * Returns: (transfer full) (element-type FnOutboxOp): every op, oldest first
 */
GPtrArray *
fn_store_list_outbox (FnStore  *self,
                      GError  **error)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify)fn_outbox_op_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  stmt = fn_store_get_statement (self,
                                 "SELECT seq, op_id, entity, record_id, base_version, deleted,"
                                 " fields, clock, state, attempts, last_error FROM outbox"
                                 " ORDER BY seq",
                                 error);
  if (!stmt)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FnOutboxOp *op = g_new0 (FnOutboxOp, 1);

      op->seq = sqlite3_column_int64 (stmt, 0);
      op->op_id = fn_store_dup_column (stmt, 1);
      op->entity = fn_entity_from_string ((const char *)sqlite3_column_text (stmt, 2));
      op->record_id = fn_store_dup_column (stmt, 3);
      op->base_version = sqlite3_column_int64 (stmt, 4);
      op->deleted = sqlite3_column_int (stmt, 5);
      op->fields_json = fn_store_dup_column (stmt, 6);
      op->clock_json = fn_store_dup_column (stmt, 7);
      op->state = fn_store_dup_column (stmt, 8);
      op->attempts = sqlite3_column_int (stmt, 9);
      op->last_error = fn_store_dup_column (stmt, 10);
      g_ptr_array_add (ops, op);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      fn_store_set_sqlite_error (self, error, rc, _("reading pending changes"));
      return NULL;
    }

  return g_steal_pointer (&ops);
}

/**
 * fn_store_get_meta:
 *
 * Returns: (transfer full) (nullable): the value stored under @key
 */
char *
fn_store_get_meta (FnStore    *self,
                   const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (FN_IS_STORE (self), NULL);
  g_return_val_if_fail (key, NULL);

  if (!(stmt = fn_store_get_statement (self, "SELECT value FROM meta WHERE key = ?1", NULL)))
    return NULL;

  fn_store_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = fn_store_dup_column (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

gboolean
fn_store_set_meta (FnStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (key, FALSE);

  stmt = fn_store_get_statement (self,
                                 "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 error);
  if (!stmt)
    return FALSE;

  fn_store_bind_text (stmt, 1, key);
  fn_store_bind_text (stmt, 2, value);

  return fn_store_step_done (self, stmt, error);
}

/**
 * fn_store_get_cursor:
 *
 * Returns: (transfer full) (nullable): the server's pull cursor, %NULL
 *   before the first sync
 */
char *
fn_store_get_cursor (FnStore *self)
{
  sqlite3_stmt *stmt;
  char *cursor = NULL;

  g_return_val_if_fail (FN_IS_STORE (self), NULL);

  if (!(stmt = fn_store_get_statement (self, "SELECT cursor FROM sync_state WHERE id = 1", NULL)))
    return NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    cursor = fn_store_dup_column (stmt, 0);
  sqlite3_reset (stmt);

  return cursor;
}

/**
 * fn_store_get_last_sync:
 *
 * Returns: Unix milliseconds of the last complete sync, 0 for never
 */
gint64
fn_store_get_last_sync (FnStore *self)
{
  sqlite3_stmt *stmt;
  gint64 when = 0;

  g_return_val_if_fail (FN_IS_STORE (self), 0);

  if (!(stmt = fn_store_get_statement (self, "SELECT last_sync_at FROM sync_state WHERE id = 1",
                                       NULL)))
    return 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    when = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return when;
}

gboolean
fn_store_is_demo (FnStore *self)
{
  g_autofree char *demo = NULL;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);

  demo = fn_store_get_meta (self, "demo");
  return g_strcmp0 (demo, "true") == 0;
}

/**
 * fn_store_has_been_connected:
 *
 * Returns: %TRUE once the store has been signed in to or synced with a server
 */
gboolean
fn_store_has_been_connected (FnStore *self)
{
  g_autofree char *server = NULL;
  g_autofree char *cursor = NULL;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);

  server = fn_store_get_meta (self, "server_url");
  cursor = fn_store_get_cursor (self);

  return server || cursor || fn_store_get_last_sync (self) > 0;
}

/**
 * fn_store_insert_synced:
 *
 * Writes @record as the server has it: no outbox op, every field stamped
 * with the current clock. Must run inside fn_store_begin().
 */
gboolean
fn_store_insert_synced (FnStore   *self,
                        FnRecord  *record,
                        GError   **error)
{
  g_autoptr (JsonObject) clock = json_object_new ();
  g_autofree char *clock_json = NULL;
  g_autofree char *hlc = NULL;
  const FnFieldSpec *fields;
  guint n_fields;

  g_assert (self->in_transaction);

  if (!fn_record_validate (record, error))
    return FALSE;

  fields = fn_entity_get_fields (fn_record_get_entity (record), &n_fields);
  hlc = fn_clock_tick (self->clock);
  for (guint i = 0; i < n_fields; i++)
    json_object_set_string_member (clock, fields[i].name, hlc);
  clock_json = fn_store_object_to_string (clock);

  return fn_store_write_row (self, record, TRUE, clock_json, error);
}

typedef struct
{
  FnStore *store;
  GError **error;
} DemoInsert;

static gboolean
insert_demo_record (FnRecord *record,
                    gpointer  user_data)
{
  DemoInsert *insert = user_data;

  fn_record_set_version (record, 1);
  return fn_store_insert_synced (insert->store, record, insert->error);
}

/**
 * fn_store_load_demo_data:
 *
 * Fills an empty store that has never met a server with fictional
 * patients and notes. They are marked as the server's (version 1, nothing
 * to push), and the store is marked as a demo store so that it can never
 * be connected to a real server.
 */
gboolean
fn_store_load_demo_data (FnStore  *self,
                         guint     n_patients,
                         guint     n_notes,
                         GError  **error)
{
  DemoInsert insert = { self, error };
  int n_records = 0;

  g_return_val_if_fail (FN_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (fn_store_has_been_connected (self))
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_CONNECTED,
                   _("This laptop's notes are connected to a server, so demo data was not added: "
                     "it could reach the office. Use an empty data folder for the demo."));
      return FALSE;
    }

  if (!read_int (self,
                 "SELECT (SELECT count(*) FROM patients) + (SELECT count(*) FROM notes)"
                 " + (SELECT count(*) FROM outbox)",
                 &n_records, error))
    return FALSE;

  if (n_records > 0)
    {
      g_set_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_EMPTY,
                   _("This data folder already holds notes, so demo data was not added. "
                     "Use an empty data folder for the demo."));
      return FALSE;
    }

  if (!fn_store_begin (self, error))
    return FALSE;

  if (!fn_demo_generate (n_patients, n_notes, 20261127, insert_demo_record, &insert) ||
      !fn_store_set_meta (self, "demo", "true", error) ||
      !fn_store_persist_clock (self, error) ||
      !fn_store_commit (self, error))
    {
      if (self->in_transaction)
        fn_store_rollback (self);
      return FALSE;
    }

  fn_store_emit_changed (self, FN_ENTITY_PATIENT, NULL);
  fn_store_emit_changed (self, FN_ENTITY_NOTE, NULL);

  return TRUE;
}
