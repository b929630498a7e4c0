/* fn-accounts.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-store.h"
#include "fn-token-store.h"

G_BEGIN_DECLS

/* Laptops are shared: each account (server + user name) keeps its notes in
 * a data folder of its own below one base folder, and the base folder
 * remembers whose folder the app and the CLI open. */

#define FN_ACCOUNTS_FILE   "accounts.ini"
#define FN_ACCOUNTS_SUBDIR "accounts"

char     *fn_accounts_get_current_dir (const char    *base_dir);
char     *fn_accounts_dir_for         (const char    *base_dir,
                                       const char    *server_url,
                                       const char    *username,
                                       GError       **error);
gboolean  fn_accounts_set_current     (const char    *base_dir,
                                       const char    *account_dir,
                                       GError       **error);
gboolean  fn_accounts_is_signed_out   (FnStore       *store);
char     *fn_accounts_sign_in         (const char    *base_dir,
                                       FnTokenStoreKind kind,
                                       const char    *server_url,
                                       const char    *username,
                                       const char    *password,
                                       const char    *ca_file,
                                       GCancellable  *cancellable,
                                       GError       **error);
gboolean  fn_accounts_sign_out        (FnStore       *store,
                                       FnTokenStore  *tokens,
                                       GCancellable  *cancellable,
                                       GError       **error);

G_END_DECLS
