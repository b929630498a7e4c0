/* fn-accounts.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-accounts"

#include "config.h"

#include "fn-accounts.h"

#include "fn-sync-engine.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

/* The layout of a base folder:
 *
 *   field-notes.db          the first account to sign in here, or demo data,
 *                           or notes kept without an account
 *   accounts/<id>/          one folder for every further account
 *   accounts.ini            [current] folder=<. or accounts/<id>>
 *
 * The first account keeps the base folder so that a laptop used by one
 * caregiver looks as it always did. <id> is derived from server and user
 * name, so the same person finds the same folder again; the index holds
 * nothing but which folder is open, and a damaged or hand-edited index
 * falls back to the base folder rather than to some other path. */

#define GROUP_CURRENT "current"
#define KEY_FOLDER    "folder"
#define ID_LENGTH     16

static char *
base_or_default (const char *base_dir)
{
  return base_dir ? g_strdup (base_dir) : fn_store_default_data_dir ();
}

static char *
index_path (const char *base)
{
  return g_build_filename (base, FN_ACCOUNTS_FILE, NULL);
}

static char *
account_id (const char *server_url,
            const char *username)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  /* The NUL keeps "a" + "bc" apart from "ab" + "c". */
  g_checksum_update (checksum, (const guchar *)server_url, strlen (server_url) + 1);
  g_checksum_update (checksum, (const guchar *)username, strlen (username));

  return g_strndup (g_checksum_get_string (checksum), ID_LENGTH);
}

