/* fn-account.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-account"

#include "config.h"

#include "fn-account.h"

#include <string.h>

/* Signing in and out wait for the network and the keyring, so they run in
 * a thread; a store connection belongs to one thread, so the thread opens
 * its own on the same data folder (as the sync engine's runs do). */

typedef struct
{
  char             *data_dir;
  FnTokenStore     *tokens;
  FnTokenStoreKind  kind;
  char             *server;
  char             *user;
  char             *password;
  char             *ca_file;
} Account;

static void
account_free (Account *data)
{
  g_free (data->data_dir);
  g_clear_object (&data->tokens);
  g_free (data->server);
  g_free (data->user);
  if (data->password)
    {
      /* Do not leave the password in freed memory. */
      memset (data->password, 0, strlen (data->password));
      g_free (data->password);
    }
  g_free (data->ca_file);
  g_free (data);
}

static void
sign_in_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Account *data = task_data;
  GError *error = NULL;
  char *dir;

  dir = fn_accounts_sign_in (data->data_dir, data->kind, data->server, data->user,
                             data->password, data->ca_file, cancellable, &error);
  if (dir)
    g_task_return_pointer (task, dir, g_free);
  else
    g_task_return_error (task, error);
}

/**
 * fn_account_sign_in_async:
 * @base_dir: (nullable): the base data folder, %NULL for the default
 * @kind: where the account's sign-in is kept
 *
 * fn_accounts_sign_in() in a thread: the account gets its own folder
 * below @base_dir.
 */
void
fn_account_sign_in_async (const char          *base_dir,
                          FnTokenStoreKind     kind,
                          const char          *server_url,
                          const char          *username,
                          const char          *password,
                          const char          *ca_file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  Account *data = g_new0 (Account, 1);

  data->data_dir = g_strdup (base_dir);
  data->kind = kind;
  data->server = g_strdup (server_url);
  data->user = g_strdup (username);
  data->password = g_strdup (password);
  data->ca_file = (ca_file && *ca_file) ? g_strdup (ca_file) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fn_account_sign_in_async);
  g_task_set_name (task, "[fn-account] sign in");
  g_task_set_task_data (task, data, (GDestroyNotify)account_free);
  g_task_run_in_thread (task, sign_in_worker);
}

/**
 * fn_account_sign_in_finish:
 *
 * Returns: (transfer full) (nullable): the signed-in account's data folder,
 *   or %NULL with @error set
 */
char *
fn_account_sign_in_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sign_out_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Account *data = task_data;
  g_autoptr (FnStore) store = NULL;
  GError *error = NULL;

  store = fn_store_new (data->data_dir, &error);
  if (store && fn_accounts_sign_out (store, data->tokens, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * fn_account_sign_out_async:
 *
 * fn_accounts_sign_out() in a thread: waiting changes stay in the store.
 */
void
fn_account_sign_out_async (FnStore             *store,
                           FnTokenStore        *tokens,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  Account *data;

  g_return_if_fail (FN_IS_STORE (store));
  g_return_if_fail (FN_IS_TOKEN_STORE (tokens));

  data = g_new0 (Account, 1);
  data->data_dir = g_strdup (fn_store_get_data_dir (store));
  data->tokens = g_object_ref (tokens);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fn_account_sign_out_async);
  g_task_set_name (task, "[fn-account] sign out");
  g_task_set_task_data (task, data, (GDestroyNotify)account_free);
  g_task_run_in_thread (task, sign_out_worker);
}

gboolean
fn_account_sign_out_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
