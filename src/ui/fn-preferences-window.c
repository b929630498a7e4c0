/* fn-preferences-window.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-preferences-window"

#include "config.h"

#include "fn-preferences-window.h"

#include "fn-account.h"
#include "fn-ca-chooser.h"
#include "fn-settings.h"
#include "fn-window.h"

#include <glib/gi18n.h>

/* The office server (shown, with sign in or out), how often to sync in the
 * background, whether signatures sync on metered networks and an extra
 * certificate authority. The interval, the metered switch and the CA file
 * are GSettings keys the application already follows. */

struct _FnPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* template children */
  AdwActionRow         *server_row;
  AdwActionRow         *user_row;
  GtkWidget            *sign_out_button;
  GtkWidget            *sign_in_button;
  GtkSpinButton        *interval_spin;
  GtkSwitch            *metered_switch;
  AdwActionRow         *ca_row;
  GtkWidget            *ca_clear_button;

  /* owned */
  FnStore              *store;
  FnSyncEngine         *engine;
  FnTokenStore         *tokens;
  GSettings            *settings;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
};

enum
{
  SIGNED_OUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FnPreferencesWindow, fn_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
update_account (FnPreferencesWindow *self)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *signed_in = NULL;
  gboolean is_signed_in;

  if (!self->store)
    return;

  server = fn_store_get_meta (self->store, "server_url");
  user = fn_store_get_meta (self->store, "username");
  signed_in = fn_store_get_meta (self->store, "signed_in");
  is_signed_in = g_strcmp0 (signed_in, "true") == 0;

  adw_action_row_set_subtitle (self->server_row,
                               server ? server : _("None: notes stay on this laptop"));
  if (user && is_signed_in)
    adw_action_row_set_subtitle (self->user_row, user);
  else if (user)
    {
      /* Translators: %s is a user name. */
      g_autofree char *text = g_strdup_printf (_("Signed out; %s can sign in again"), user);

      adw_action_row_set_subtitle (self->user_row, text);
    }
  else
    adw_action_row_set_subtitle (self->user_row, _("Not signed in"));

  gtk_widget_set_visible (self->sign_out_button, is_signed_in);
  gtk_widget_set_visible (self->sign_in_button, !is_signed_in && !fn_store_is_demo (self->store));
}

static void
update_ca_file (FnPreferencesWindow *self)
{
  g_autofree char *ca_file = g_settings_get_string (self->settings, FN_SETTINGS_CA_FILE);

  adw_action_row_set_subtitle (self->ca_row,
                               *ca_file ? ca_file
                                        : _("None: only the authorities this computer trusts"));
  gtk_widget_set_visible (self->ca_clear_button, *ca_file != '\0');
}

static gboolean
seconds_to_minutes (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_value_set_double (value, (double)((g_variant_get_uint32 (variant) + 30) / 60));
  return TRUE;
}

static GVariant *
minutes_to_seconds (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32)g_value_get_double (value) * 60);
}

static void
sign_out_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FnPreferencesWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  GtkWindow *parent;

  if (!fn_account_sign_out_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* closed: the window may be gone */

  gtk_widget_set_sensitive (self->sign_out_button, TRUE);

  if (error)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
      return;
    }

  update_account (self);

  /* A run now finds no sign-in and says so in the header. */
  if (self->engine)
    fn_sync_engine_sync_now (self->engine);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Signed out. Your notes stay on this laptop.")));
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (FN_IS_WINDOW (parent))
    fn_window_show_toast (FN_WINDOW (parent), _("Signed out. Your notes stay on this laptop."));

  g_signal_emit (self, signals[SIGNED_OUT], 0);
}

/**
 * fn_preferences_window_sign_out:
 *
 * Signs out at once, without asking; waiting changes stay in the store.
 */
void
fn_preferences_window_sign_out (FnPreferencesWindow *self)
{
  g_return_if_fail (FN_IS_PREFERENCES_WINDOW (self));

  gtk_widget_set_sensitive (self->sign_out_button, FALSE);
  fn_account_sign_out_async (self->store, self->tokens, self->cancellable, sign_out_cb, self);
}

