/* fn-mock-storage.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-mock-record.h"
#include "fn-mock-user.h"

G_BEGIN_DECLS

/* Everything the server keeps, behind one narrow interface so that another
 * back end (PostgreSQL is planned) can replace SQLite. The merge rules live in
 * FnMockSync, above this layer; a back end only stores and finds things.
 *
 * Writes happen between begin_write() and commit() (or rollback()); reads
 * that must see one consistent state use begin_read(). A change sequence
 * number ("seq") orders the feed: every write of a record takes a new one. */

#define FN_MOCK_TYPE_STORAGE (fn_mock_storage_get_type ())
G_DECLARE_INTERFACE (FnMockStorage, fn_mock_storage, FN_MOCK, STORAGE, GObject)

struct _FnMockStorageInterface
{
  GTypeInterface parent_iface;

  gboolean      (*begin_write)     (FnMockStorage  *self,
                                    GError        **error);
  gboolean      (*begin_read)      (FnMockStorage  *self,
                                    GError        **error);
  gboolean      (*commit)          (FnMockStorage  *self,
                                    GError        **error);
  void          (*rollback)        (FnMockStorage  *self);

  char         *(*get_meta)        (FnMockStorage  *self,
                                    const char     *key);
  gboolean      (*set_meta)        (FnMockStorage  *self,
                                    const char     *key,
                                    const char     *value,
                                    GError        **error);
  gint64        (*next_seq)        (FnMockStorage  *self,
                                    GError        **error);
  gint64        (*get_head)        (FnMockStorage  *self);

  FnMockUser   *(*find_user)       (FnMockStorage  *self,
                                    const char     *name,
                                    const char     *id);
  gboolean      (*add_user)        (FnMockStorage  *self,
                                    FnMockUser     *user,
                                    GError        **error);
  gboolean      (*has_users)       (FnMockStorage  *self);

  char         *(*get_device_user) (FnMockStorage  *self,
                                    const char     *device_id);
  gboolean      (*add_device)      (FnMockStorage  *self,
                                    const char     *device_id,
                                    const char     *user_id,
                                    const char     *name,
                                    GError        **error);
  gboolean      (*add_session)     (FnMockStorage  *self,
                                    const char     *token_hash,
                                    const char     *user_id,
                                    const char     *device_id,
                                    gint64          expires_at,
                                    GError        **error);
  FnMockUser   *(*find_session)    (FnMockStorage  *self,
                                    const char     *token_hash,
                                    gint64          now);
  gboolean      (*revoke_session)  (FnMockStorage  *self,
                                    const char     *token_hash,
                                    GError        **error);

  FnMockRecord *(*get_record)      (FnMockStorage  *self,
                                    const char     *id,
                                    GError        **error);
  gboolean      (*put_record)      (FnMockStorage  *self,
                                    FnMockRecord   *record,
                                    GError        **error);
  gboolean      (*touch_scope)     (FnMockStorage  *self,
                                    const char     *patient_id,
                                    const char     *except_id,
                                    GError        **error);
  gboolean      (*set_assigned)    (FnMockStorage  *self,
                                    const char     *patient_id,
                                    const char     *user_id,
                                    gboolean        assigned,
                                    GError        **error);
  gboolean      (*is_assigned)     (FnMockStorage  *self,
                                    const char     *patient_id,
                                    const char     *user_id);
  gboolean      (*add_removal)     (FnMockStorage  *self,
                                    gint64          seq,
                                    const char     *user_id,
                                    const char     *patient_id,
                                    GError        **error);
  GPtrArray    *(*list_changes)    (FnMockStorage  *self,
                                    const char     *user_id,
                                    gint64          since,
                                    guint           limit,
                                    gint64         *remaining,
                                    GError        **error);

  char         *(*find_op)         (FnMockStorage  *self,
                                    const char     *device_id,
                                    const char     *op_id);
  gboolean      (*add_op)          (FnMockStorage  *self,
                                    const char     *device_id,
                                    const char     *op_id,
                                    const char     *record_id,
                                    GError        **error);

  gboolean      (*has_blob)        (FnMockStorage  *self,
                                    const char     *sha256);
  GBytes       *(*get_blob)        (FnMockStorage  *self,
                                    const char     *sha256,
                                    GError        **error);
  gboolean      (*put_blob)        (FnMockStorage  *self,
                                    const char     *sha256,
                                    GBytes         *data,
                                    const char     *user_id,
                                    gboolean       *created,
                                    GError        **error);
  gboolean      (*can_read_blob)   (FnMockStorage  *self,
                                    const char     *sha256,
                                    const char     *user_id);
  gboolean      (*add_blob_ref)    (FnMockStorage  *self,
                                    const char     *sha256,
                                    const char     *record_id,
                                    GError        **error);
  void          (*close)           (FnMockStorage  *self);
};

