/* fn-signature-dialog.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-signature-dialog"

#include "config.h"

#include "fn-signature-dialog.h"

#include <glib/gi18n.h>

/* "Ask for signature": who signs, in which role, and the pad; or, when the
 * person cannot sign, the reason and a witness. The dialog only collects:
 * its answer comes back through fn_signature_dialog_run_finish() and the
 * caller stores it. */

struct _FnSignatureDialog
{
  AdwWindow       parent_instance;

  /* template children */
  AdwEntryRow    *name_row;
  GtkStack       *stack;
  FnSignaturePad *pad;
  AdwEntryRow    *reason_row;
  AdwEntryRow    *witness_row;
  GtkLabel       *error_label;

  /* borrowed */
  GCancellable   *cancellable;

  /* owned */
  GTask          *task;
  gulong          cancelled_id;
  char           *signer_role;
  gboolean        unable_to_sign;
};

enum
{
  PROP_0,
  PROP_SIGNER_ROLE,
  PROP_UNABLE_TO_SIGN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FnSignatureDialog, fn_signature_dialog, ADW_TYPE_WINDOW)

static const char * const roles[] = { "patient", "relative", "caregiver" };

void
fn_signature_result_free (FnSignatureResult *result)
{
  if (!result)
    return;

  g_free (result->signer_name);
  g_free (result->signer_role);
  g_clear_pointer (&result->strokes, fn_strokes_free);
  g_free (result->unable_reason);
  g_free (result->witness_name);
  g_free (result);
}

static gboolean
is_role (const char *role)
{
  return role && g_strv_contains ((const char * const *)roles, role);
}

static void
show_error (FnSignatureDialog *self,
            const char        *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_actions (FnSignatureDialog *self)
{
  gboolean has_ink = !fn_signature_pad_get_is_empty (self->pad);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signature.clear",
                                 has_ink && !self->unable_to_sign);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signature.undo",
                                 has_ink && !self->unable_to_sign);
}

/* Trimmed text of an entry row. */
static char *
get_row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* Answers the caller once; %NULL is Cancel. */
static void
complete (FnSignatureDialog *self,
          FnSignatureResult *result)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  if (self->cancelled_id)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  self->cancellable = NULL;

  if (task)
    {
      if (result)
        g_task_return_pointer (task, result, (GDestroyNotify)fn_signature_result_free);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("No signature was taken."));
    }
  else
    {
      fn_signature_result_free (result);
    }
}

static gboolean
close_cb (gpointer user_data)
{
  FnSignatureDialog *self = user_data;

  if (self->task)
    gtk_window_close (GTK_WINDOW (self));

  return G_SOURCE_REMOVE;
}

static void
on_cancellable_cancelled_cb (GCancellable *cancellable,
                             gpointer      user_data)
{
  FnSignatureDialog *self = user_data;

  /* Close from an idle: the handler may not disconnect itself, and
   * cancel may be called from anywhere. */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_cb, g_object_ref (self), g_object_unref);
}

static void
on_entry_changed_cb (FnSignatureDialog *self)
{
  show_error (self, NULL);
}

static void
on_pad_n_strokes_changed_cb (FnSignatureDialog *self)
{
  show_error (self, NULL);
  update_actions (self);
}

static void
signature_accept_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FnSignatureDialog *self = FN_SIGNATURE_DIALOG (widget);
  g_autoptr (FnSignatureResult) result = g_new0 (FnSignatureResult, 1);
  g_autoptr (GError) error = NULL;

  result->signer_name = get_row_text (self->name_row);
  result->signer_role = g_strdup (self->signer_role);

  if (!*result->signer_name)
    {
      show_error (self, _("Enter the name of the person signing."));
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }

  if (self->unable_to_sign)
    {
      result->unable_reason = get_row_text (self->reason_row);
      result->witness_name = get_row_text (self->witness_row);

      if (!*result->unable_reason)
        {
          show_error (self, _("Enter why the person is unable to sign."));
          gtk_widget_grab_focus (GTK_WIDGET (self->reason_row));
          return;
        }
      if (!*result->witness_name)
        {
          show_error (self, _("Enter the name of the witness."));
          gtk_widget_grab_focus (GTK_WIDGET (self->witness_row));
          return;
        }
    }
  else
    {
      const FnStrokes *strokes = fn_signature_pad_get_strokes (self->pad);

      if (!fn_strokes_check_signable (strokes, &error))
        {
          show_error (self, error->message);
          return;
        }
      result->strokes = fn_strokes_copy (strokes);
    }

  complete (self, g_steal_pointer (&result));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
signature_cancel_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
signature_clear_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  fn_signature_pad_clear (FN_SIGNATURE_DIALOG (widget)->pad);
}

static void
signature_undo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  fn_signature_pad_undo (FN_SIGNATURE_DIALOG (widget)->pad);
}

static gboolean
fn_signature_dialog_close_request (GtkWindow *window)
{
  FnSignatureDialog *self = FN_SIGNATURE_DIALOG (window);

  /* Closing the window is Cancel; GtkWindow then destroys it. */
  complete (self, NULL);

  if (GTK_WINDOW_CLASS (fn_signature_dialog_parent_class)->close_request)
    return GTK_WINDOW_CLASS (fn_signature_dialog_parent_class)->close_request (window);

  return GDK_EVENT_PROPAGATE;
}

