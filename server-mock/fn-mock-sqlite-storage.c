/* fn-mock-sqlite-storage.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-sqlite-storage.h"

#include <sqlite3.h>
#include <string.h>

struct _FnMockSqliteStorage
{
  GObject parent_instance;

  sqlite3 *db;
  GHashTable *statements;
};

static void storage_iface_init (FnMockStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FnMockSqliteStorage, fn_mock_sqlite_storage, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FN_MOCK_TYPE_STORAGE, storage_iface_init))

/* Every write is one transaction; WAL with synchronous=FULL makes each
 * commit durable before the server acknowledges it, so a SIGKILL at any
 * moment loses nothing that a client was told about. busy_timeout lets the
 * admin subcommands write while a server runs on the same file. */
static const char schema_sql[] =
  "PRAGMA journal_mode = WAL;"
  "PRAGMA synchronous = FULL;"
  "CREATE TABLE IF NOT EXISTS meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', '0'), ('schema', '1');"
  "CREATE TABLE IF NOT EXISTS users ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  role TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS devices ("
  "  id TEXT PRIMARY KEY,"
  "  user_id TEXT NOT NULL,"
  "  name TEXT,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_id TEXT NOT NULL,"
  "  device_id TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS records ("
  "  id TEXT PRIMARY KEY,"
  "  entity TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  seq INTEGER NOT NULL UNIQUE,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  deleted_clock TEXT,"
  "  scope TEXT,"
  "  state TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS records_scope_seq ON records (scope, seq);"
  "CREATE TABLE IF NOT EXISTS assignments ("
  "  user_id TEXT NOT NULL,"
  "  patient_id TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, patient_id)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS removals ("
  "  seq INTEGER PRIMARY KEY,"
  "  user_id TEXT NOT NULL,"
  "  patient_id TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS removals_user_seq ON removals (user_id, seq);"
  "CREATE TABLE IF NOT EXISTS applied_ops ("
  "  device_id TEXT NOT NULL,"
  "  op_id TEXT NOT NULL,"
  "  record_id TEXT NOT NULL,"
  "  applied_at INTEGER NOT NULL,"
  "  PRIMARY KEY (device_id, op_id)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS blobs ("
  "  sha256 TEXT PRIMARY KEY,"
  "  size INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS blob_owners ("
  "  sha256 TEXT NOT NULL,"
  "  user_id TEXT NOT NULL,"
  "  PRIMARY KEY (sha256, user_id)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS blob_refs ("
  "  sha256 TEXT NOT NULL,"
  "  record_id TEXT NOT NULL,"
  "  PRIMARY KEY (sha256, record_id)) WITHOUT ROWID;";

#define RECORD_COLUMNS "r.id, r.entity, r.version, r.seq, r.deleted, r.deleted_clock, r.scope, r.state"

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

