/* fn-signature-view.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-signature-view"

#include "config.h"

#include "fn-signature-view.h"

#include "fn-signature-pad.h"

#include <glib/gi18n.h>

/* A stored signature under its note: the ink (drawn by the same code as
 * the pad and the PNG), who signed and when, and a warning when the note
 * no longer matches what was signed. Without the ink yet, a sentence says
 * when it comes: with the next sync, or on a network that is not metered. */

struct _FnSignatureView
{
  AdwBin          parent_instance;

  /* template children */
  FnSignaturePad *pad;
  GtkLabel       *caption_label;
  GtkWidget      *missing_label;
  GtkWidget      *metered_label;
  GtkWidget      *earlier_box;

  /* owned */
  gboolean        matches;
  gboolean        has_strokes;
  gboolean        metered;
};

enum
{
  PROP_0,
  PROP_MATCHES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FnSignatureView, fn_signature_view, ADW_TYPE_BIN)

static void
fn_signature_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FnSignatureView *self = FN_SIGNATURE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MATCHES:
      g_value_set_boolean (value, self->matches);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_signature_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FnSignatureView *self = FN_SIGNATURE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MATCHES:
      fn_signature_view_set_matches (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_signature_view_class_init (FnSignatureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = fn_signature_view_get_property;
  object_class->set_property = fn_signature_view_set_property;

  properties[PROP_MATCHES] =
    g_param_spec_boolean ("matches", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FN_TYPE_SIGNATURE_PAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-signature-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FnSignatureView, pad);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureView, caption_label);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureView, missing_label);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureView, metered_label);
  gtk_widget_class_bind_template_child (widget_class, FnSignatureView, earlier_box);
}

static void
update_missing (FnSignatureView *self)
{
  gtk_widget_set_visible (self->missing_label, !self->has_strokes && !self->metered);
  gtk_widget_set_visible (self->metered_label, !self->has_strokes && self->metered);
}

static void
fn_signature_view_init (FnSignatureView *self)
{
  self->matches = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fn_signature_view_new (void)
{
  return g_object_new (FN_TYPE_SIGNATURE_VIEW, NULL);
}

/* Returns: (transfer full): the role as people read it, in lower case to
 * sit inside a sentence. */
char *
fn_signature_role_to_label (const char *role)
{
  if (g_strcmp0 (role, "patient") == 0)
    return g_strdup (C_("signer role", "patient"));
  if (g_strcmp0 (role, "relative") == 0)
    return g_strdup (C_("signer role", "relative"));
  if (g_strcmp0 (role, "caregiver") == 0)
    return g_strdup (C_("signer role", "caregiver"));

  return g_strdup (role ? role : "");
}

/* Shows @strokes signed by @signer_name as @signer_role at @captured_at
 * (shown in local time). @strokes is %NULL while its blob has not arrived
 * from the office. */
void
fn_signature_view_set_signature (FnSignatureView *self,
                                 const FnStrokes *strokes,
                                 const char      *signer_name,
                                 const char      *signer_role,
                                 GDateTime       *captured_at)
{
  g_autofree char *role = NULL;
  g_autofree char *date = NULL;
  g_autofree char *caption = NULL;

  g_return_if_fail (FN_IS_SIGNATURE_VIEW (self));

  fn_signature_pad_set_strokes (self->pad, strokes);
  self->has_strokes = strokes != NULL;
  update_missing (self);

  role = fn_signature_role_to_label (signer_role);
  if (captured_at)
    {
      g_autoptr (GDateTime) local = g_date_time_to_local (captured_at);

      /* Translators: the date and time of a signature, see
       * g_date_time_format(). */
      date = g_date_time_format (local, _("%-d %B %Y at %H:%M"));
    }

  /* Translators: "Signed by Ada Smith (patient) on 28 November 2026 at
   * 14:05". */
  caption = g_strdup_printf (_("Signed by %s (%s) on %s"),
                             signer_name ? signer_name : "",
                             role,
                             date ? date : "");
  gtk_label_set_text (self->caption_label, caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pad),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, caption,
                                  -1);
}

const char *
fn_signature_view_get_caption (FnSignatureView *self)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_VIEW (self), NULL);

  return gtk_label_get_text (self->caption_label);
}

gboolean
fn_signature_view_get_matches (FnSignatureView *self)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_VIEW (self), FALSE);

  return self->matches;
}

/* Whether the note still has the content that was signed; when it has
 * not, the view says the signature covers an earlier version. */
void
fn_signature_view_set_matches (FnSignatureView *self,
                               gboolean         matches)
{
  g_return_if_fail (FN_IS_SIGNATURE_VIEW (self));

  matches = !!matches;
  if (self->matches == matches)
    return;

  self->matches = matches;
  gtk_widget_set_visible (self->earlier_box, !matches);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCHES]);
}

/* Whether signature images wait for a network that is not metered (the
 * sync engine defers them), which the view says while it has no ink. */
void
fn_signature_view_set_metered (FnSignatureView *self,
                               gboolean         metered)
{
  g_return_if_fail (FN_IS_SIGNATURE_VIEW (self));

  self->metered = !!metered;
  update_missing (self);
}
