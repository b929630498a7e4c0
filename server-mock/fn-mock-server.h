/* fn-mock-server.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-mock-sync.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 token_ttl_s;
  guint login_max_failures;
  guint login_lockout_s;

  /* Fault injection: off unless asked for. */
  guint fault_latency_ms;
  double fault_error_rate;
  double fault_drop_rate;
  gboolean fault_seed_set;
  guint32 fault_seed;
} FnMockServerConfig;

#define FN_MOCK_TYPE_SERVER (fn_mock_server_get_type ())
G_DECLARE_FINAL_TYPE (FnMockServer, fn_mock_server, FN_MOCK, SERVER, GObject)

FnMockServer *fn_mock_server_new          (FnMockSync                *sync,
                                           const FnMockServerConfig  *config);
gboolean      fn_mock_server_listen       (FnMockServer              *self,
                                           const char                *address,
                                           guint                      port,
                                           GTlsCertificate           *certificate,
                                           char                     **url,
                                           GError                   **error);
guint         fn_mock_server_get_in_flight (FnMockServer             *self);
void          fn_mock_server_disconnect   (FnMockServer              *self);

G_END_DECLS