static gboolean
set_sqlite_error (FnMockSqliteStorage  *self,
                  int                   rc,
                  GError              **error)
{
  g_set_error (error, G_IO_ERROR,
               (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? G_IO_ERROR_BUSY : G_IO_ERROR_FAILED,
               "database error: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
get_stmt (FnMockSqliteStorage  *self,
          const char           *sql,
          GError              **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  /* The statements are string literals, so the key can be borrowed. */
  g_hash_table_insert (self->statements, (gpointer)sql, stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, index));
}

/* Runs a statement that returns no rows. */
static gboolean
run (FnMockSqliteStorage  *self,
     sqlite3_stmt         *stmt,
     GError              **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_sqlite_error (self, rc, error);

  return TRUE;
}

static gboolean
exec (FnMockSqliteStorage  *self,
      const char           *sql,
      GError              **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR,
                   (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? G_IO_ERROR_BUSY : G_IO_ERROR_FAILED,
                   "database error: %s", message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static FnMockRecord *
record_from_row (sqlite3_stmt  *stmt,
                 GError       **error)
{
  g_autoptr (FnMockRecord) record = NULL;
  FnEntity entity = fn_entity_from_string ((const char *)sqlite3_column_text (stmt, 1));

  if (entity == FN_ENTITY_INVALID)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "stored record has an unknown entity");
      return NULL;
    }

  record = fn_mock_record_new (entity, (const char *)sqlite3_column_text (stmt, 0));
  record->version = sqlite3_column_int64 (stmt, 2);
  record->seq = sqlite3_column_int64 (stmt, 3);
  record->deleted = sqlite3_column_int (stmt, 4) != 0;
  record->deleted_clock = column_text (stmt, 5);
  record->scope = column_text (stmt, 6);

  if (!fn_mock_record_deserialize (record, (const char *)sqlite3_column_text (stmt, 7), error))
    return NULL;

  return g_steal_pointer (&record);
}

static gboolean
storage_begin_write (FnMockStorage  *storage,
                     GError        **error)
{
  return exec (FN_MOCK_SQLITE_STORAGE (storage), "BEGIN IMMEDIATE", error);
}

static gboolean
storage_begin_read (FnMockStorage  *storage,
                    GError        **error)
{
  return exec (FN_MOCK_SQLITE_STORAGE (storage), "BEGIN DEFERRED", error);
}

static gboolean
storage_commit (FnMockStorage  *storage,
                GError        **error)
{
  return exec (FN_MOCK_SQLITE_STORAGE (storage), "COMMIT", error);
}

static void
storage_rollback (FnMockStorage *storage)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);

  if (!sqlite3_get_autocommit (self->db))
    exec (self, "ROLLBACK", NULL);
}

static char *
storage_get_meta (FnMockStorage *storage,
                  const char    *key)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  char *value = NULL;

  if (!stmt)
    return NULL;

  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = column_text (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

static gboolean
storage_set_meta (FnMockStorage  *storage,
                  const char     *key,
                  const char     *value,
                  GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return run (self, stmt, error);
}

static gint64
storage_next_seq (FnMockStorage  *storage,
                  GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                                 "WHERE key = 'seq' RETURNING CAST(value AS INTEGER)",
                                 error);
  gint64 seq = 0;
  int rc;

  if (!stmt)
    return 0;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  else
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return seq;
}

static gint64
storage_get_head (FnMockStorage *storage)
{
  g_autofree char *value = storage_get_meta (storage, "seq");

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static FnMockUser *
storage_find_user (FnMockStorage *storage,
                   const char    *name,
                   const char    *id)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;
  FnMockUser *user = NULL;

  if (name)
    stmt = get_stmt (self, "SELECT id, name, role, password_hash FROM users WHERE name = ?1", NULL);
  else
    stmt = get_stmt (self, "SELECT id, name, role, password_hash FROM users WHERE id = ?1", NULL);
  if (!stmt)
    return NULL;

  bind_text (stmt, 1, name ? name : id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      user = fn_mock_user_new ((const char *)sqlite3_column_text (stmt, 0),
                               (const char *)sqlite3_column_text (stmt, 1),
                               (const char *)sqlite3_column_text (stmt, 2));
      user->password_hash = column_text (stmt, 3);
    }
  sqlite3_reset (stmt);

  return user;
}

static gboolean
storage_add_user (FnMockStorage  *storage,
                  FnMockUser     *user,
                  GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT INTO users (id, name, role, password_hash, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, user->id);
  bind_text (stmt, 2, user->name);
  bind_text (stmt, 3, user->role);
  bind_text (stmt, 4, user->password_hash);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  return run (self, stmt, error);
}

static gboolean
storage_has_users (FnMockStorage *storage)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "SELECT 1 FROM users LIMIT 1", NULL);
  gboolean found;

  if (!stmt)
    return FALSE;

  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

static char *
storage_get_device_user (FnMockStorage *storage,
                         const char    *device_id)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "SELECT user_id FROM devices WHERE id = ?1", NULL);
  char *user_id = NULL;

  if (!stmt)
    return NULL;

  bind_text (stmt, 1, device_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    user_id = column_text (stmt, 0);
  sqlite3_reset (stmt);

  return user_id;
}

