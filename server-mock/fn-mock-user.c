/* fn-mock-user.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-user.h"

#include <string.h>

FnMockUser *
fn_mock_user_new (const char *id,
                  const char *name,
                  const char *role)
{
  FnMockUser *user = g_new0 (FnMockUser, 1);

  user->id = g_strdup (id);
  user->name = g_strdup (name);
  user->role = g_strdup (role);

  return user;
}

void
fn_mock_user_free (FnMockUser *user)
{
  if (!user)
    return;

  g_free (user->id);
  g_free (user->name);
  g_free (user->role);
  g_free (user->password_hash);
  g_free (user->device_id);
  g_free (user->token_hash);
  g_free (user);
}

gboolean
fn_mock_user_is_office (FnMockUser *user)
{
  g_assert (user);

  return g_strcmp0 (user->role, "office") == 0;
}

gboolean
fn_mock_role_is_valid (const char *role)
{
  return g_strcmp0 (role, "office") == 0 || g_strcmp0 (role, "caregiver") == 0;
}
