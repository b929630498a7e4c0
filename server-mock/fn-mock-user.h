/* fn-mock-user.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A user account and, for a signed-in request, its session. */
typedef struct
{
  char *id;
  char *name;
  char *role;
  char *password_hash;

  /* Set only when the user came from a session lookup. */
  char *device_id;
  char *token_hash;
  gint64 expires_at;
} FnMockUser;

FnMockUser *fn_mock_user_new       (const char *id,
                                    const char *name,
                                    const char *role);
void        fn_mock_user_free      (FnMockUser *user);
gboolean    fn_mock_user_is_office (FnMockUser *user);
gboolean    fn_mock_role_is_valid  (const char *role);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnMockUser, fn_mock_user_free)

G_END_DECLS