static void
on_sign_out_response_cb (AdwMessageDialog    *dialog,
                         const char          *response,
                         FnPreferencesWindow *self)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    fn_preferences_window_sign_out (self);
}

static void
prefs_sign_out_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FnPreferencesWindow *self = FN_PREFERENCES_WINDOW (widget);
  g_autofree char *user = fn_store_get_meta (self->store, "username");
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  guint pending = fn_store_count_pending (self->store) + fn_store_count_rejected (self->store);
  GtkWidget *dialog;

  if (pending == 0)
    {
      fn_preferences_window_sign_out (self);
      return;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Sign Out With %u Change Not Yet Sent?",
                                          "Sign Out With %u Changes Not Yet Sent?", pending),
                             pending);
  /* Translators: %s is the user name. */
  body = g_strdup_printf (_("They are not lost: they stay on this laptop and are sent when %s "
                            "signs in here again. Nobody else can send them."),
                          user ? user : _("the same person"));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Stay Signed In"),
                                    "sign-out", _("_Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_chooser_response_cb (FnPreferencesWindow *self,
                        int                  response,
                        GtkNativeDialog     *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        g_settings_set_string (self->settings, FN_SETTINGS_CA_FILE, path);
    }

  g_clear_object (&self->chooser);
}

static void
prefs_choose_ca_file_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  FnPreferencesWindow *self = FN_PREFERENCES_WINDOW (widget);

  if (self->chooser)
    return;

  self->chooser = fn_ca_chooser_new (GTK_WINDOW (self));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
prefs_clear_ca_file_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  FnPreferencesWindow *self = FN_PREFERENCES_WINDOW (widget);

  g_settings_set_string (self->settings, FN_SETTINGS_CA_FILE, "");
}

static void
fn_preferences_window_dispose (GObject *object)
{
  FnPreferencesWindow *self = FN_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), FN_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->tokens);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fn_preferences_window_parent_class)->dispose (object);
}

static void
fn_preferences_window_class_init (FnPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_preferences_window_dispose;

  /**
   * FnPreferencesWindow::signed-out:
   *
   * The sign-out is done: the account's notes are no longer to be shown.
   */
  signals[SIGNED_OUT] =
    g_signal_new ("signed-out",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "prefs.sign-out", NULL, prefs_sign_out_action);
  gtk_widget_class_install_action (widget_class, "prefs.choose-ca-file", NULL,
                                   prefs_choose_ca_file_action);
  gtk_widget_class_install_action (widget_class, "prefs.clear-ca-file", NULL,
                                   prefs_clear_ca_file_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, metered_switch);
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, FnPreferencesWindow, ca_clear_button);
}

static void
fn_preferences_window_init (FnPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (FN_SETTINGS_SCHEMA_ID);

  g_settings_bind_with_mapping (self->settings, FN_SETTINGS_SYNC_INTERVAL,
                                gtk_spin_button_get_adjustment (self->interval_spin), "value",
                                G_SETTINGS_BIND_DEFAULT,
                                seconds_to_minutes, minutes_to_seconds, NULL, NULL);
  g_settings_bind (self->settings, FN_SETTINGS_SYNC_ATTACHMENTS_METERED,
                   self->metered_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::" FN_SETTINGS_CA_FILE,
                           G_CALLBACK (update_ca_file), self, G_CONNECT_SWAPPED);
  update_ca_file (self);
}

/**
 * fn_preferences_window_new:
 * @engine: (nullable): told to run after a sign-out, so that the header
 *   shows it
 */
FnPreferencesWindow *
fn_preferences_window_new (GtkWindow    *parent,
                           FnStore      *store,
                           FnSyncEngine *engine,
                           FnTokenStore *tokens)
{
  FnPreferencesWindow *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FN_IS_STORE (store), NULL);
  g_return_val_if_fail (!engine || FN_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (FN_IS_TOKEN_STORE (tokens), NULL);

  self = g_object_new (FN_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->store = g_object_ref (store);
  self->engine = engine ? g_object_ref (engine) : NULL;
  self->tokens = g_object_ref (tokens);

  g_signal_connect_object (store, "changed", G_CALLBACK (update_account), self,
                           G_CONNECT_SWAPPED);
  update_account (self);

  return self;
}
