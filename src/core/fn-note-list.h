/* fn-note-list.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-record-list.h"

G_BEGIN_DECLS

#define FN_TYPE_NOTE_LIST (fn_note_list_get_type ())
G_DECLARE_FINAL_TYPE (FnNoteList, fn_note_list, FN, NOTE_LIST, FnRecordList)

FnNoteList *fn_note_list_new            (FnStore    *store,
                                         const char *patient_id);
const char *fn_note_list_get_patient_id (FnNoteList *self);
void        fn_note_list_set_patient_id (FnNoteList *self,
                                         const char *patient_id);

G_END_DECLS
