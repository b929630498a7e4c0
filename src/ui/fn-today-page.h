/* fn-today-page.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_TODAY_PAGE (fn_today_page_get_type ())
G_DECLARE_FINAL_TYPE (FnTodayPage, fn_today_page, FN, TODAY_PAGE, AdwBin)

GtkWidget    *fn_today_page_new                (void);
FnStore      *fn_today_page_get_store          (FnTodayPage         *self);
void          fn_today_page_set_store          (FnTodayPage         *self,
                                                FnStore             *store);
const GDate  *fn_today_page_get_day            (FnTodayPage         *self);
void          fn_today_page_set_day            (FnTodayPage         *self,
                                                const GDate         *day);
guint         fn_today_page_get_n_visits       (FnTodayPage         *self);
void          fn_today_page_export_report      (FnTodayPage         *self);
void          fn_today_page_write_report_async (FnTodayPage         *self,
                                                GFile               *file,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      fn_today_page_write_report_finish (FnTodayPage        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
