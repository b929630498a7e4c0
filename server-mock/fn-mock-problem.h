/* fn-mock-problem.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* RFC 9457 problem details, as the contract's error objects. */
JsonNode *fn_mock_problem_new (guint       status,
                               const char *code,
                               const char *detail);

G_END_DECLS
