/* fn-store-private.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "fn-store.h"

G_BEGIN_DECLS

FnStore  *fn_store_new_at_version (const char  *data_dir,
                                   int          version,
                                   GError     **error);
sqlite3  *fn_store_get_db         (FnStore     *self);
gboolean  fn_store_begin          (FnStore     *self,
                                   GError     **error);
gboolean  fn_store_commit         (FnStore     *self,
                                   GError     **error);
void      fn_store_rollback       (FnStore     *self);
gboolean  fn_store_insert_synced  (FnStore     *self,
                                   FnRecord    *record,
                                   GError     **error);
void      fn_store_emit_changed   (FnStore     *self,
                                   FnEntity     entity,
                                   const char  *id);

G_END_DECLS

G_BEGIN_DECLS

/* What the sync engine's worker does with its own connection. */
GPtrArray *fn_store_begin_push     (FnStore     *self,
                                    guint        limit,
                                    gboolean     defer_signatures,
                                    GError     **error);
gboolean   fn_store_finish_push    (FnStore     *self,
                                    GPtrArray   *ops,
                                    JsonArray   *results,
                                    guint       *n_rejected,
                                    GError     **error);
gboolean   fn_store_apply_pull     (FnStore     *self,
                                    JsonArray   *changes,
                                    const char  *cursor,
                                    guint       *n_applied,
                                    GError     **error);
GPtrArray *fn_store_list_blobs_to_upload (FnStore *self,
                                    GError     **error);
gboolean   fn_store_mark_blob_uploaded (FnStore *self,
                                    const char  *sha256,
                                    GError     **error);
GPtrArray *fn_store_list_missing_blobs (FnStore *self,
                                    GError     **error);
guint      fn_store_count_signatures_to_upload (FnStore *self);
guint      fn_store_count_signatures_to_download (FnStore *self);
gboolean   fn_store_put_blob       (FnStore     *self,
                                    const char  *sha256,
                                    GBytes      *data,
                                    gboolean     uploaded,
                                    GError     **error);
gboolean   fn_store_set_last_sync  (FnStore     *self,
                                    gint64       when_ms,
                                    GError     **error);

G_END_DECLS

G_BEGIN_DECLS

/* What the files FnStore is split across share: its instance struct and
 * the helpers behind the statement cache, the rows, the JSON clocks and
 * the local writes with their ops. Nothing outside those files uses them. */

struct _FnStore
{
  GObject parent_instance;

  char *data_dir;
  char *path;
  sqlite3 *db;
  GHashTable *statements;
  FnClock *clock;
  int schema_version;
  int in_transaction;
};

gint64         fn_store_now_ms                      (void);
void           fn_store_set_sqlite_error            (FnStore       *self,
                                                     GError       **error,
                                                     int            rc,
                                                     const char    *doing);
sqlite3_stmt  *fn_store_get_statement               (FnStore       *self,
                                                     const char    *sql,
                                                     GError       **error);
gboolean       fn_store_step_done                   (FnStore       *self,
                                                     sqlite3_stmt  *stmt,
                                                     GError       **error);
void           fn_store_bind_text                   (sqlite3_stmt  *stmt,
                                                     int            index,
                                                     const char    *value);
char          *fn_store_dup_column                  (sqlite3_stmt  *stmt,
                                                     int            column);
guint          fn_store_count                       (FnStore       *self,
                                                     const char    *sql);
FnRecord      *fn_store_load_record                 (FnStore       *self,
                                                     FnEntity       entity,
                                                     const char    *id,
                                                     char         **clock_json,
                                                     GError       **error);
GPtrArray     *fn_store_load_records                (FnStore       *self,
                                                     FnEntity       entity,
                                                     const char    *where,
                                                     const char   **params,
                                                     GError       **error);
gboolean       fn_store_write_row                   (FnStore       *self,
                                                     FnRecord      *record,
                                                     gboolean       insert,
                                                     const char    *clock_json,
                                                     GError       **error);
JsonObject    *fn_store_parse_object                (const char    *json);
char          *fn_store_object_to_string            (JsonObject    *object);
void           fn_store_merge_object                (JsonObject    *into,
                                                     JsonObject    *from);
gboolean       fn_store_persist_clock               (FnStore       *self,
                                                     GError       **error);
gboolean       fn_store_write_change_in_transaction (FnStore       *self,
                                                     FnRecord      *record,
                                                     gboolean       insert,
                                                     const char    *old_clock_json,
                                                     GPtrArray     *changed,
                                                     gboolean       deleted_changed,
                                                     GError       **error);
GPtrArray     *fn_store_diff_fields                 (FnRecord      *record,
                                                     FnRecord      *existing);

G_END_DECLS
