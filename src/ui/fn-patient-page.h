/* fn-patient-page.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_PATIENT_PAGE (fn_patient_page_get_type ())
G_DECLARE_FINAL_TYPE (FnPatientPage, fn_patient_page, FN, PATIENT_PAGE, AdwBin)

GtkWidget  *fn_patient_page_new         (void);
FnStore    *fn_patient_page_get_store   (FnPatientPage *self);
void        fn_patient_page_set_store   (FnPatientPage *self,
                                         FnStore       *store);
FnPatient  *fn_patient_page_get_patient (FnPatientPage *self);
void        fn_patient_page_set_patient (FnPatientPage *self,
                                         FnPatient     *patient);
GListModel *fn_patient_page_get_notes   (FnPatientPage *self);

G_END_DECLS