static gboolean
storage_add_device (FnMockStorage  *storage,
                    const char     *device_id,
                    const char     *user_id,
                    const char     *name,
                    GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT OR IGNORE INTO devices (id, user_id, name, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4)",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, device_id);
  bind_text (stmt, 2, user_id);
  bind_text (stmt, 3, name);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return run (self, stmt, error);
}

static gboolean
storage_add_session (FnMockStorage  *storage,
                     const char     *token_hash,
                     const char     *user_id,
                     const char     *device_id,
                     gint64          expires_at,
                     GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT INTO sessions "
                                 "(token_hash, user_id, device_id, created_at, expires_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, token_hash);
  bind_text (stmt, 2, user_id);
  bind_text (stmt, 3, device_id);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 5, expires_at);
  return run (self, stmt, error);
}

static FnMockUser *
storage_find_session (FnMockStorage *storage,
                      const char    *token_hash,
                      gint64         now)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "SELECT u.id, u.name, u.role, s.device_id, s.expires_at "
                                 "FROM sessions s JOIN users u ON u.id = s.user_id "
                                 "WHERE s.token_hash = ?1 AND s.revoked = 0 AND s.expires_at > ?2",
                                 NULL);
  FnMockUser *user = NULL;

  if (!stmt)
    return NULL;

  bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      user = fn_mock_user_new ((const char *)sqlite3_column_text (stmt, 0),
                               (const char *)sqlite3_column_text (stmt, 1),
                               (const char *)sqlite3_column_text (stmt, 2));
      user->device_id = column_text (stmt, 3);
      user->expires_at = sqlite3_column_int64 (stmt, 4);
      user->token_hash = g_strdup (token_hash);
    }
  sqlite3_reset (stmt);

  return user;
}

static gboolean
storage_revoke_session (FnMockStorage  *storage,
                        const char     *token_hash,
                        GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, token_hash);
  return run (self, stmt, error);
}

static FnMockRecord *
storage_get_record (FnMockStorage  *storage,
                    const char     *id,
                    GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "SELECT " RECORD_COLUMNS " FROM records r WHERE r.id = ?1",
                                 error);
  FnMockRecord *record = NULL;
  int rc;

  if (!stmt)
    return NULL;

  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = record_from_row (stmt, error);
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return record;
}

static gboolean
storage_put_record (FnMockStorage  *storage,
                    FnMockRecord   *record,
                    GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  g_autofree char *state = fn_mock_record_serialize (record);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT OR REPLACE INTO records "
                                 "(id, entity, version, seq, deleted, deleted_clock, scope, state) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, record->id);
  bind_text (stmt, 2, fn_entity_to_string (record->entity));
  sqlite3_bind_int64 (stmt, 3, record->version);
  sqlite3_bind_int64 (stmt, 4, record->seq);
  sqlite3_bind_int (stmt, 5, record->deleted ? 1 : 0);
  bind_text (stmt, 6, record->deleted_clock);
  bind_text (stmt, 7, record->scope);
  bind_text (stmt, 8, state);
  return run (self, stmt, error);
}

static gboolean
storage_touch_scope (FnMockStorage  *storage,
                     const char     *patient_id,
                     const char     *except_id,
                     GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_stmt (self, "SELECT id FROM records WHERE scope = ?1 AND id != ?2 ORDER BY seq",
                   error);
  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, patient_id);
  bind_text (stmt, 2, except_id ? except_id : "");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, error);

  /* Each record moves to the head of the feed, in its old order, so that a
   * caregiver who gets the patient (back) receives all of it again. */
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 seq = storage_next_seq (storage, error);

      if (seq == 0)
        return FALSE;

      stmt = get_stmt (self, "UPDATE records SET seq = ?1 WHERE id = ?2", error);
      if (!stmt)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, seq);
      bind_text (stmt, 2, g_ptr_array_index (ids, i));
      if (!run (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
storage_set_assigned (FnMockStorage  *storage,
                      const char     *patient_id,
                      const char     *user_id,
                      gboolean        assigned,
                      GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;

  if (assigned)
    stmt = get_stmt (self,
                     "INSERT OR IGNORE INTO assignments (user_id, patient_id) VALUES (?1, ?2)",
                     error);
  else
    stmt = get_stmt (self, "DELETE FROM assignments WHERE user_id = ?1 AND patient_id = ?2",
                     error);
  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, user_id);
  bind_text (stmt, 2, patient_id);
  return run (self, stmt, error);
}

static gboolean
storage_is_assigned (FnMockStorage *storage,
                     const char    *patient_id,
                     const char    *user_id)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "SELECT 1 FROM assignments WHERE user_id = ?1 AND patient_id = ?2",
                                 NULL);
  gboolean found;

  if (!stmt || !patient_id)
    return FALSE;

  bind_text (stmt, 1, user_id);
  bind_text (stmt, 2, patient_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return found;
}

