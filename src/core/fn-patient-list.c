/* fn-patient-list.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-patient-list"

#include "config.h"

#include "fn-patient-list.h"

#include "fn-store.h"

struct _FnPatientList
{
  FnRecordList parent_instance;

  char *search;
};

enum {
  PROP_0,
  PROP_SEARCH,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (FnPatientList, fn_patient_list, FN_TYPE_RECORD_LIST)

static GParamSpec *properties[N_PROPS];

static GPtrArray *
fn_patient_list_load (FnRecordList  *list,
                      GError       **error)
{
  FnPatientList *self = FN_PATIENT_LIST (list);

  return fn_store_list_patients (fn_record_list_get_store (list), self->search, error);
}

static void
fn_patient_list_finalize (GObject *object)
{
  FnPatientList *self = (FnPatientList *)object;

  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (fn_patient_list_parent_class)->finalize (object);
}

static void
fn_patient_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FnPatientList *self = FN_PATIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_patient_list_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FnPatientList *self = FN_PATIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_SEARCH:
      fn_patient_list_set_search (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_patient_list_class_init (FnPatientListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FnRecordListClass *list_class = FN_RECORD_LIST_CLASS (klass);

  object_class->finalize = fn_patient_list_finalize;
  object_class->get_property = fn_patient_list_get_property;
  object_class->set_property = fn_patient_list_set_property;

  /* Every change matters: notes change search hits and sync markers. */
  list_class->load = fn_patient_list_load;

  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fn_patient_list_init (FnPatientList *self)
{
}

/**
 * fn_patient_list_new:
 *
 * Returns: (transfer full): the store's patients by family name, kept current
 */
FnPatientList *
fn_patient_list_new (FnStore *store)
{
  g_return_val_if_fail (FN_IS_STORE (store), NULL);

  return g_object_new (FN_TYPE_PATIENT_LIST, "store", store, NULL);
}

const char *
fn_patient_list_get_search (FnPatientList *self)
{
  g_return_val_if_fail (FN_IS_PATIENT_LIST (self), NULL);

  return self->search;
}

/**
 * fn_patient_list_set_search:
 * @search: (nullable): words that each listed patient's name or notes contain
 */
void
fn_patient_list_set_search (FnPatientList *self,
                            const char    *search)
{
  g_return_if_fail (FN_IS_PATIENT_LIST (self));

  if (search && !*search)
    search = NULL;

  if (g_strcmp0 (self->search, search) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (search);
  fn_record_list_reload (FN_RECORD_LIST (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}
