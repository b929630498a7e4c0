/* fn-patient-page.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-patient-page"

#include "config.h"

#include "fn-patient-page.h"

#include "fn-conflict-view.h"
#include "fn-patient-row.h"
#include "fn-sync-status.h"

#include <glib/gi18n.h>

struct _FnPatientPage
{
  AdwBin parent_instance;

  /* template children */
  GtkScrolledWindow *scroller;
  GtkLabel          *name_label;
  GtkLabel          *age_label;
  AdwActionRow      *address_row;
  AdwActionRow      *phone_row;
  AdwActionRow      *care_plan_row;
  GtkStack          *notes_stack;
  GtkListBox        *notes_list;
  GtkWidget         *history_group;
  GtkListBox        *history_list;

  /* owned */
  FnStore           *store;
  FnPatient         *patient;
  FnNoteList        *notes;
  gulong             notify_id;
};

enum
{
  PROP_0,
  PROP_STORE,
  PROP_PATIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FnPatientPage, fn_patient_page, ADW_TYPE_BIN)

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "observation") == 0)
    return C_("note kind", "Observation");
  if (g_strcmp0 (kind, "medication") == 0)
    return C_("note kind", "Medication");
  if (g_strcmp0 (kind, "incident") == 0)
    return C_("note kind", "Incident");
  return C_("note kind", "Visit");
}

static void
update_note_row (AdwActionRow *row,
                 GParamSpec   *pspec,
                 FnNote       *note)
{
  g_autoptr (GDateTime) utc = fn_note_dup_visit_time (note);
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  const char *title = fn_note_get_title (note);
  GtkWidget *draft_label;

  if (utc)
    {
      time = g_date_time_to_local (utc);
      /* Translators: a visit time in the list of notes, see g_date_time_format(). */
      when = g_date_time_format (time, _("%-d %b %Y, %H:%M"));
    }

  /* Translators: the kind of a note and when the visit was, "Visit · 3 Mar 2026, 10:00". */
  subtitle = g_strdup_printf (_("%s · %s"), kind_label (fn_note_get_kind (note)), when ? when : "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 title && *title ? title : _("Untitled Note"));
  adw_action_row_set_subtitle (row, subtitle);

  draft_label = g_object_get_data (G_OBJECT (row), "draft-label");
  gtk_widget_set_visible (draft_label, g_strcmp0 (fn_note_get_status (note), "final") != 0);

  fn_sync_state_apply_to_image (fn_record_get_sync_state (FN_RECORD (note)),
                                g_object_get_data (G_OBJECT (row), "sync-marker"));
}

static GtkWidget *
create_note_row (gpointer item,
                 gpointer user_data)
{
  FnNote *note = item;
  GtkWidget *row;
  GtkWidget *draft_label;
  GtkWidget *marker;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-note");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s",
                                    fn_record_get_id (FN_RECORD (note)));

  draft_label = gtk_label_new (C_("note status", "Draft"));
  gtk_widget_set_valign (draft_label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (draft_label, "draft-badge");
  gtk_widget_add_css_class (draft_label, "caption");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), draft_label);
  g_object_set_data (G_OBJECT (row), "draft-label", draft_label);

  marker = gtk_image_new ();
  gtk_widget_set_valign (marker, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (marker, "sync-marker");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), marker);
  g_object_set_data (G_OBJECT (row), "sync-marker", marker);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));

  update_note_row (ADW_ACTION_ROW (row), NULL, note);
  g_signal_connect_object (note, "notify", G_CALLBACK (update_note_row), row,
                           G_CONNECT_SWAPPED);

  return row;
}

static void
update_notes_stack (FnPatientPage *self)
{
  gboolean empty = !self->notes || g_list_model_get_n_items (G_LIST_MODEL (self->notes)) == 0;

  gtk_stack_set_visible_child_name (self->notes_stack, empty ? "empty" : "list");
}

static void
set_row_text (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row), text && *text);
}

static void
update_patient (FnPatientPage *self)
{
  g_autofree char *name = NULL;
  g_autofree char *age = NULL;
  g_autofree char *age_text = NULL;
  const char *birth_date;

  if (!self->patient)
    return;

  name = fn_patient_dup_display_name (self->patient);
  age = fn_patient_format_age (self->patient);
  birth_date = fn_patient_get_birth_date (self->patient);

  if (age && birth_date)
    {
      g_autoptr (GDateTime) born = NULL;
      g_autofree char *iso = g_strconcat (birth_date, "T00:00:00Z", NULL);

      born = g_date_time_new_from_iso8601 (iso, NULL);
      if (born)
        {
          /* Translators: a birth date, see g_date_time_format(). */
          g_autofree char *date = g_date_time_format (born, _("%-d %B %Y"));

          /* Translators: "84 years · born 3 March 1942". */
          age_text = g_strdup_printf (_("%s · born %s"), age, date);
        }
    }
  if (!age_text)
    age_text = g_strdup (age ? age : "");

  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->age_label, age_text);
  gtk_widget_set_visible (GTK_WIDGET (self->age_label), *age_text != '\0');

  set_row_text (self->address_row, fn_patient_get_address (self->patient));
  set_row_text (self->phone_row, fn_patient_get_phone (self->patient));
  set_row_text (self->care_plan_row, fn_patient_get_care_plan (self->patient));
}

