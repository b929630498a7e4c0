/* fn-mock-storage.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-storage.h"

G_DEFINE_INTERFACE (FnMockStorage, fn_mock_storage, G_TYPE_OBJECT)

static void
fn_mock_storage_default_init (FnMockStorageInterface *iface)
{
}

gboolean
fn_mock_storage_begin_write (FnMockStorage  *self,
                             GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->begin_write (self, error);
}

gboolean
fn_mock_storage_begin_read (FnMockStorage  *self,
                            GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->begin_read (self, error);
}

gboolean
fn_mock_storage_commit (FnMockStorage  *self,
                        GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->commit (self, error);
}

void
fn_mock_storage_rollback (FnMockStorage *self)
{
  g_return_if_fail (FN_MOCK_IS_STORAGE (self));

  FN_MOCK_STORAGE_GET_IFACE (self)->rollback (self);
}

char *
fn_mock_storage_get_meta (FnMockStorage *self,
                          const char    *key)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->get_meta (self, key);
}

gboolean
fn_mock_storage_set_meta (FnMockStorage  *self,
                          const char     *key,
                          const char     *value,
                          GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->set_meta (self, key, value, error);
}

gint64
fn_mock_storage_next_seq (FnMockStorage  *self,
                          GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), 0);

  return FN_MOCK_STORAGE_GET_IFACE (self)->next_seq (self, error);
}

gint64
fn_mock_storage_get_head (FnMockStorage *self)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), 0);

  return FN_MOCK_STORAGE_GET_IFACE (self)->get_head (self);
}

FnMockUser *
fn_mock_storage_find_user (FnMockStorage *self,
                           const char    *name,
                           const char    *id)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->find_user (self, name, id);
}

gboolean
fn_mock_storage_add_user (FnMockStorage  *self,
                          FnMockUser     *user,
                          GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->add_user (self, user, error);
}

gboolean
fn_mock_storage_has_users (FnMockStorage *self)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->has_users (self);
}

char *
fn_mock_storage_get_device_user (FnMockStorage *self,
                                 const char    *device_id)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->get_device_user (self, device_id);
}

gboolean
fn_mock_storage_add_device (FnMockStorage  *self,
                            const char     *device_id,
                            const char     *user_id,
                            const char     *name,
                            GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->add_device (self, device_id, user_id, name, error);
}

gboolean
fn_mock_storage_add_session (FnMockStorage  *self,
                             const char     *token_hash,
                             const char     *user_id,
                             const char     *device_id,
                             gint64          expires_at,
                             GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->add_session (self, token_hash, user_id, device_id, expires_at, error);
}

FnMockUser *
fn_mock_storage_find_session (FnMockStorage *self,
                              const char    *token_hash,
                              gint64         now)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->find_session (self, token_hash, now);
}

gboolean
fn_mock_storage_revoke_session (FnMockStorage  *self,
                                const char     *token_hash,
                                GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->revoke_session (self, token_hash, error);
}

FnMockRecord *
fn_mock_storage_get_record (FnMockStorage  *self,
                            const char     *id,
                            GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->get_record (self, id, error);
}

gboolean
fn_mock_storage_put_record (FnMockStorage  *self,
                            FnMockRecord   *record,
                            GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->put_record (self, record, error);
}

gboolean
fn_mock_storage_touch_scope (FnMockStorage  *self,
                             const char     *patient_id,
                             const char     *except_id,
                             GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->touch_scope (self, patient_id, except_id, error);
}

gboolean
fn_mock_storage_set_assigned (FnMockStorage  *self,
                              const char     *patient_id,
                              const char     *user_id,
                              gboolean        assigned,
                              GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->set_assigned (self, patient_id, user_id, assigned, error);
}

gboolean
fn_mock_storage_is_assigned (FnMockStorage *self,
                             const char    *patient_id,
                             const char    *user_id)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->is_assigned (self, patient_id, user_id);
}

gboolean
fn_mock_storage_add_removal (FnMockStorage  *self,
                             gint64          seq,
                             const char     *user_id,
                             const char     *patient_id,
                             GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->add_removal (self, seq, user_id, patient_id, error);
}

GPtrArray *
fn_mock_storage_list_changes (FnMockStorage  *self,
                              const char     *user_id,
                              gint64          since,
                              guint           limit,
                              gint64         *remaining,
                              GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->list_changes (self, user_id, since, limit, remaining, error);
}

char *
fn_mock_storage_find_op (FnMockStorage *self,
                         const char    *device_id,
                         const char    *op_id)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->find_op (self, device_id, op_id);
}

gboolean
fn_mock_storage_add_op (FnMockStorage  *self,
                        const char     *device_id,
                        const char     *op_id,
                        const char     *record_id,
                        GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->add_op (self, device_id, op_id, record_id, error);
}

gboolean
fn_mock_storage_has_blob (FnMockStorage *self,
                          const char    *sha256)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->has_blob (self, sha256);
}

GBytes *
fn_mock_storage_get_blob (FnMockStorage  *self,
                          const char     *sha256,
                          GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), NULL);

  return FN_MOCK_STORAGE_GET_IFACE (self)->get_blob (self, sha256, error);
}

gboolean
fn_mock_storage_put_blob (FnMockStorage  *self,
                          const char     *sha256,
                          GBytes         *data,
                          const char     *user_id,
                          gboolean       *created,
                          GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->put_blob (self, sha256, data, user_id, created, error);
}

gboolean
fn_mock_storage_can_read_blob (FnMockStorage *self,
                               const char    *sha256,
                               const char    *user_id)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->can_read_blob (self, sha256, user_id);
}

gboolean
fn_mock_storage_add_blob_ref (FnMockStorage  *self,
                              const char     *sha256,
                              const char     *record_id,
                              GError        **error)
{
  g_return_val_if_fail (FN_MOCK_IS_STORAGE (self), FALSE);

  return FN_MOCK_STORAGE_GET_IFACE (self)->add_blob_ref (self, sha256, record_id, error);
}

void
fn_mock_storage_close (FnMockStorage *self)
{
  g_return_if_fail (FN_MOCK_IS_STORAGE (self));

  FN_MOCK_STORAGE_GET_IFACE (self)->close (self);
}