static gboolean
storage_add_removal (FnMockStorage  *storage,
                     gint64          seq,
                     const char     *user_id,
                     const char     *patient_id,
                     GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT INTO removals (seq, user_id, patient_id) VALUES (?1, ?2, ?3)",
                                 error);

  if (!stmt)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, seq);
  bind_text (stmt, 2, user_id);
  bind_text (stmt, 3, patient_id);
  return run (self, stmt, error);
}

static gint64
count (FnMockSqliteStorage  *self,
       const char           *sql,
       const char           *user_id,
       gint64                since,
       GError              **error)
{
  sqlite3_stmt *stmt = get_stmt (self, sql, error);
  gint64 n = -1;
  int rc;

  if (!stmt)
    return -1;

  sqlite3_bind_int64 (stmt, 1, since);
  if (user_id)
    bind_text (stmt, 2, user_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return n;
}

static GPtrArray *
storage_list_changes (FnMockStorage  *storage,
                      const char     *user_id,
                      gint64          since,
                      guint           limit,
                      gint64         *remaining,
                      GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)fn_mock_record_free);
  g_autoptr (GPtrArray) removals = g_ptr_array_new_with_free_func ((GDestroyNotify)fn_mock_record_free);
  g_autoptr (GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify)fn_mock_record_free);
  sqlite3_stmt *stmt;
  guint r = 0, m = 0;
  gint64 last, n;
  int rc;

  if (user_id)
    /* Walking the feed in order and stopping at the limit beats collecting
     * the whole scope and sorting it (measured: 2 ms against 250 ms for a
     * page of 1000 out of 110,000 records). */
    stmt = get_stmt (self,
                     "SELECT " RECORD_COLUMNS " FROM records r "
                     "WHERE r.seq > ?1 AND EXISTS (SELECT 1 FROM assignments a "
                     "WHERE a.user_id = ?2 AND a.patient_id = r.scope) "
                     "ORDER BY r.seq LIMIT ?3",
                     error);
  else
    stmt = get_stmt (self,
                     "SELECT " RECORD_COLUMNS " FROM records r "
                     "WHERE r.seq > ?1 ORDER BY r.seq LIMIT ?3",
                     error);
  if (!stmt)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, since);
  if (user_id)
    bind_text (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FnMockRecord *record = record_from_row (stmt, error);

      if (!record)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (records, record);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  if (user_id)
    {
      stmt = get_stmt (self,
                       "SELECT seq, patient_id FROM removals "
                       "WHERE seq > ?1 AND user_id = ?2 ORDER BY seq LIMIT ?3",
                       error);
      if (!stmt)
        return NULL;

      sqlite3_bind_int64 (stmt, 1, since);
      bind_text (stmt, 2, user_id);
      sqlite3_bind_int64 (stmt, 3, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (removals,
                         fn_mock_record_new_removed ((const char *)sqlite3_column_text (stmt, 1),
                                                     sqlite3_column_int64 (stmt, 0)));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, rc, error);
          return NULL;
        }
    }

  /* Merge the two streams by sequence number; both are sorted. */
  while (page->len < limit && (r < records->len || m < removals->len))
    {
      FnMockRecord *a = r < records->len ? g_ptr_array_index (records, r) : NULL;
      FnMockRecord *b = m < removals->len ? g_ptr_array_index (removals, m) : NULL;

      if (a && (!b || a->seq < b->seq))
        {
          g_ptr_array_add (page, g_steal_pointer (&records->pdata[r]));
          r++;
        }
      else
        {
          g_ptr_array_add (page, g_steal_pointer (&removals->pdata[m]));
          m++;
        }
    }

  last = page->len > 0 ? ((FnMockRecord *)g_ptr_array_index (page, page->len - 1))->seq : since;

  if (user_id)
    {
      n = count (self,
                 "SELECT count(*) FROM assignments a JOIN records r ON r.scope = a.patient_id "
                 "WHERE r.seq > ?1 AND a.user_id = ?2",
                 user_id, last, error);
      if (n >= 0)
        {
          gint64 n2 = count (self, "SELECT count(*) FROM removals WHERE seq > ?1 AND user_id = ?2",
                             user_id, last, error);
          n = n2 >= 0 ? n + n2 : -1;
        }
    }
  else
    {
      n = count (self, "SELECT count(*) FROM records WHERE seq > ?1", NULL, last, error);
    }
  if (n < 0)
    return NULL;

  *remaining = n;
  return g_steal_pointer (&page);
}

