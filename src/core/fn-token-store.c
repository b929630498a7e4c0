/* fn-token-store.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-token-store"

#include "config.h"

#include "fn-token-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <string.h>
#include <unistd.h>

/* Where the session token lives: the Secret Service, never the database.
 * A keyring that wants to show an unlock prompt nobody can see would block
 * for ever, so every call runs asynchronously in a private main context and
 * gives up after a timeout. The 0600 file is only used when asked for. */

#define SECRET_TIMEOUT_S 10
#define TOKEN_FILE "token.json"

struct _FnTokenStore
{
  GObject parent_instance;

  FnTokenStoreKind kind;
  char *data_dir;
};

G_DEFINE_FINAL_TYPE (FnTokenStore, fn_token_store, G_TYPE_OBJECT)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.fieldnotes.FieldNotes.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
  gboolean timed_out;
  GCancellable *cancellable;
} Wait;

static void
wait_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_context_wakeup (wait->context);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  g_cancellable_cancel (wait->cancellable);
  return G_SOURCE_REMOVE;
}

static void
wait_begin (Wait         *wait,
            GCancellable *outer)
{
  memset (wait, 0, sizeof *wait);
  wait->context = g_main_context_new ();
  wait->cancellable = g_cancellable_new ();
  if (outer)
    g_cancellable_connect (outer, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (wait->cancellable), g_object_unref);
  g_main_context_push_thread_default (wait->context);
}

static void
wait_run (Wait *wait)
{
  g_autoptr (GSource) timeout = g_timeout_source_new_seconds (SECRET_TIMEOUT_S);

  g_source_set_callback (timeout, wait_timeout_cb, wait, NULL);
  g_source_attach (timeout, wait->context);

  while (!wait->result)
    g_main_context_iteration (wait->context, TRUE);

  g_source_destroy (timeout);
}

static gboolean
wait_end (Wait    *wait,
          GError **error,
          GError  *call_error)
{
  g_main_context_pop_thread_default (wait->context);
  g_clear_object (&wait->result);
  g_clear_object (&wait->cancellable);
  g_clear_pointer (&wait->context, g_main_context_unref);

  if (!call_error)
    return TRUE;

  if (wait->timed_out)
    {
      g_error_free (call_error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   _("The keyring did not answer; it may be locked. Unlock it and try "
                     "again, or keep the sign-in in a file with --token-store=file."));
    }
  else if (call_error->domain == G_IO_ERROR && call_error->code == G_IO_ERROR_CANCELLED)
    g_propagate_error (error, call_error);
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The keyring (Secret Service) cannot be used: %s. Keep the sign-in in "
                     "a file with --token-store=file or FIELD_NOTES_TOKEN_STORE=file."),
                   call_error->message);
      g_error_free (call_error);
    }

  return FALSE;
}

static char *
token_file_path (FnTokenStore *self)
{
  return g_build_filename (self->data_dir, TOKEN_FILE, NULL);
}

static JsonObject *
read_token_file (FnTokenStore *self)
{
  g_autofree char *path = token_file_path (self);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

static gboolean
write_token_file (FnTokenStore  *self,
                  const char    *contents,
                  GError       **error)
{
  g_autofree char *path = token_file_path (self);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  gsize len = strlen (contents);
  int fd;

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    goto fail;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;

  if (write (fd, contents, len) != (gssize)len || fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      g_unlink (tmp);
      errno = saved;
      goto fail;
    }
  close (fd);

  if (g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      goto fail;
    }

  return TRUE;

fail:
  {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("Could not keep the sign-in in %s: %s."), path, g_strerror (saved));
    return FALSE;
  }
}

static void
fn_token_store_finalize (GObject *object)
{
  FnTokenStore *self = (FnTokenStore *)object;

  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (fn_token_store_parent_class)->finalize (object);
}

static void
fn_token_store_class_init (FnTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fn_token_store_finalize;
}

static void
fn_token_store_init (FnTokenStore *self)
{
}

/**
 * fn_token_store_kind_parse:
 * @name: (nullable): "secret-service" or "file"; %NULL reads
 *   FIELD_NOTES_TOKEN_STORE, and falls back to the Secret Service
 */
