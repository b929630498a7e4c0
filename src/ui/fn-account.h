/* fn-account.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-core.h"

G_BEGIN_DECLS

void     fn_account_sign_in_async   (const char          *base_dir,
                                     FnTokenStoreKind     kind,
                                     const char          *server_url,
                                     const char          *username,
                                     const char          *password,
                                     const char          *ca_file,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
char    *fn_account_sign_in_finish  (GAsyncResult        *result,
                                     GError             **error);
void     fn_account_sign_out_async  (FnStore             *store,
                                     FnTokenStore        *tokens,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean fn_account_sign_out_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
