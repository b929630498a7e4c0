/* fn-patient.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-patient"

#include "config.h"

#include "fn-patient.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

struct _FnPatient
{
  FnRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (FnPatient, fn_patient, FN_TYPE_RECORD)

static void
fn_patient_class_init (FnPatientClass *klass)
{
  fn_record_class_install_fields (FN_RECORD_CLASS (klass), FN_ENTITY_PATIENT);
}

static void
fn_patient_init (FnPatient *self)
{
}

FnPatient *
fn_patient_new (void)
{
  return g_object_new (FN_TYPE_PATIENT, NULL);
}

#define FIELD(self, name) fn_record_get_field (FN_RECORD (self), name)

const char *
fn_patient_get_given_name (FnPatient *self)
{
  return FIELD (self, "given_name");
}

const char *
fn_patient_get_family_name (FnPatient *self)
{
  return FIELD (self, "family_name");
}

const char *
fn_patient_get_birth_date (FnPatient *self)
{
  return FIELD (self, "birth_date");
}

const char *
fn_patient_get_address (FnPatient *self)
{
  return FIELD (self, "address");
}

const char *
fn_patient_get_phone (FnPatient *self)
{
  return FIELD (self, "phone");
}

const char *
fn_patient_get_care_plan (FnPatient *self)
{
  return FIELD (self, "care_plan");
}

/**
 * fn_patient_dup_display_name:
 *
 * Returns: (transfer full): the name as the caregiver reads it
 */
char *
fn_patient_dup_display_name (FnPatient *self)
{
  const char *given;
  const char *family;

  g_return_val_if_fail (FN_IS_PATIENT (self), NULL);

  given = fn_patient_get_given_name (self);
  family = fn_patient_get_family_name (self);

  if (given && *given && family && *family)
    /* Translators: a person's name: given name, then family name */
    return g_strdup_printf (C_("person name", "%s %s"), given, family);
  if (family && *family)
    return g_strdup (family);
  if (given && *given)
    return g_strdup (given);

  return g_strdup (_("Unnamed patient"));
}

/**
 * fn_patient_get_age:
 * @today: (nullable): the date to count to, %NULL for today
 *
 * Returns: the age in whole years, or -1 when the birth date is unknown
 */
int
fn_patient_get_age (FnPatient *self,
                    GDate     *today)
{
  const char *birth;
  g_autoptr (GDate) now = NULL;
  int y, m, d, age;

  g_return_val_if_fail (FN_IS_PATIENT (self), -1);

  birth = fn_patient_get_birth_date (self);
  if (!fn_validate_date (birth) || sscanf (birth, "%d-%d-%d", &y, &m, &d) != 3)
    return -1;

  if (!today)
    {
      now = g_date_new ();
      g_date_set_time_t (now, time (NULL));
      today = now;
    }

  age = g_date_get_year (today) - y;
  if ((int)g_date_get_month (today) < m ||
      ((int)g_date_get_month (today) == m && g_date_get_day (today) < d))
    age--;

  return age < 0 ? -1 : age;
}