gboolean
fn_token_store_kind_parse (const char        *name,
                           FnTokenStoreKind  *kind,
                           GError           **error)
{
  if (!name)
    name = g_getenv ("FIELD_NOTES_TOKEN_STORE");

  if (!name || !*name || g_str_equal (name, "secret-service") || g_str_equal (name, "secret"))
    *kind = FN_TOKEN_STORE_SECRET_SERVICE;
  else if (g_str_equal (name, "file"))
    *kind = FN_TOKEN_STORE_FILE;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a token store: use secret-service or file."), name);
      return FALSE;
    }

  return TRUE;
}

FnTokenStore *
fn_token_store_new (FnTokenStoreKind  kind,
                    const char       *data_dir)
{
  FnTokenStore *self = g_object_new (FN_TYPE_TOKEN_STORE, NULL);

  g_return_val_if_fail (data_dir, NULL);

  self->kind = kind;
  self->data_dir = g_strdup (data_dir);

  return self;
}

FnTokenStoreKind
fn_token_store_get_kind (FnTokenStore *self)
{
  g_return_val_if_fail (FN_IS_TOKEN_STORE (self), FN_TOKEN_STORE_SECRET_SERVICE);

  return self->kind;
}

gboolean
fn_token_store_save (FnTokenStore  *self,
                     const char    *server,
                     const char    *user,
                     const char    *token,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_return_val_if_fail (FN_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (server && user && token, FALSE);

  if (self->kind == FN_TOKEN_STORE_FILE)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *json = NULL;
      gboolean ok;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, server);
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, user);
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);
      ok = write_token_file (self, json, error);
      memset (json, 0, strlen (json));
      return ok;
    }
  else
    {
      Wait wait;
      GError *call_error = NULL;
      g_autofree char *label = g_strdup_printf (_("Field Notes sign-in for %s at %s"), user, server);

      wait_begin (&wait, cancellable);
      secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                             wait.cancellable, wait_done_cb, &wait,
                             "server", server, "user", user, NULL);
      wait_run (&wait);
      secret_password_store_finish (wait.result, &call_error);
      return wait_end (&wait, error, call_error);
    }
}

/**
 * fn_token_store_lookup:
 *
 * Returns: (transfer full) (nullable): the token; %NULL without @error set
 *   when there is none
 */
char *
fn_token_store_lookup (FnTokenStore  *self,
                       const char    *server,
                       const char    *user,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (FN_IS_TOKEN_STORE (self), NULL);

  if (!server || !user)
    return NULL;

  if (self->kind == FN_TOKEN_STORE_FILE)
    {
      g_autoptr (JsonObject) object = read_token_file (self);

      if (!object ||
          g_strcmp0 (json_object_get_string_member_with_default (object, "server", NULL), server) ||
          g_strcmp0 (json_object_get_string_member_with_default (object, "user", NULL), user))
        return NULL;

      return g_strdup (json_object_get_string_member_with_default (object, "token", NULL));
    }
  else
    {
      Wait wait;
      GError *call_error = NULL;
      char *secret;
      char *token;

      wait_begin (&wait, cancellable);
      secret_password_lookup (get_schema (), wait.cancellable, wait_done_cb, &wait,
                              "server", server, "user", user, NULL);
      wait_run (&wait);
      secret = secret_password_lookup_finish (wait.result, &call_error);
      if (!wait_end (&wait, error, call_error))
        return NULL;

      token = g_strdup (secret);
      secret_password_free (secret);
      return token;
    }
}

gboolean
fn_token_store_clear (FnTokenStore  *self,
                      const char    *server,
                      const char    *user,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (FN_IS_TOKEN_STORE (self), FALSE);

  if (self->kind == FN_TOKEN_STORE_FILE)
    {
      g_autofree char *path = token_file_path (self);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not remove the sign-in file %s: %s."), path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  else
    {
      Wait wait;
      GError *call_error = NULL;

      wait_begin (&wait, cancellable);
      secret_password_clear (get_schema (), wait.cancellable, wait_done_cb, &wait,
                             "server", server, "user", user, NULL);
      wait_run (&wait);
      secret_password_clear_finish (wait.result, &call_error);
      return wait_end (&wait, error, call_error);
    }
}
