/* fn-test-util.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers any test program may link: bounded waits on the default main
 * context, objects that must go away, temporary folders. GLib and GIO only. */

typedef gboolean (*FnTestCheckFunc) (gpointer user_data);

void            fn_test_spin                   (guint            ms);
gboolean        fn_test_spin_until             (FnTestCheckFunc  check,
                                                gpointer         user_data,
                                                guint            timeout_ms);
gboolean        fn_test_pointer_is_set         (gpointer         user_data);
void            fn_test_store_result_cb        (GObject         *source,
                                                GAsyncResult    *result,
                                                gpointer         user_data);
void            fn_test_wait_finalized         (gpointer         object);
void            fn_test_remove_tree            (const char      *path);

G_END_DECLS
