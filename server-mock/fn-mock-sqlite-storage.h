/* fn-mock-sqlite-storage.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-mock-storage.h"

G_BEGIN_DECLS

#define FN_MOCK_TYPE_SQLITE_STORAGE (fn_mock_sqlite_storage_get_type ())
G_DECLARE_FINAL_TYPE (FnMockSqliteStorage, fn_mock_sqlite_storage, FN_MOCK, SQLITE_STORAGE, GObject)

FnMockStorage *fn_mock_sqlite_storage_new (const char  *path,
                                           GError     **error);

G_END_DECLS
