/* fn-conflict.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-record.h"

G_BEGIN_DECLS

#define FN_TYPE_CONFLICT (fn_conflict_get_type ())
G_DECLARE_FINAL_TYPE (FnConflict, fn_conflict, FN, CONFLICT, FnRecord)

/* A field that two devices changed at once: the server keeps the losing
 * value here until a person (for note texts) or the clock decides. */
FnConflict *fn_conflict_new               (void);
const char *fn_conflict_get_record_id     (FnConflict *self);
const char *fn_conflict_get_field_name    (FnConflict *self);
const char *fn_conflict_get_losing_value  (FnConflict *self);
const char *fn_conflict_get_winning_value (FnConflict *self);
const char *fn_conflict_get_losing_author (FnConflict *self);
const char *fn_conflict_get_winning_author (FnConflict *self);
gboolean    fn_conflict_get_resolved      (FnConflict *self);

/* One side of a conflict as a person sees it: the text, who wrote it and
 * when, as far as the data says (author and time may be unknown). */
struct _FnConflictSide
{
  char      *text;
  char      *author;
  GDateTime *time;
};

void        fn_conflict_side_free         (FnConflictSide *side);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnConflictSide, fn_conflict_side_free)

G_END_DECLS
