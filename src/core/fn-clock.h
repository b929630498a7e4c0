/* fn-clock.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A hybrid logical clock value is "<13-digit Unix ms>-<4 hex counter>-<node>". */
#define FN_HLC_MAX_NODE_LEN 64
#define FN_HLC_MAX_SKEW_MS  (5 * 60 * 1000)
#define FN_HLC_MAX_OBSERVE_AHEAD_MS (G_GINT64_CONSTANT (24) * 3600 * 1000)

typedef gint64 (*FnWallClockFunc) (gpointer user_data);

#define FN_TYPE_CLOCK (fn_clock_get_type ())
G_DECLARE_FINAL_TYPE (FnClock, fn_clock, FN, CLOCK, GObject)

FnClock    *fn_clock_new                (const char      *node_id,
                                         const char      *last);
const char *fn_clock_get_node_id        (FnClock         *self);
const char *fn_clock_get_last           (FnClock         *self);
char       *fn_clock_tick               (FnClock         *self);
void        fn_clock_observe            (FnClock         *self,
                                         const char      *hlc);
void        fn_clock_set_wall_clock     (FnClock         *self,
                                         FnWallClockFunc  func,
                                         gpointer         user_data);
gint64      fn_clock_get_wall_ms        (FnClock         *self);

gboolean    fn_hlc_parse                (const char      *hlc,
                                         gint64          *ms,
                                         guint           *counter,
                                         const char     **node);
char       *fn_hlc_format               (gint64           ms,
                                         guint            counter,
                                         const char      *node);
int         fn_hlc_compare              (const char      *a,
                                         const char      *b);
gboolean    fn_hlc_is_skewed            (const char      *hlc,
                                         gint64           now_ms);
char       *fn_hlc_new_node_id          (void);

G_END_DECLS
