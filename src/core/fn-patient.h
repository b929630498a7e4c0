/* fn-patient.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-record.h"

G_BEGIN_DECLS

#define FN_TYPE_PATIENT (fn_patient_get_type ())
G_DECLARE_FINAL_TYPE (FnPatient, fn_patient, FN, PATIENT, FnRecord)

FnPatient  *fn_patient_new               (void);
const char *fn_patient_get_given_name    (FnPatient *self);
const char *fn_patient_get_family_name   (FnPatient *self);
const char *fn_patient_get_birth_date    (FnPatient *self);
const char *fn_patient_get_address       (FnPatient *self);
const char *fn_patient_get_phone         (FnPatient *self);
const char *fn_patient_get_care_plan     (FnPatient *self);
char       *fn_patient_dup_display_name  (FnPatient *self);
int         fn_patient_get_age           (FnPatient *self,
                                          GDate     *today);

G_END_DECLS