static char *
storage_find_op (FnMockStorage *storage,
                 const char    *device_id,
                 const char    *op_id)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "SELECT record_id FROM applied_ops "
                                 "WHERE device_id = ?1 AND op_id = ?2",
                                 NULL);
  char *record_id = NULL;

  if (!stmt)
    return NULL;

  bind_text (stmt, 1, device_id);
  bind_text (stmt, 2, op_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    record_id = column_text (stmt, 0);
  sqlite3_reset (stmt);

  return record_id;
}

static gboolean
storage_add_op (FnMockStorage  *storage,
                const char     *device_id,
                const char     *op_id,
                const char     *record_id,
                GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT INTO applied_ops (device_id, op_id, record_id, applied_at) "
                                 "VALUES (?1, ?2, ?3, ?4)",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, device_id);
  bind_text (stmt, 2, op_id);
  bind_text (stmt, 3, record_id);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return run (self, stmt, error);
}

static gboolean
storage_has_blob (FnMockStorage *storage,
                  const char    *sha256)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "SELECT 1 FROM blobs WHERE sha256 = ?1", NULL);
  gboolean found;

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, sha256);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return found;
}

static GBytes *
storage_get_blob (FnMockStorage  *storage,
                  const char     *sha256,
                  GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self, "SELECT data FROM blobs WHERE sha256 = ?1", error);
  GBytes *bytes = NULL;
  int rc;

  if (!stmt)
    return NULL;

  bind_text (stmt, 1, sha256);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such blob");
  else
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return bytes;
}

static gboolean
storage_put_blob (FnMockStorage  *storage,
                  const char     *sha256,
                  GBytes         *data,
                  const char     *user_id,
                  gboolean       *created,
                  GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt;
  gsize size;
  gconstpointer bytes = g_bytes_get_data (data, &size);

  stmt = get_stmt (self,
                   "INSERT OR IGNORE INTO blobs (sha256, size, data, created_at) "
                   "VALUES (?1, ?2, ?3, ?4)",
                   error);
  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, sha256);
  sqlite3_bind_int64 (stmt, 2, size);
  sqlite3_bind_blob (stmt, 3, size ? bytes : "", size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (!run (self, stmt, error))
    return FALSE;
  *created = sqlite3_changes (self->db) > 0;

  stmt = get_stmt (self,
                   "INSERT OR IGNORE INTO blob_owners (sha256, user_id) VALUES (?1, ?2)",
                   error);
  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, sha256);
  bind_text (stmt, 2, user_id);
  return run (self, stmt, error);
}