static void
fn_signature_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FnSignatureDialog *self = FN_SIGNATURE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SIGNER_ROLE:
      g_value_set_string (value, self->signer_role);
      break;
    case PROP_UNABLE_TO_SIGN:
      g_value_set_boolean (value, self->unable_to_sign);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_signature_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FnSignatureDialog *self = FN_SIGNATURE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SIGNER_ROLE:
      {
        const char *role = g_value_get_string (value);

        if (!is_role (role))
          {
            g_warning ("Unknown signer role “%s”", role ? role : "(null)");
            return;
          }
        if (g_strcmp0 (self->signer_role, role) == 0)
          return;
        g_free (self->signer_role);
        self->signer_role = g_strdup (role);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    case PROP_UNABLE_TO_SIGN:
      {
        gboolean unable = g_value_get_boolean (value);

        if (self->unable_to_sign == unable)
          return;
        self->unable_to_sign = unable;
        gtk_stack_set_visible_child_name (self->stack, unable ? "unable" : "sign");
        show_error (self, NULL);
        update_actions (self);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_signature_dialog_dispose (GObject *object)
{
  FnSignatureDialog *self = FN_SIGNATURE_DIALOG (object);

  /* Destroyed from outside before it answered: that is a cancel too. */
  if (self->task)
    complete (self, NULL);

  G_OBJECT_CLASS (fn_signature_dialog_parent_class)->dispose (object);
}

static void
fn_signature_dialog_finalize (GObject *object)
{
  FnSignatureDialog *self = FN_SIGNATURE_DIALOG (object);

  g_clear_pointer (&self->signer_role, g_free);

  G_OBJECT_CLASS (fn_signature_dialog_parent_class)->finalize (object);
}

static void
fn_signature_dialog_class_init (FnSignatureDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = fn_signature_dialog_get_property;
  object_class->set_property = fn_signature_dialog_set_property;
  object_class->dispose = fn_signature_dialog_dispose;
  object_class->finalize = fn_signature_dialog_finalize;
  window_class->close_request = fn_signature_dialog_close_request;

  properties[PROP_SIGNER_ROLE] =
    g_param_spec_string ("signer-role", NULL, NULL, "patient",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNABLE_TO_SIGN] =
    g_param_spec_boolean ("unable-to-sign", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "signature.accept", NULL,
                                   signature_accept_action);
  gtk_widget_class_install_action (widget_class, "signature.cancel", NULL,
                                   signature_cancel_action);
  /* The pad's own actions are not visible to buttons beside it. */
  gtk_widget_class_install_action (widget_class, "signature.clear", NULL,
                                   signature_clear_action);
  gtk_widget_class_install_action (widget_class, "signature.undo", NULL,
                                   signature_undo_action);
  gtk_widget_class_install_property_action (widget_class, "signature.role", "signer-role");
  gtk_widget_class_install_property_action (widget_class, "signature.unable-to-sign",
                                            "unable-to-sign");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "signature.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "signature.undo", NULL);

  g_type_ensure (FN_TYPE_SIGNATURE_PAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-signature-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FnSignatureDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureDialog, pad);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureDialog, witness_row);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_pad_n_strokes_changed_cb);
}

static void
fn_signature_dialog_init (FnSignatureDialog *self)
{
  self->signer_role = g_strdup ("patient");

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  update_actions (self);
}

FnSignatureDialog *
fn_signature_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (FN_TYPE_SIGNATURE_DIALOG,
                       "transient-for", parent,
                       NULL);
}

/* Fills in who is expected to sign; either may be %NULL. */
void
fn_signature_dialog_set_signer (FnSignatureDialog *self,
                                const char        *name,
                                const char        *role)
{
  g_return_if_fail (FN_IS_SIGNATURE_DIALOG (self));
  g_return_if_fail (!role || is_role (role));

  if (name)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (role)
    g_object_set (self, "signer-role", role, NULL);
}

/* Returns: (transfer none): the pad, for tests. */
FnSignaturePad *
fn_signature_dialog_get_pad (FnSignatureDialog *self)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_DIALOG (self), NULL);

  return self->pad;
}

/* Presents the dialog. It answers once: Accept with a signature that
 * passes fn_strokes_check_signable() (or a reason and a witness), or
 * Cancel (G_IO_ERROR_CANCELLED). It destroys itself after answering. */
void
fn_signature_dialog_run_async (FnSignatureDialog   *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FN_IS_SIGNATURE_DIALOG (self));
  g_return_if_fail (!self->task);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, fn_signature_dialog_run_async);
  g_task_set_name (self->task, "fn-signature-dialog-run");

  if (cancellable)
    {
      self->cancellable = cancellable;
      self->cancelled_id = g_cancellable_connect (cancellable,
                                                  G_CALLBACK (on_cancellable_cancelled_cb),
                                                  self, NULL);
    }

  gtk_window_present (GTK_WINDOW (self));
}

/* Returns: (transfer full): what was signed, or %NULL with
 * G_IO_ERROR_CANCELLED. */
FnSignatureResult *
fn_signature_dialog_run_finish (FnSignatureDialog  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_DIALOG (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fn_signature_dialog_run_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
