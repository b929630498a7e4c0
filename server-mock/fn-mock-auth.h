/* fn-mock-auth.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *fn_mock_password_hash   (const char  *password,
                                   GError     **error);
gboolean  fn_mock_password_verify (const char  *password,
                                   const char  *hash);
char     *fn_mock_token_new       (GError     **error);
char     *fn_mock_token_hash      (const char  *token);

G_END_DECLS
