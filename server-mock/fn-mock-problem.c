/* fn-mock-problem.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-problem.h"

static const char *
status_title (guint status)
{
  switch (status)
    {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

/**
 * fn_mock_problem_new:
 * @code: a stable, machine-readable code such as "invalid_field"
 * @detail: what went wrong, for a person
 *
 * Returns: (transfer full): the problem object
 */
JsonNode *
fn_mock_problem_new (guint       status,
                     const char *code,
                     const char *detail)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *type = g_strconcat ("urn:field-notes:problem:", code, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, status_title (status));
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