static gboolean
is_account_folder_name (const char *folder)
{
  const char *id;

  if (g_strcmp0 (folder, ".") == 0)
    return TRUE;

  if (!g_str_has_prefix (folder, FN_ACCOUNTS_SUBDIR "/"))
    return FALSE;

  id = folder + strlen (FN_ACCOUNTS_SUBDIR "/");
  if (strlen (id) != ID_LENGTH)
    return FALSE;

  for (const char *p = id; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;

  return TRUE;
}

/* The folder name relative to @base, or %NULL when @dir is not one of its
 * account folders. */
static char *
relative_folder (const char *base,
                 const char *dir)
{
  g_autofree char *canonical_base = g_canonicalize_filename (base, NULL);
  g_autofree char *canonical_dir = g_canonicalize_filename (dir, NULL);
  const char *rest;

  if (g_strcmp0 (canonical_base, canonical_dir) == 0)
    return g_strdup (".");

  if (!g_str_has_prefix (canonical_dir, canonical_base))
    return NULL;

  rest = canonical_dir + strlen (canonical_base);
  if (*rest != G_DIR_SEPARATOR)
    return NULL;
  rest++;

  return is_account_folder_name (rest) ? g_strdup (rest) : NULL;
}

/**
 * fn_accounts_get_current_dir:
 * @base_dir: (nullable): the base folder, %NULL for the default
 *
 * The folder to open: the account signed in last (and not signed out
 * since), else @base_dir itself.
 *
 * Returns: (transfer full): a folder path
 */
char *
fn_accounts_get_current_dir (const char *base_dir)
{
  g_autofree char *base = base_or_default (base_dir);
  g_autofree char *path = index_path (base);
  g_autoptr (GKeyFile) index = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *dir = NULL;

  if (!g_key_file_load_from_file (index, path, G_KEY_FILE_NONE, &error))
    {
      /* An unreadable folder is for fn_store_new() to report. */
      if (error->domain != G_FILE_ERROR)
        g_message ("Ignoring %s: %s", path, error->message);
      return g_steal_pointer (&base);
    }

  folder = g_key_file_get_string (index, GROUP_CURRENT, KEY_FOLDER, NULL);
  if (!folder || !*folder)
    return g_steal_pointer (&base);

  if (!is_account_folder_name (folder))
    {
      g_message ("Ignoring %s: “%s” is not an account folder", path, folder);
      return g_steal_pointer (&base);
    }

  if (g_strcmp0 (folder, ".") == 0)
    return g_steal_pointer (&base);

  dir = g_build_filename (base, folder, NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_message ("Ignoring %s: the folder %s is gone", path, dir);
      return g_steal_pointer (&base);
    }

  return g_steal_pointer (&dir);
}

/**
 * fn_accounts_set_current:
 * @base_dir: (nullable): the base folder, %NULL for the default
 * @account_dir: (nullable): an account folder of @base_dir, or %NULL when
 *   nobody is signed in
 *
 * Remembers which folder to open next time.
 */
gboolean
fn_accounts_set_current (const char  *base_dir,
                         const char  *account_dir,
                         GError     **error)
{
  g_autofree char *base = base_or_default (base_dir);
  g_autofree char *path = index_path (base);
  g_autoptr (GKeyFile) index = g_key_file_new ();
  g_autofree char *folder = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (account_dir && !(folder = relative_folder (base, account_dir)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s is not an account folder of %s."), account_dir, base);
      return FALSE;
    }

  if (!folder && !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  if (g_mkdir_with_parents (base, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the data folder %s: %s."), base, g_strerror (saved));
      return FALSE;
    }

  g_key_file_set_comment (index, NULL, NULL,
                          " Which account's folder Field Notes opens; written by Field Notes.",
                          NULL);
  g_key_file_set_string (index, GROUP_CURRENT, KEY_FOLDER, folder ? folder : "");
  contents = g_key_file_to_data (index, &length, NULL);

  return g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

/**
 * fn_accounts_dir_for:
 * @base_dir: (nullable): the base folder, %NULL for the default
 *
 * The data folder of an account: the base folder when it is that
 * account's or nobody's yet (and holds no demo data), else a folder of
 * its own below the base. Creates nothing but the base store.
 *
 * Returns: (transfer full) (nullable): the folder, or %NULL with @error set
 */
char *
fn_accounts_dir_for (const char  *base_dir,
                     const char  *server_url,
                     const char  *username,
                     GError     **error)
{
  g_autofree char *base = base_or_default (base_dir);
  g_autofree char *id = NULL;
  g_autofree char *owner_server = NULL;
  g_autofree char *owner_user = NULL;
  g_autoptr (FnStore) base_store = NULL;

  g_return_val_if_fail (server_url && username, NULL);

  base_store = fn_store_new (base, error);
  if (!base_store)
    return NULL;

  owner_server = fn_store_get_meta (base_store, "server_url");
  owner_user = fn_store_get_meta (base_store, "username");
  if ((!owner_server && !owner_user && !fn_store_is_demo (base_store)) ||
      (g_strcmp0 (owner_server, server_url) == 0 && g_strcmp0 (owner_user, username) == 0))
    return g_steal_pointer (&base);

  id = account_id (server_url, username);
  return g_build_filename (base, FN_ACCOUNTS_SUBDIR, id, NULL);
}

/**
 * fn_accounts_is_signed_out:
 *
 * Returns: whether @store is an account's whose owner signed out: its
 *   notes are theirs, and shown to nobody until they sign in again
 */
gboolean
fn_accounts_is_signed_out (FnStore *store)
{
  g_autofree char *server = NULL;
  g_autofree char *signed_in = NULL;

  g_return_val_if_fail (FN_IS_STORE (store), FALSE);

  server = fn_store_get_meta (store, "server_url");
  signed_in = fn_store_get_meta (store, "signed_in");

  return server && g_strcmp0 (signed_in, "true") != 0;
}

/**
 * fn_accounts_sign_in:
 * @base_dir: (nullable): the base folder, %NULL for the default
 * @kind: where the account's sign-in is kept
 *
 * Signs in (blocking: call it from a worker or the CLI) into the account's
 * own folder, and makes it the one opened from now on.
 *
 * Returns: (transfer full) (nullable): the account's folder, or %NULL with
 *   @error set
 */
char *
fn_accounts_sign_in (const char        *base_dir,
                     FnTokenStoreKind   kind,
                     const char        *server_url,
                     const char        *username,
                     const char        *password,
                     const char        *ca_file,
                     GCancellable      *cancellable,
                     GError           **error)
{
  g_autofree char *dir = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnTokenStore) tokens = NULL;

  g_return_val_if_fail (server_url && username && password, NULL);

  if (!(dir = fn_accounts_dir_for (base_dir, server_url, username, error)))
    return NULL;

  if (!(store = fn_store_new (dir, error)))
    return NULL;

  tokens = fn_token_store_new (kind, dir);
  if (!fn_sync_sign_in (store, tokens, server_url, username, password, ca_file, cancellable,
                        error))
    return NULL;

  if (!fn_accounts_set_current (base_dir, dir, error))
    return NULL;

  g_debug ("%s at %s keeps notes in %s", username, server_url, dir);

  return g_steal_pointer (&dir);
}

/* The base folder an account folder belongs to, from the layout alone. */
static char *
base_of (const char *dir)
{
  g_autofree char *canonical = g_canonicalize_filename (dir, NULL);
  g_autofree char *parent = g_path_get_dirname (canonical);
  g_autofree char *parent_name = g_path_get_basename (parent);
  g_autofree char *name = g_path_get_basename (canonical);
  g_autofree char *folder = g_build_filename (FN_ACCOUNTS_SUBDIR, name, NULL);

  if (g_strcmp0 (parent_name, FN_ACCOUNTS_SUBDIR) == 0 && is_account_folder_name (folder))
    return g_path_get_dirname (parent);

  return g_steal_pointer (&canonical);
}

/**
 * fn_accounts_sign_out:
 *
 * fn_sync_sign_out(), and when @store's account is the one opened, nobody's
 * folder is opened next time. The notes and waiting changes stay in the
 * account's folder for the same person's next sign-in.
 */
gboolean
fn_accounts_sign_out (FnStore       *store,
                      FnTokenStore  *tokens,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *base = NULL;
  g_autofree char *current = NULL;
  g_autofree char *canonical_current = NULL;
  g_autofree char *canonical_dir = NULL;

  g_return_val_if_fail (FN_IS_STORE (store), FALSE);
  g_return_val_if_fail (FN_IS_TOKEN_STORE (tokens), FALSE);

  if (!fn_sync_sign_out (store, tokens, cancellable, error))
    return FALSE;

  base = base_of (fn_store_get_data_dir (store));
  current = fn_accounts_get_current_dir (base);
  canonical_current = g_canonicalize_filename (current, NULL);
  canonical_dir = g_canonicalize_filename (fn_store_get_data_dir (store), NULL);
  if (g_strcmp0 (canonical_current, canonical_dir) != 0)
    return TRUE;

  return fn_accounts_set_current (base, NULL, error);
}