gboolean      fn_mock_storage_begin_write     (FnMockStorage  *self,
                                               GError        **error);
gboolean      fn_mock_storage_begin_read      (FnMockStorage  *self,
                                               GError        **error);
gboolean      fn_mock_storage_commit          (FnMockStorage  *self,
                                               GError        **error);
void          fn_mock_storage_rollback        (FnMockStorage  *self);
char         *fn_mock_storage_get_meta        (FnMockStorage  *self,
                                               const char     *key);
gboolean      fn_mock_storage_set_meta        (FnMockStorage  *self,
                                               const char     *key,
                                               const char     *value,
                                               GError        **error);
gint64        fn_mock_storage_next_seq        (FnMockStorage  *self,
                                               GError        **error);
gint64        fn_mock_storage_get_head        (FnMockStorage  *self);
FnMockUser   *fn_mock_storage_find_user       (FnMockStorage  *self,
                                               const char     *name,
                                               const char     *id);
gboolean      fn_mock_storage_add_user        (FnMockStorage  *self,
                                               FnMockUser     *user,
                                               GError        **error);
gboolean      fn_mock_storage_has_users       (FnMockStorage  *self);
char         *fn_mock_storage_get_device_user (FnMockStorage  *self,
                                               const char     *device_id);
gboolean      fn_mock_storage_add_device      (FnMockStorage  *self,
                                               const char     *device_id,
                                               const char     *user_id,
                                               const char     *name,
                                               GError        **error);
gboolean      fn_mock_storage_add_session     (FnMockStorage  *self,
                                               const char     *token_hash,
                                               const char     *user_id,
                                               const char     *device_id,
                                               gint64          expires_at,
                                               GError        **error);
FnMockUser   *fn_mock_storage_find_session    (FnMockStorage  *self,
                                               const char     *token_hash,
                                               gint64          now);
gboolean      fn_mock_storage_revoke_session  (FnMockStorage  *self,
                                               const char     *token_hash,
                                               GError        **error);
FnMockRecord *fn_mock_storage_get_record      (FnMockStorage  *self,
                                               const char     *id,
                                               GError        **error);
gboolean      fn_mock_storage_put_record      (FnMockStorage  *self,
                                               FnMockRecord   *record,
                                               GError        **error);
gboolean      fn_mock_storage_touch_scope     (FnMockStorage  *self,
                                               const char     *patient_id,
                                               const char     *except_id,
                                               GError        **error);
gboolean      fn_mock_storage_set_assigned    (FnMockStorage  *self,
                                               const char     *patient_id,
                                               const char     *user_id,
                                               gboolean        assigned,
                                               GError        **error);
gboolean      fn_mock_storage_is_assigned     (FnMockStorage  *self,
                                               const char     *patient_id,
                                               const char     *user_id);
gboolean      fn_mock_storage_add_removal     (FnMockStorage  *self,
                                               gint64          seq,
                                               const char     *user_id,
                                               const char     *patient_id,
                                               GError        **error);
GPtrArray    *fn_mock_storage_list_changes    (FnMockStorage  *self,
                                               const char     *user_id,
                                               gint64          since,
                                               guint           limit,
                                               gint64         *remaining,
                                               GError        **error);
char         *fn_mock_storage_find_op         (FnMockStorage  *self,
                                               const char     *device_id,
                                               const char     *op_id);
gboolean      fn_mock_storage_add_op          (FnMockStorage  *self,
                                               const char     *device_id,
                                               const char     *op_id,
                                               const char     *record_id,
                                               GError        **error);
gboolean      fn_mock_storage_has_blob        (FnMockStorage  *self,
                                               const char     *sha256);
GBytes       *fn_mock_storage_get_blob        (FnMockStorage  *self,
                                               const char     *sha256,
                                               GError        **error);
gboolean      fn_mock_storage_put_blob        (FnMockStorage  *self,
                                               const char     *sha256,
                                               GBytes         *data,
                                               const char     *user_id,
                                               gboolean       *created,
                                               GError        **error);
gboolean      fn_mock_storage_can_read_blob   (FnMockStorage  *self,
                                               const char     *sha256,
                                               const char     *user_id);
gboolean      fn_mock_storage_add_blob_ref    (FnMockStorage  *self,
                                               const char     *sha256,
                                               const char     *record_id,
                                               GError        **error);
void          fn_mock_storage_close           (FnMockStorage  *self);

G_END_DECLS
