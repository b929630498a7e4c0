/* fn-connectivity.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FN_CONNECTIVITY_SOURCE_NONE,
  FN_CONNECTIVITY_SOURCE_NETWORKMANAGER,
  FN_CONNECTIVITY_SOURCE_NETWORK_MONITOR,
} FnConnectivitySource;

#define FN_TYPE_CONNECTIVITY_SOURCE (fn_connectivity_source_get_type ())
GType fn_connectivity_source_get_type (void);

#define FN_TYPE_CONNECTIVITY (fn_connectivity_get_type ())
G_DECLARE_FINAL_TYPE (FnConnectivity, fn_connectivity, FN, CONNECTIVITY, GObject)

const char           *fn_connectivity_source_to_string (FnConnectivitySource  source);

FnConnectivity       *fn_connectivity_new              (void);
gboolean              fn_connectivity_get_online       (FnConnectivity       *self);
gboolean              fn_connectivity_get_metered      (FnConnectivity       *self);
FnConnectivitySource  fn_connectivity_get_source       (FnConnectivity       *self);

G_END_DECLS
