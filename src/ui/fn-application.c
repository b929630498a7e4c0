/* fn-application.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-application"

#include "config.h"

#include "fn-application.h"

#include "fn-preferences-window.h"
#include "fn-settings.h"
#include "fn-welcome-window.h"
#include "fn-window.h"

#include <glib/gi18n.h>

#define RESOURCE_BASE_PATH "/io/github/fieldnotes/FieldNotes"

struct _FnApplication
{
  AdwApplication parent_instance;

  /* owned */
  FnStore      *store;
  FnSyncEngine   *engine;
  FnConnectivity *connectivity;
  FnTokenStore   *tokens;
  GSettings      *settings;
  char         *data_dir;
  char         *token_store;
};

G_DEFINE_FINAL_TYPE (FnApplication, fn_application, ADW_TYPE_APPLICATION)

static void
show_store_error (FnApplication *self,
                  const char    *data_dir,
                  const GError  *error)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  /* Translators: %s says what went wrong, as a sentence. */
  body = g_strdup_printf (_("%s\n\nCheck that the folder “%s” can be written to, "
                            "then start Field Notes again."),
                          error->message, data_dir);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (NULL,
                                                       _("Could Not Open Your Notes"),
                                                       body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_settings_changed_cb (FnApplication *self,
                        const char    *key,
                        GSettings     *settings)
{
  g_autofree char *ca_file = g_settings_get_string (settings, FN_SETTINGS_CA_FILE);
  gboolean attachments_metered = g_settings_get_boolean (settings,
                                                         FN_SETTINGS_SYNC_ATTACHMENTS_METERED);

  if (!self->engine)
    return;

  fn_sync_engine_set_interval (self->engine,
                               g_settings_get_uint (settings, FN_SETTINGS_SYNC_INTERVAL));
  fn_sync_engine_set_ca_file (self->engine, ca_file);
  fn_sync_engine_set_sync_attachments_metered (self->engine, attachments_metered);
}

static FnTokenStoreKind
token_store_kind (FnApplication *self)
{
  g_autoptr (GError) error = NULL;
  FnTokenStoreKind kind;

  if (!fn_token_store_kind_parse (self->token_store, &kind, &error))
    {
      g_warning ("%s Using the Secret Service.", error->message);
      kind = FN_TOKEN_STORE_SECRET_SERVICE;
    }

  return kind;
}

/* One account's notes, and the engine that syncs them in the background as
 * soon as the window is up; with no sign-in the engine simply stays signed
 * out and the notes stay on this laptop. */
static void
open_session (FnApplication *self,
              FnStore       *store)
{
  g_assert (!self->store);

  self->store = g_object_ref (store);
  self->tokens = fn_token_store_new (token_store_kind (self), fn_store_get_data_dir (store));
  self->engine = fn_sync_engine_new (self->store, self->tokens);

  if (!self->connectivity)
    self->connectivity = fn_connectivity_new ();
  fn_sync_engine_watch_connectivity (self->engine, self->connectivity);

  if (!self->settings)
    {
      self->settings = g_settings_new (FN_SETTINGS_SCHEMA_ID);
      g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  on_settings_changed_cb (self, NULL, self->settings);

  if (fn_sync_engine_get_state (self->engine) != FN_SYNC_ENGINE_SIGNED_OUT)
    fn_sync_engine_start (self->engine);
}

/* Another account takes the laptop: nothing of this one stays on screen,
 * and its engine stops (its waiting changes wait in its folder). */
static void
close_session (FnApplication *self)
{
  g_autoptr (GList) windows = NULL;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l; l = l->next)
    {
      if (FN_IS_WELCOME_WINDOW (l->data))
        continue;
      if (FN_IS_WINDOW (l->data))
        fn_window_save (l->data);
      gtk_window_destroy (GTK_WINDOW (l->data));
    }

  if (self->engine)
    {
      fn_sync_engine_shutdown (self->engine);
      fn_sync_engine_watch_connectivity (self->engine, NULL);
    }
  g_clear_object (&self->engine);
  g_clear_object (&self->tokens);
  g_clear_object (&self->store);
}

static gboolean
ensure_store (FnApplication *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autofree char *data_dir = NULL;

  if (self->store)
    return TRUE;

  /* The account signed in last, else the base folder (demo data, or
   * notes kept without an account, or nobody's yet). */
  data_dir = fn_accounts_get_current_dir (self->data_dir);
  store = fn_store_new (data_dir, &error);
  if (!store)
    {
      show_store_error (self, data_dir, error);
      return FALSE;
    }

  open_session (self, store);

  return TRUE;
}

static gboolean
is_signed_in (FnApplication *self)
{
  g_autofree char *signed_in = fn_store_get_meta (self->store, "signed_in");

  return g_strcmp0 (signed_in, "true") == 0;
}

/* First run: an empty store that belongs to nobody. A demo store, or one
 * already used without a server, opens straight to its notes; signing in
 * later goes through app.sign-in (the sync status popover). An account
 * whose owner signed out shows nothing until somebody signs in. */
static gboolean
needs_welcome (FnApplication *self)
{
  g_autoptr (GPtrArray) patients = NULL;

  if (fn_accounts_is_signed_out (self->store))
    return TRUE;

  if (is_signed_in (self) || fn_store_is_demo (self->store))
    return FALSE;

  patients = fn_store_list_patients (self->store, NULL, NULL);
  return patients && patients->len == 0;
}

static FnWindow *
find_main_window (FnApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (FN_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static void
present_main_window (FnApplication *self)
{
  FnWindow *window = find_main_window (self);

  if (!window)
    {
      window = fn_window_new (GTK_APPLICATION (self), self->store);
      fn_window_set_sync_engine (window, self->engine);
    }
  gtk_window_present (GTK_WINDOW (window));
}


static void
on_welcome_done_cb (FnApplication   *self,
                    gboolean         signed_in,
                    FnWelcomeWindow *welcome)
{
  FnStore *store = fn_welcome_window_get_store (welcome);

  if (signed_in && store)
    {
      if (g_strcmp0 (fn_store_get_data_dir (store), fn_store_get_data_dir (self->store)) != 0)
        {
          g_debug ("Switching to %s", fn_store_get_data_dir (store));
          close_session (self);
          open_session (self, store);
        }

      /* The first download is done; from now on the engine keeps up. */
      fn_sync_engine_start (self->engine);
      fn_sync_engine_sync_now (self->engine);
    }

  /* Without a sign-in, a signed-out account's notes are not shown. */
  if (!fn_accounts_is_signed_out (self->store))
    present_main_window (self);
  gtk_window_destroy (GTK_WINDOW (welcome));
}

static void
show_welcome (FnApplication *self)
{
  FnWelcomeWindow *welcome;
  g_autofree char *ca_file = g_settings_get_string (self->settings, FN_SETTINGS_CA_FILE);
  FnWindow *main_window = find_main_window (self);

  welcome = fn_welcome_window_new (GTK_APPLICATION (self), self->data_dir,
                                   token_store_kind (self), self->store, ca_file);
  if (main_window)
    {
      gtk_window_set_transient_for (GTK_WINDOW (welcome), GTK_WINDOW (main_window));
      gtk_window_set_modal (GTK_WINDOW (welcome), TRUE);
    }
  g_signal_connect_object (welcome, "done", G_CALLBACK (on_welcome_done_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (welcome));
}

/* Opens the folder of the account signed in last (see ensure_store())
 * and shows its notes, or the welcome window when they are nobody's to
 * see yet. */
static void
show_current_account (FnApplication *self)
{
  if (!ensure_store (self))
    return;

  if (needs_welcome (self))
    show_welcome (self);
  else
    present_main_window (self);
}

/* The account's notes leave the screen with its sign-out; the next person
 * signs in to a folder of their own. */
static gboolean
switch_after_sign_out_cb (gpointer user_data)
{
  FnApplication *self = user_data;

  close_session (self);
  show_current_account (self);

  g_application_release (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

static void
on_signed_out_cb (FnApplication *self)
{
  /* Not from inside the preferences window's signal: it is destroyed
   * with the main window. */
  g_application_hold (G_APPLICATION (self));
  g_idle_add_full (G_PRIORITY_DEFAULT, switch_after_sign_out_cb, g_object_ref (self),
                   g_object_unref);
}

static void
app_sign_in_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FnApplication *self = user_data;

  if (self->store)
    show_welcome (self);
}

static void
app_preferences_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  FnApplication *self = user_data;
  FnPreferencesWindow *preferences;

  if (!self->store)
    return;

  preferences = fn_preferences_window_new (GTK_WINDOW (find_main_window (self)), self->store,
                                           self->engine, self->tokens);
  g_signal_connect_object (preferences, "signed-out", G_CALLBACK (on_signed_out_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
app_quit_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FnApplication *self = user_data;
  GList *windows;

  /* Closing each window (rather than quitting outright) lets every window
   * save the note being edited; the application exits with the last one. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
app_about_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  FnApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "Field Notes authors", NULL };

  adw_show_about_window (window,
                         "application-name", _("Field Notes"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("Field Notes authors"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/fieldnotes/field-notes",
                         "issue-url", "https://github.com/fieldnotes/field-notes/issues",
                         "copyright", "© 2026 Field Notes authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
app_shortcuts_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  FnApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
app_sync_now_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  FnApplication *self = user_data;

  if (self->engine)
    fn_sync_engine_sync_now (self->engine);
}

static const GActionEntry app_actions[] = {
  { "quit", app_quit_action },
  { "sync-now", app_sync_now_action },
  { "sign-in", app_sign_in_action },
  { "preferences", app_preferences_action },
  { "about", app_about_action },
  { "shortcuts", app_shortcuts_action },
};

static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.shortcuts", { "<Control>question", NULL } },
  { "app.sync-now", { "<Control>r", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.show-help-overlay", { NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.new-note", { "<Control>n", NULL } },
  { "win.search", { "<Control>f", NULL } },
  { "win.show-today", { "<Control>t", NULL } },
  { "win.back", { "<Alt>Left", NULL } },
};

static int
fn_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  FnApplication *self = FN_APPLICATION (app);
  const char *data_dir = NULL;
  const char *token_store = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "field-notes", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "token-store", "s", &token_store))
    {
      g_free (self->token_store);
      self->token_store = g_strdup (token_store);
    }

  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    {
      g_free (self->data_dir);
      self->data_dir = g_canonicalize_filename (data_dir, NULL);

      /* Another data folder is another set of notes: don't hand this
       * request to an instance that already runs on the default one. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  return G_APPLICATION_CLASS (fn_application_parent_class)->handle_local_options (app, options);
}

static void
fn_application_startup (GApplication *app)
{
  FnApplication *self = FN_APPLICATION (app);

  G_APPLICATION_CLASS (fn_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action,
                                           app_accels[i].accels);
}

static void
fn_application_activate (GApplication *app)
{
  FnApplication *self = FN_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window)
    {
      gtk_window_present (window);
      return;
    }

  show_current_account (self);
}

static void
fn_application_shutdown (GApplication *app)
{
  FnApplication *self = FN_APPLICATION (app);

  /* Cancel a run in progress: every page and push result is its own
   * transaction, so the store stays consistent and the process exits. */
  if (self->engine)
    fn_sync_engine_shutdown (self->engine);

  G_APPLICATION_CLASS (fn_application_parent_class)->shutdown (app);
}

static void
fn_application_dispose (GObject *object)
{
  FnApplication *self = FN_APPLICATION (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->connectivity);
  g_clear_object (&self->tokens);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fn_application_parent_class)->dispose (object);
}

static void
fn_application_finalize (GObject *object)
{
  FnApplication *self = FN_APPLICATION (object);

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->token_store, g_free);

  G_OBJECT_CLASS (fn_application_parent_class)->finalize (object);
}

static void
fn_application_class_init (FnApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = fn_application_dispose;
  object_class->finalize = fn_application_finalize;

  app_class->handle_local_options = fn_application_handle_local_options;
  app_class->startup = fn_application_startup;
  app_class->activate = fn_application_activate;
  app_class->shutdown = fn_application_shutdown;
}

static void
fn_application_init (FnApplication *self)
{
  static const GOptionEntry entries[] = {
    { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
      N_("Keep notes in DIR instead of the default folder"), N_("DIR") },
    { "token-store", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
      N_("Keep the sign-in in the Secret Service (default) or in a file"),
      N_("secret-service|file") },
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Write home-care visit notes, even offline."));
}

FnApplication *
fn_application_new (void)
{
  return g_object_new (FN_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The .Devel build has another ID but the same
                        * resources (style.css, gtk/help-overlay.ui). */
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}

FnStore *
fn_application_get_store (FnApplication *self)
{
  g_return_val_if_fail (FN_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * fn_application_get_sync_engine:
 *
 * Returns: (transfer none) (nullable): the engine, once the store is open
 */
FnSyncEngine *
fn_application_get_sync_engine (FnApplication *self)
{
  g_return_val_if_fail (FN_IS_APPLICATION (self), NULL);

  return self->engine;
}