static gboolean
storage_can_read_blob (FnMockStorage *storage,
                       const char    *sha256,
                       const char    *user_id)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "SELECT 1 FROM blob_owners WHERE sha256 = ?1 AND user_id = ?2 "
                                 "UNION ALL "
                                 "SELECT 1 FROM blob_refs b "
                                 "JOIN records r ON r.id = b.record_id "
                                 "JOIN assignments a ON a.patient_id = r.scope "
                                 "WHERE b.sha256 = ?1 AND a.user_id = ?2 LIMIT 1",
                                 NULL);
  gboolean found;

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, sha256);
  bind_text (stmt, 2, user_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return found;
}

static gboolean
storage_add_blob_ref (FnMockStorage  *storage,
                      const char     *sha256,
                      const char     *record_id,
                      GError        **error)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT OR IGNORE INTO blob_refs (sha256, record_id) VALUES (?1, ?2)",
                                 error);

  if (!stmt)
    return FALSE;

  bind_text (stmt, 1, sha256);
  bind_text (stmt, 2, record_id);
  return run (self, stmt, error);
}

static void
storage_close (FnMockStorage *storage)
{
  FnMockSqliteStorage *self = FN_MOCK_SQLITE_STORAGE (storage);

  if (!self->db)
    return;

  storage_rollback (storage);
  g_hash_table_remove_all (self->statements);
  /* A clean close checkpoints the WAL into the main file. */
  sqlite3_close (self->db);
  self->db = NULL;
}

static void
storage_iface_init (FnMockStorageInterface *iface)
{
  iface->begin_write = storage_begin_write;
  iface->begin_read = storage_begin_read;
  iface->commit = storage_commit;
  iface->rollback = storage_rollback;
  iface->get_meta = storage_get_meta;
  iface->set_meta = storage_set_meta;
  iface->next_seq = storage_next_seq;
  iface->get_head = storage_get_head;
  iface->find_user = storage_find_user;
  iface->add_user = storage_add_user;
  iface->has_users = storage_has_users;
  iface->get_device_user = storage_get_device_user;
  iface->add_device = storage_add_device;
  iface->add_session = storage_add_session;
  iface->find_session = storage_find_session;
  iface->revoke_session = storage_revoke_session;
  iface->get_record = storage_get_record;
  iface->put_record = storage_put_record;
  iface->touch_scope = storage_touch_scope;
  iface->set_assigned = storage_set_assigned;
  iface->is_assigned = storage_is_assigned;
  iface->add_removal = storage_add_removal;
  iface->list_changes = storage_list_changes;
  iface->find_op = storage_find_op;
  iface->add_op = storage_add_op;
  iface->has_blob = storage_has_blob;
  iface->get_blob = storage_get_blob;
  iface->put_blob = storage_put_blob;
  iface->can_read_blob = storage_can_read_blob;
  iface->add_blob_ref = storage_add_blob_ref;
  iface->close = storage_close;
}

static void
fn_mock_sqlite_storage_finalize (GObject *object)
{
  FnMockSqliteStorage *self = (FnMockSqliteStorage *)object;

  storage_close (FN_MOCK_STORAGE (self));
  g_clear_pointer (&self->statements, g_hash_table_unref);

  G_OBJECT_CLASS (fn_mock_sqlite_storage_parent_class)->finalize (object);
}

static void
fn_mock_sqlite_storage_class_init (FnMockSqliteStorageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fn_mock_sqlite_storage_finalize;
}

static void
fn_mock_sqlite_storage_init (FnMockSqliteStorage *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);
}

/**
 * fn_mock_sqlite_storage_new:
 * @path: the database file, created if missing
 *
 * Returns: (transfer full) (nullable): the storage, or %NULL with @error set
 */
FnMockStorage *
fn_mock_sqlite_storage_new (const char  *path,
                            GError     **error)
{
  g_autoptr (FnMockSqliteStorage) self = g_object_new (FN_MOCK_TYPE_SQLITE_STORAGE, NULL);
  int rc;

  g_return_val_if_fail (path, NULL);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open database %s: %s",
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 10000);

  if (!exec (self, schema_sql, error))
    return NULL;

  return FN_MOCK_STORAGE (g_steal_pointer (&self));
}
