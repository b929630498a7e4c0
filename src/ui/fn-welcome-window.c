/* fn-welcome-window.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-welcome-window"

#include "config.h"

#include "fn-welcome-window.h"

#include "fn-account.h"
#include "fn-ca-chooser.h"
#include "fn-settings.h"

#include <glib/gi18n.h>
#include <string.h>

/* First run, and every sign-in on a shared laptop: sign in, then watch the
 * first download, then the main window (the application opens it on
 * "done"). Each account has a data folder of its own, which the sign-in
 * finds or makes in a thread (it blocks on the network and the keyring);
 * the download is a run of a sync engine of this window's own on that
 * folder's store, so that Cancel can stop it without touching the
 * application's engine. */

struct _FnWelcomeWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  GtkStack       *stack;
  AdwEntryRow    *server_row;
  AdwEntryRow    *user_row;
  AdwEntryRow    *password_row;
  GtkRevealer    *error_revealer;
  GtkLabel       *error_label;
  GtkWidget      *ca_button;
  GtkSpinner     *spinner;
  GtkWidget      *sign_in_button;
  GtkLabel       *sign_in_label;
  GtkLabel       *download_title;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkWidget      *cancel_button;
  GtkWidget      *retry_button;
  GtkWidget      *offline_button;
  GtkLabel       *intro_label;

  /* owned */
  char           *base_dir;
  FnTokenStoreKind kind;
  FnStore        *store;      /* the signed-in account's, once signed in */
  FnTokenStore   *tokens;
  char           *ca_file;
  GCancellable   *cancellable;
  FnSyncEngine   *engine;
  GtkFileChooserNative *chooser;

  gboolean        busy;
};

enum
{
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FnWelcomeWindow, fn_welcome_window, ADW_TYPE_APPLICATION_WINDOW)

static void
show_error (FnWelcomeWindow *self,
            const char      *message)
{
  if (message)
    gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
set_busy (FnWelcomeWindow *self,
          gboolean         busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_label_set_text_with_mnemonic (self->sign_in_label, busy ? _("Signing In…") : _("_Sign In"));
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->sign_in_button),
                               GTK_ACCESSIBLE_STATE_BUSY, busy, -1);
  /* Not insensitive: that would take the focus out of the row. */
  gtk_editable_set_editable (GTK_EDITABLE (self->server_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->user_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.sign-in", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.use-offline", !busy);
}

static char *
dup_trimmed (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* ---- the first download ---- */

static void download (FnWelcomeWindow *self);

static void
update_progress (FnWelcomeWindow *self)
{
  gint64 done = 0, remaining = 0;
  g_autofree char *text = NULL;

  if (!self->engine)
    return;

  g_object_get (self->engine, "progress-done", &done, "progress-remaining", &remaining, NULL);

  if (done + remaining > 0)
    {
      /* xgettext cannot see through G_GINT64_FORMAT: format the numbers first. */
      g_autofree char *done_text = g_strdup_printf ("%" G_GINT64_FORMAT, done);
      g_autofree char *total_text = g_strdup_printf ("%" G_GINT64_FORMAT, done + remaining);

      gtk_progress_bar_set_fraction (self->progress_bar, (double)done / (double)(done + remaining));
      if (remaining > 0)
        /* Translators: records received so far, of about how many in all. */
        text = g_strdup_printf (_("%s of about %s records"), done_text, total_text);
      else
        /* Translators: the number of records received. */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records",
                                             (gulong)done),
                                done_text);
    }
  else
    {
      gtk_progress_bar_pulse (self->progress_bar);
      text = g_strdup (_("Asking the office what to send…"));
    }

  gtk_label_set_text (self->progress_label, text);
}

