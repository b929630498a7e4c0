/* fn-test-nm.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* NetworkManager as python-dbusmock's template plays it, on a private
 * system bus (GTestDBus). GIO keeps one system bus connection per
 * process: one of these per test process. */
typedef struct
{
  GTestDBus       *bus;
  GDBusConnection *connection;
  GSubprocess     *mock;
  gboolean         up;
  gboolean         has_metered;
} FnTestNm;

gboolean fn_test_nm_available   (void);
void     fn_test_nm_bus_up      (FnTestNm   *nm);
void     fn_test_nm_start       (FnTestNm   *nm);
void     fn_test_nm_stop        (FnTestNm   *nm);
void     fn_test_nm_down        (FnTestNm   *nm);
void     fn_test_nm_call        (FnTestNm   *nm,
                                 const char *method,
                                 GVariant   *parameters);
void     fn_test_nm_set_metered (FnTestNm   *nm,
                                 guint       metered);
void     fn_test_nm_add         (const char *path,
                                 GTestFunc   func,
                                 guint       timeout_s);

G_END_DECLS
