/* fn-patient-row.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-patient-row"

#include "config.h"

#include "fn-patient-row.h"

#include "fn-sync-status.h"

#include <glib/gi18n.h>
#include <string.h>
#include <time.h>

struct _FnPatientRow
{
  GtkBox parent_instance;

  /* template children */
  GtkLabel  *name_label;
  GtkLabel  *detail_label;
  GtkImage  *pending_icon;

  /* owned */
  FnPatient *patient;
  gulong     notify_id;
};

enum
{
  PROP_0,
  PROP_PATIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FnPatientRow, fn_patient_row, GTK_TYPE_BOX)

static void
update (FnPatientRow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *age = NULL;
  g_autofree char *detail = NULL;
  const char *address;
  FnSyncState state;

  if (!self->patient)
    {
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->detail_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->pending_icon), FALSE);
      return;
    }

  name = fn_patient_dup_display_name (self->patient);
  age = fn_patient_format_age (self->patient);
  address = fn_patient_get_address (self->patient);

  /* Only the first line of the address fits. */
  if (address && *address)
    {
      g_autofree char *line = g_strndup (address, strcspn (address, "\n"));

      if (age)
        /* Translators: a patient's age, then the first line of the address. */
        detail = g_strdup_printf (_("%s · %s"), age, line);
      else
        detail = g_steal_pointer (&line);
    }
  else
    detail = g_strdup (age ? age : "");

  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->detail_label, detail);
  /* A marker only for what needs attention: a list of ticks says nothing. */
  state = fn_record_get_sync_state (FN_RECORD (self->patient));
  fn_sync_state_apply_to_image (state, self->pending_icon);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_icon), state != FN_SYNC_STATE_SYNCED);
}

static void
fn_patient_row_dispose (GObject *object)
{
  FnPatientRow *self = FN_PATIENT_ROW (object);

  fn_patient_row_set_patient (self, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), FN_TYPE_PATIENT_ROW);

  G_OBJECT_CLASS (fn_patient_row_parent_class)->dispose (object);
}

static void
fn_patient_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FnPatientRow *self = FN_PATIENT_ROW (object);

  switch (prop_id)
    {
    case PROP_PATIENT:
      g_value_set_object (value, self->patient);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_patient_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FnPatientRow *self = FN_PATIENT_ROW (object);

  switch (prop_id)
    {
    case PROP_PATIENT:
      fn_patient_row_set_patient (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_patient_row_class_init (FnPatientRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_patient_row_dispose;
  object_class->get_property = fn_patient_row_get_property;
  object_class->set_property = fn_patient_row_set_property;

  properties[PROP_PATIENT] =
    g_param_spec_object ("patient", NULL, NULL,
                         FN_TYPE_PATIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-patient-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FnPatientRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, FnPatientRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FnPatientRow, pending_icon);
}

static void
fn_patient_row_init (FnPatientRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
fn_patient_row_new (void)
{
  return g_object_new (FN_TYPE_PATIENT_ROW, NULL);
}

FnPatient *
fn_patient_row_get_patient (FnPatientRow *self)
{
  g_return_val_if_fail (FN_IS_PATIENT_ROW (self), NULL);

  return self->patient;
}

void
fn_patient_row_set_patient (FnPatientRow *self,
                            FnPatient    *patient)
{
  g_return_if_fail (FN_IS_PATIENT_ROW (self));
  g_return_if_fail (!patient || FN_IS_PATIENT (patient));

  if (self->patient == patient)
    return;

  if (self->patient)
    g_clear_signal_handler (&self->notify_id, self->patient);
  g_set_object (&self->patient, patient);
  if (patient)
    self->notify_id = g_signal_connect_object (patient, "notify",
                                               G_CALLBACK (update), self,
                                               G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT]);
}

/**
 * fn_patient_format_age:
 *
 * Returns: (nullable) (transfer full): "84 years" or %NULL without a birth date
 */
char *
fn_patient_format_age (FnPatient *patient)
{
  g_autoptr (GDate) today = g_date_new ();
  int age;

  g_return_val_if_fail (FN_IS_PATIENT (patient), NULL);

  g_date_set_time_t (today, time (NULL));
  age = fn_patient_get_age (patient, today);
  if (age < 0)
    return NULL;

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years", age), age);
}
