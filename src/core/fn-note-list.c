/* fn-note-list.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-note-list"

#include "config.h"

#include "fn-note-list.h"

#include "fn-fields.h"
#include "fn-store.h"

struct _FnNoteList
{
  FnRecordList parent_instance;

  char *patient_id;
};

enum {
  PROP_0,
  PROP_PATIENT_ID,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (FnNoteList, fn_note_list, FN_TYPE_RECORD_LIST)

static GParamSpec *properties[N_PROPS];

static GPtrArray *
fn_note_list_load (FnRecordList  *list,
                   GError       **error)
{
  FnNoteList *self = FN_NOTE_LIST (list);

  return fn_store_list_notes (fn_record_list_get_store (list), self->patient_id, error);
}

static gboolean
fn_note_list_is_affected (FnRecordList *list,
                          int           entity,
                          const char   *id)
{
  /* Patient edits never change which notes a patient has. */
  return entity != FN_ENTITY_PATIENT;
}

static void
fn_note_list_finalize (GObject *object)
{
  FnNoteList *self = (FnNoteList *)object;

  g_clear_pointer (&self->patient_id, g_free);

  G_OBJECT_CLASS (fn_note_list_parent_class)->finalize (object);
}

static void
fn_note_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FnNoteList *self = FN_NOTE_LIST (object);

  switch (prop_id)
    {
    case PROP_PATIENT_ID:
      g_value_set_string (value, self->patient_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_note_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FnNoteList *self = FN_NOTE_LIST (object);

  switch (prop_id)
    {
    case PROP_PATIENT_ID:
      fn_note_list_set_patient_id (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_note_list_class_init (FnNoteListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FnRecordListClass *list_class = FN_RECORD_LIST_CLASS (klass);

  object_class->finalize = fn_note_list_finalize;
  object_class->get_property = fn_note_list_get_property;
  object_class->set_property = fn_note_list_set_property;

  list_class->load = fn_note_list_load;
  list_class->is_affected = fn_note_list_is_affected;

  properties[PROP_PATIENT_ID] =
    g_param_spec_string ("patient-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fn_note_list_init (FnNoteList *self)
{
}

/**
 * fn_note_list_new:
 * @patient_id: (nullable): the patient whose notes to list
 *
 * Returns: (transfer full): the patient's notes, newest visit first, kept current
 */
FnNoteList *
fn_note_list_new (FnStore    *store,
                  const char *patient_id)
{
  g_return_val_if_fail (FN_IS_STORE (store), NULL);

  return g_object_new (FN_TYPE_NOTE_LIST, "store", store, "patient-id", patient_id, NULL);
}

const char *
fn_note_list_get_patient_id (FnNoteList *self)
{
  g_return_val_if_fail (FN_IS_NOTE_LIST (self), NULL);

  return self->patient_id;
}

void
fn_note_list_set_patient_id (FnNoteList *self,
                             const char *patient_id)
{
  g_return_if_fail (FN_IS_NOTE_LIST (self));

  if (g_strcmp0 (self->patient_id, patient_id) == 0)
    return;

  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  fn_record_list_reload (FN_RECORD_LIST (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT_ID]);
}
