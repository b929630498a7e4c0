/* fn-note.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-record.h"

G_BEGIN_DECLS

#define FN_TYPE_NOTE (fn_note_get_type ())
G_DECLARE_FINAL_TYPE (FnNote, fn_note, FN, NOTE, FnRecord)

FnNote     *fn_note_new            (const char *patient_id);
const char *fn_note_get_patient_id (FnNote     *self);
const char *fn_note_get_kind       (FnNote     *self);
const char *fn_note_get_visit_at   (FnNote     *self);
GDateTime  *fn_note_dup_visit_time (FnNote     *self);
const char *fn_note_get_title      (FnNote     *self);
const char *fn_note_get_body       (FnNote     *self);
const char *fn_note_get_status     (FnNote     *self);
char       *fn_note_dup_content_sha256 (FnNote *self);

G_END_DECLS
