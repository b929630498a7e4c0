/* fn-sync-engine.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-token-store.h"
#include "fn-types.h"

G_BEGIN_DECLS

typedef enum
{
  FN_SYNC_ENGINE_IDLE,
  FN_SYNC_ENGINE_SYNCING,
  FN_SYNC_ENGINE_OFFLINE,
  FN_SYNC_ENGINE_BACKING_OFF,
  FN_SYNC_ENGINE_AUTH_REQUIRED,
  FN_SYNC_ENGINE_ERROR,
  FN_SYNC_ENGINE_SIGNED_OUT,
} FnSyncEngineState;

#define FN_TYPE_SYNC_ENGINE_STATE (fn_sync_engine_state_get_type ())
GType fn_sync_engine_state_get_type (void);

#define FN_TYPE_SYNC_ENGINE (fn_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (FnSyncEngine, fn_sync_engine, FN, SYNC_ENGINE, GObject)

const char        *fn_sync_engine_state_to_string   (FnSyncEngineState    state);

FnSyncEngine      *fn_sync_engine_new               (FnStore             *store,
                                                     FnTokenStore        *tokens);
FnSyncEngineState  fn_sync_engine_get_state         (FnSyncEngine        *self);
guint              fn_sync_engine_get_pending       (FnSyncEngine        *self);
guint              fn_sync_engine_get_conflicts     (FnSyncEngine        *self);
guint              fn_sync_engine_get_rejected      (FnSyncEngine        *self);
gint64             fn_sync_engine_get_last_sync     (FnSyncEngine        *self);
const char        *fn_sync_engine_get_last_error    (FnSyncEngine        *self);
gint64             fn_sync_engine_get_retry_at      (FnSyncEngine        *self);
gboolean           fn_sync_engine_get_online        (FnSyncEngine        *self);
void               fn_sync_engine_set_online        (FnSyncEngine        *self,
                                                     gboolean             online);
void               fn_sync_engine_watch_connectivity (FnSyncEngine       *self,
                                                      FnConnectivity     *connectivity);
gboolean           fn_sync_engine_get_metered       (FnSyncEngine        *self);
void               fn_sync_engine_set_sync_attachments_metered (FnSyncEngine *self,
                                                                gboolean      sync);
gboolean           fn_sync_engine_get_sync_attachments_metered (FnSyncEngine *self);
gboolean           fn_sync_engine_get_defers_attachments (FnSyncEngine   *self);
guint              fn_sync_engine_get_deferred_uploads (FnSyncEngine     *self);
guint              fn_sync_engine_get_deferred_downloads (FnSyncEngine   *self);
FnEventSocket     *fn_sync_engine_get_event_socket  (FnSyncEngine        *self);
void               fn_sync_engine_set_ca_file       (FnSyncEngine        *self,
                                                     const char          *ca_file);
void               fn_sync_engine_set_interval      (FnSyncEngine        *self,
                                                     guint                seconds);
void               fn_sync_engine_start             (FnSyncEngine        *self);
void               fn_sync_engine_shutdown          (FnSyncEngine        *self);
void               fn_sync_engine_sync_now          (FnSyncEngine        *self);
void               fn_sync_engine_sync_async        (FnSyncEngine        *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           fn_sync_engine_sync_finish       (FnSyncEngine        *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

gboolean           fn_sync_sign_in                  (FnStore             *store,
                                                     FnTokenStore        *tokens,
                                                     const char          *server_url,
                                                     const char          *username,
                                                     const char          *password,
                                                     const char          *ca_file,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
gboolean           fn_sync_sign_out                 (FnStore             *store,
                                                     FnTokenStore        *tokens,
                                                     GCancellable        *cancellable,
                                                     GError             **error);

G_END_DECLS
