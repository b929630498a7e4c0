/* fn-patient-list.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-record-list.h"

G_BEGIN_DECLS

#define FN_TYPE_PATIENT_LIST (fn_patient_list_get_type ())
G_DECLARE_FINAL_TYPE (FnPatientList, fn_patient_list, FN, PATIENT_LIST, FnRecordList)

FnPatientList *fn_patient_list_new        (FnStore       *store);
const char    *fn_patient_list_get_search (FnPatientList *self);
void           fn_patient_list_set_search (FnPatientList *self,
                                           const char    *search);

G_END_DECLS
