/* fn-event-socket.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FN_TYPE_EVENT_SOCKET (fn_event_socket_get_type ())
G_DECLARE_FINAL_TYPE (FnEventSocket, fn_event_socket, FN, EVENT_SOCKET, GObject)

FnEventSocket *fn_event_socket_new           (const char     *server_url,
                                              const char     *token,
                                              const char     *ca_file,
                                              GError        **error);
void           fn_event_socket_start         (FnEventSocket  *self);
void           fn_event_socket_stop          (FnEventSocket  *self);
gboolean       fn_event_socket_get_running   (FnEventSocket  *self);
gboolean       fn_event_socket_get_connected (FnEventSocket  *self);

G_END_DECLS