static void
download_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FnWelcomeWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!fn_sync_engine_sync_finish (FN_SYNC_ENGINE (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* closed or cancelled: the window may be gone */

  if (error)
    {
      /* Translators: %s says why, as a sentence. */
      g_autofree char *text = g_strdup_printf (_("%s\nWhat was copied so far is kept."),
                                               error->message);

      gtk_label_set_text (self->download_title, _("The Download Stopped"));
      gtk_label_set_text (self->progress_label, text);
      gtk_widget_set_visible (self->retry_button, TRUE);
      return;
    }

  gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  gtk_label_set_text (self->download_title, _("Your Patients Are on This Laptop"));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  g_signal_emit (self, signals[DONE], 0, TRUE);
}

static void
download (FnWelcomeWindow *self)
{
  if (!self->engine)
    {
      self->engine = fn_sync_engine_new (self->store, self->tokens);
      fn_sync_engine_set_ca_file (self->engine, self->ca_file);
      fn_sync_engine_set_interval (self->engine, 0);
      g_signal_connect_object (self->engine, "notify::progress-done",
                               G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->engine, "notify::progress-remaining",
                               G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
    }

  gtk_label_set_text (self->download_title, _("Copying Your Patients to This Laptop"));
  gtk_widget_set_visible (self->retry_button, FALSE);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  update_progress (self);
  gtk_stack_set_visible_child_name (self->stack, "download");

  fn_sync_engine_sync_async (self->engine, self->cancellable, download_cb, self);
}

/* ---- signing in and out ---- */

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  FnWelcomeWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;

  if (!(dir = fn_account_sign_in_finish (result, &error)))
    {
      /* Closed: the window may be gone. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      /* The engine's words for a network failure speak of changes that
       * wait; at sign-in there are none yet. */
      if (g_error_matches (error, FN_SYNC_ERROR, FN_SYNC_ERROR_NETWORK))
        {
          g_autofree char *server = dup_trimmed (self->server_row);
          g_autofree char *message = NULL;

          /* Translators: %s is the server address that was typed. */
          message = g_strdup_printf (_("Could not reach the office server at %s. Check the "
                                       "address, and that this laptop is connected to the "
                                       "internet."),
                                     server);
          show_error (self, message);
          gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
        }
      else
        {
          show_error (self, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
        }
      /* The core's sentence points at the CA file: offer it here, since
       * Preferences are out of reach before the first sign-in. */
      gtk_widget_set_visible (self->ca_button,
                              g_error_matches (error, FN_SYNC_ERROR, FN_SYNC_ERROR_TLS));
      return;
    }

  g_clear_object (&self->store);
  g_clear_object (&self->tokens);
  self->store = fn_store_new (dir, &error);
  if (!self->store)
    {
      set_busy (self, FALSE);
      show_error (self, error->message);
      return;
    }
  self->tokens = fn_token_store_new (self->kind, dir);

  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  download (self);
}

static void
sign_out_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FnWelcomeWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!fn_account_sign_out_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  show_error (self, error ? error->message
                          : _("The download was stopped. What was copied is kept; sign in "
                              "again to copy the rest."));
}

static void
welcome_sign_in_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FnWelcomeWindow *self = FN_WELCOME_WINDOW (widget);
  g_autofree char *server = dup_trimmed (self->server_row);
  g_autofree char *user = dup_trimmed (self->user_row);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->busy)
    return;

  if (!*server)
    {
      show_error (self, _("Enter the address of your office server, as the office gave it to "
                          "you, for example https://notes.example.org."));
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  if (!*user)
    {
      show_error (self, _("Enter your user name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->user_row));
      return;
    }
  if (!*password)
    {
      show_error (self, _("Enter your password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  /* "notes.example.org" means the secure address. */
  if (!strstr (server, "://"))
    {
      char *with_scheme = g_strconcat ("https://", server, NULL);

      g_free (server);
      server = with_scheme;
      gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
    }

  show_error (self, NULL);
  set_busy (self, TRUE);

  fn_account_sign_in_async (self->base_dir, self->kind, server, user, password, self->ca_file,
                            self->cancellable, sign_in_cb, self);
}

static void
on_chooser_response_cb (FnWelcomeWindow *self,
                        int              response,
                        GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        {
          g_autoptr (GSettings) settings = g_settings_new (FN_SETTINGS_SCHEMA_ID);

          /* For this sign-in, and for the application's engine after it. */
          g_free (self->ca_file);
          self->ca_file = g_strdup (path);
          g_settings_set_string (settings, FN_SETTINGS_CA_FILE, path);
          gtk_widget_set_visible (self->ca_button, FALSE);
          show_error (self, NULL);
        }
    }

  g_clear_object (&self->chooser);
}

static void
welcome_choose_ca_file_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  FnWelcomeWindow *self = FN_WELCOME_WINDOW (widget);

  if (self->chooser)
    return;

  self->chooser = fn_ca_chooser_new (GTK_WINDOW (self));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
welcome_use_offline_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  g_signal_emit (widget, signals[DONE], 0, FALSE);
}

static void
welcome_retry_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  download (FN_WELCOME_WINDOW (widget));
}

/* Cancel stops the download and the sign-in with it; what was copied
 * stays, and signing in again continues from there. */
static void
welcome_cancel_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FnWelcomeWindow *self = FN_WELCOME_WINDOW (widget);

  if (self->engine)
    {
      fn_sync_engine_shutdown (self->engine);
      g_signal_handlers_disconnect_by_data (self->engine, self);
      g_clear_object (&self->engine);
    }

  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  gtk_label_set_text (self->progress_label, _("Stopping…"));
  set_busy (self, TRUE);

  fn_account_sign_out_async (self->store, self->tokens, self->cancellable, sign_out_cb, self);
}

static void
on_entry_changed_cb (FnWelcomeWindow *self)
{
  show_error (self, NULL);
}

static void
on_entry_activated_cb (FnWelcomeWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "welcome.sign-in", NULL);
}

