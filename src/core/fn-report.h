/* fn-report.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-types.h"

G_BEGIN_DECLS

gboolean fn_report_write_day_pdf (FnStore     *store,
                                  GDate       *day,
                                  const char  *path,
                                  GError     **error);

G_END_DECLS
