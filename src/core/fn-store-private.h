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