static void
fn_welcome_window_dispose (GObject *object)
{
  FnWelcomeWindow *self = FN_WELCOME_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->engine)
    {
      fn_sync_engine_shutdown (self->engine);
      g_signal_handlers_disconnect_by_data (self->engine, self);
      g_clear_object (&self->engine);
    }
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), FN_TYPE_WELCOME_WINDOW);

  g_clear_object (&self->store);
  g_clear_object (&self->tokens);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fn_welcome_window_parent_class)->dispose (object);
}

static void
fn_welcome_window_finalize (GObject *object)
{
  FnWelcomeWindow *self = FN_WELCOME_WINDOW (object);

  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->base_dir, g_free);

  G_OBJECT_CLASS (fn_welcome_window_parent_class)->finalize (object);
}

static void
fn_welcome_window_class_init (FnWelcomeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_welcome_window_dispose;
  object_class->finalize = fn_welcome_window_finalize;

  /**
   * FnWelcomeWindow::done:
   * @signed_in: %TRUE after a sign-in and its first download, %FALSE to
   *   go on without an office server
   */
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_install_action (widget_class, "welcome.sign-in", NULL, welcome_sign_in_action);
  gtk_widget_class_install_action (widget_class, "welcome.use-offline", NULL,
                                   welcome_use_offline_action);
  gtk_widget_class_install_action (widget_class, "welcome.cancel", NULL, welcome_cancel_action);
  gtk_widget_class_install_action (widget_class, "welcome.retry", NULL, welcome_retry_action);
  gtk_widget_class_install_action (widget_class, "welcome.choose-ca-file", NULL,
                                   welcome_choose_ca_file_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-welcome-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, ca_button);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, download_title);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, offline_button);
  gtk_widget_class_bind_template_child (widget_class, FnWelcomeWindow, intro_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);
}

static void
fn_welcome_window_init (FnWelcomeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * fn_welcome_window_new:
 * @base_dir: (nullable): the base data folder, %NULL for the default
 * @kind: where a sign-in is kept
 * @current: (nullable): the store open so far
 * @ca_file: (nullable): an extra CA certificate file to trust
 *
 * When @current's sign-in expired, its server and user name are filled
 * in; when its owner signed out, only the server is, and the notes of
 * @current are not offered without a sign-in.
 */
FnWelcomeWindow *
fn_welcome_window_new (GtkApplication   *application,
                       const char       *base_dir,
                       FnTokenStoreKind  kind,
                       FnStore          *current,
                       const char       *ca_file)
{
  FnWelcomeWindow *self;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  gboolean signed_out;

  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (!current || FN_IS_STORE (current), NULL);

  self = g_object_new (FN_TYPE_WELCOME_WINDOW, "application", application, NULL);
  self->base_dir = g_strdup (base_dir);
  self->kind = kind;
  self->ca_file = (ca_file && *ca_file) ? g_strdup (ca_file) : NULL;

  signed_out = current && fn_accounts_is_signed_out (current);
  if (current)
    {
      server = fn_store_get_meta (current, "server_url");
      /* Who used the laptop last is not shown to the next person. */
      if (!signed_out)
        user = fn_store_get_meta (current, "username");
    }
  if (server)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  if (user)
    gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  gtk_widget_set_visible (self->offline_button, !signed_out);
  if (signed_out)
    gtk_label_set_text (self->intro_label,
                        _("Signed out. Each person’s notes are kept apart on this laptop and "
                          "wait for them; sign in with your own account to see yours."));
  /* Typing starts where something is missing, never over the address. */
  gtk_window_set_focus (GTK_WINDOW (self),
                        GTK_WIDGET (!server ? self->server_row
                                    : !user ? self->user_row : self->password_row));
  show_error (self, NULL);

  return self;
}

/**
 * fn_welcome_window_get_store:
 *
 * Returns: (transfer none) (nullable): the store of the account signed in
 *   here, %NULL before a sign-in
 */
FnStore *
fn_welcome_window_get_store (FnWelcomeWindow *self)
{
  g_return_val_if_fail (FN_IS_WELCOME_WINDOW (self), NULL);

  return self->store;
}

/**
 * fn_welcome_window_get_busy:
 *
 * Returns: whether a sign-in is on its way
 */
gboolean
fn_welcome_window_get_busy (FnWelcomeWindow *self)
{
  g_return_val_if_fail (FN_IS_WELCOME_WINDOW (self), FALSE);

  return self->busy;
}