static void
update_history (FnPatientPage *self)
{
  const char *id = self->patient ? fn_record_get_id (FN_RECORD (self->patient)) : NULL;
  guint n = fn_conflict_history_fill (self->history_list, self->store, FN_ENTITY_PATIENT, id);

  gtk_widget_set_visible (self->history_group, n > 0);
}

static void
on_store_changed_cb (FnPatientPage *self,
                     FnEntity       entity)
{
  if (entity == FN_ENTITY_CONFLICT)
    update_history (self);
}

static void
on_notes_items_changed_cb (FnPatientPage *self)
{
  update_notes_stack (self);
}

static void
fn_patient_page_dispose (GObject *object)
{
  FnPatientPage *self = FN_PATIENT_PAGE (object);

  if (self->patient)
    g_clear_signal_handler (&self->notify_id, self->patient);

  /* AdwBin unparents its child itself; disposing the template too would
   * unparent it twice. */

  g_clear_object (&self->notes);
  g_clear_object (&self->patient);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fn_patient_page_parent_class)->dispose (object);
}

static void
fn_patient_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FnPatientPage *self = FN_PATIENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_PATIENT:
      g_value_set_object (value, self->patient);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_patient_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FnPatientPage *self = FN_PATIENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      fn_patient_page_set_store (self, g_value_get_object (value));
      break;

    case PROP_PATIENT:
      fn_patient_page_set_patient (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_patient_page_class_init (FnPatientPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_patient_page_dispose;
  object_class->get_property = fn_patient_page_get_property;
  object_class->set_property = fn_patient_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         FN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PATIENT] =
    g_param_spec_object ("patient", NULL, NULL,
                         FN_TYPE_PATIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-patient-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, age_label);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, phone_row);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, care_plan_row);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, notes_stack);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, notes_list);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, history_group);
  gtk_widget_class_bind_template_child (widget_class, FnPatientPage, history_list);
}

static void
fn_patient_page_init (FnPatientPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_notes_stack (self);
}

GtkWidget *
fn_patient_page_new (void)
{
  return g_object_new (FN_TYPE_PATIENT_PAGE, NULL);
}

FnStore *
fn_patient_page_get_store (FnPatientPage *self)
{
  g_return_val_if_fail (FN_IS_PATIENT_PAGE (self), NULL);

  return self->store;
}

void
fn_patient_page_set_store (FnPatientPage *self,
                           FnStore       *store)
{
  g_return_if_fail (FN_IS_PATIENT_PAGE (self));
  g_return_if_fail (!store || FN_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);
  g_set_object (&self->store, store);
  if (store)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self,
                             G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->notes_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->notes);

  if (store)
    {
      const char *patient_id = self->patient ? fn_record_get_id (FN_RECORD (self->patient)) : NULL;

      self->notes = fn_note_list_new (store, patient_id);
      g_signal_connect_object (self->notes, "items-changed",
                               G_CALLBACK (on_notes_items_changed_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_list_box_bind_model (self->notes_list, G_LIST_MODEL (self->notes),
                               create_note_row, self, NULL);
    }

  update_notes_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

FnPatient *
fn_patient_page_get_patient (FnPatientPage *self)
{
  g_return_val_if_fail (FN_IS_PATIENT_PAGE (self), NULL);

  return self->patient;
}

void
fn_patient_page_set_patient (FnPatientPage *self,
                             FnPatient     *patient)
{
  GtkAdjustment *vadjustment;

  g_return_if_fail (FN_IS_PATIENT_PAGE (self));
  g_return_if_fail (!patient || FN_IS_PATIENT (patient));

  if (self->patient == patient)
    return;

  if (self->patient)
    g_clear_signal_handler (&self->notify_id, self->patient);
  g_set_object (&self->patient, patient);
  if (patient)
    self->notify_id = g_signal_connect_object (patient, "notify",
                                               G_CALLBACK (update_patient), self,
                                               G_CONNECT_SWAPPED);

  if (self->notes)
    fn_note_list_set_patient_id (self->notes,
                                 patient ? fn_record_get_id (FN_RECORD (patient)) : NULL);

  update_patient (self);
  update_notes_stack (self);
  update_history (self);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_lower (vadjustment));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT]);
}

/**
 * fn_patient_page_get_notes:
 *
 * Returns: (transfer none) (nullable): the notes shown, newest visit first
 */
GListModel *
fn_patient_page_get_notes (FnPatientPage *self)
{
  g_return_val_if_fail (FN_IS_PATIENT_PAGE (self), NULL);

  return self->notes ? G_LIST_MODEL (self->notes) : NULL;
}
