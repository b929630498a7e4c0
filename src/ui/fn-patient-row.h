/* fn-patient-row.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_PATIENT_ROW (fn_patient_row_get_type ())
G_DECLARE_FINAL_TYPE (FnPatientRow, fn_patient_row, FN, PATIENT_ROW, GtkBox)

GtkWidget *fn_patient_row_new         (void);
FnPatient *fn_patient_row_get_patient (FnPatientRow *self);
void       fn_patient_row_set_patient (FnPatientRow *self,
                                       FnPatient    *patient);

char      *fn_patient_format_age      (FnPatient    *patient);

G_END_DECLS
