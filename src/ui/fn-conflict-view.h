/* fn-conflict-view.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_CONFLICT_VIEW (fn_conflict_view_get_type ())
G_DECLARE_FINAL_TYPE (FnConflictView, fn_conflict_view, FN, CONFLICT_VIEW, AdwBin)

GtkWidget  *fn_conflict_view_new         (void);
void        fn_conflict_view_set_store   (FnConflictView *self,
                                          FnStore        *store);
gboolean    fn_conflict_view_show_note   (FnConflictView *self,
                                          const char     *note_id);
const char *fn_conflict_view_get_note_id (FnConflictView *self);
void        fn_conflict_view_set_narrow  (FnConflictView *self,
                                          gboolean        narrow);

/* A simple line diff: which lines of @a and of @b are not common to both
 * (longest common subsequence). The arrays hold one gboolean per line. */
void        fn_line_diff                 (const char     *a,
                                          const char     *b,
                                          GArray        **a_changed,
                                          GArray        **b_changed);

/* Who wrote one side and when, in words ("alice, today at 14:05"); NULL
 * when neither is known. */
char       *fn_conflict_describe_origin  (const char     *author,
                                          GDateTime      *time,
                                          GDateTime      *now);

guint       fn_conflict_history_fill     (GtkListBox     *list,
                                          FnStore        *store,
                                          FnEntity        entity,
                                          const char     *record_id);

G_END_DECLS
