/* fn-token-store.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FN_TOKEN_STORE_SECRET_SERVICE,
  FN_TOKEN_STORE_FILE,
} FnTokenStoreKind;

#define FN_TYPE_TOKEN_STORE (fn_token_store_get_type ())
G_DECLARE_FINAL_TYPE (FnTokenStore, fn_token_store, FN, TOKEN_STORE, GObject)

gboolean          fn_token_store_kind_parse (const char        *name,
                                             FnTokenStoreKind  *kind,
                                             GError           **error);
FnTokenStore     *fn_token_store_new        (FnTokenStoreKind   kind,
                                             const char        *data_dir);
FnTokenStoreKind  fn_token_store_get_kind   (FnTokenStore      *self);
gboolean          fn_token_store_save       (FnTokenStore      *self,
                                             const char        *server,
                                             const char        *user,
                                             const char        *token,
                                             GCancellable      *cancellable,
                                             GError           **error);
char             *fn_token_store_lookup     (FnTokenStore      *self,
                                             const char        *server,
                                             const char        *user,
                                             GCancellable      *cancellable,
                                             GError           **error);
gboolean          fn_token_store_clear      (FnTokenStore      *self,
                                             const char        *server,
                                             const char        *user,
                                             GCancellable      *cancellable,
                                             GError           **error);

G_END_DECLS
