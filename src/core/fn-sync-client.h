/* fn-sync-client.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FN_SYNC_ERROR (fn_sync_error_quark ())

typedef enum
{
  FN_SYNC_ERROR_NETWORK,       /* no route, refused, dropped, timed out: retry */
  FN_SYNC_ERROR_UNAVAILABLE,   /* 429 and 5xx: retry after the server's delay */
  FN_SYNC_ERROR_AUTH,          /* 401: sign in again */
  FN_SYNC_ERROR_REFUSED,       /* another 4xx: the request itself is wrong */
  FN_SYNC_ERROR_PROTOCOL,      /* the answer is not what the contract says */
  FN_SYNC_ERROR_TLS,           /* the server's certificate cannot be trusted */
  FN_SYNC_ERROR_NOT_SIGNED_IN,
  FN_SYNC_ERROR_DEMO_STORE,
  FN_SYNC_ERROR_INSECURE,
} FnSyncErrorCode;

GQuark fn_sync_error_quark (void);

typedef struct
{
  char *token;
  char *expires_at;
  char *device_id;
  char *user_id;
  char *user_name;
  char *role;
} FnSyncLogin;

void fn_sync_login_free (FnSyncLogin *login);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnSyncLogin, fn_sync_login_free)

typedef struct
{
  JsonNode *root;
  JsonArray *changes;   /* borrowed from root */
  const char *cursor;   /* borrowed from root */
  gboolean has_more;
  gint64 remaining;
} FnSyncPage;

void fn_sync_page_free (FnSyncPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnSyncPage, fn_sync_page_free)

#define FN_TYPE_SYNC_CLIENT (fn_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (FnSyncClient, fn_sync_client, FN, SYNC_CLIENT, GObject)

FnSyncClient *fn_sync_client_new             (const char    *server_url,
                                              const char    *ca_file,
                                              GError       **error);
const char   *fn_sync_client_get_server_url  (FnSyncClient  *self);
void          fn_sync_client_set_token       (FnSyncClient  *self,
                                              const char    *token);
guint         fn_sync_client_get_retry_after (FnSyncClient  *self);
FnSyncLogin  *fn_sync_client_login           (FnSyncClient  *self,
                                              const char    *username,
                                              const char    *password,
                                              const char    *device_name,
                                              const char    *device_id,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean      fn_sync_client_logout          (FnSyncClient  *self,
                                              GCancellable  *cancellable,
                                              GError       **error);
JsonArray    *fn_sync_client_push            (FnSyncClient  *self,
                                              const char    *device_id,
                                              GPtrArray     *ops,
                                              GCancellable  *cancellable,
                                              GError       **error);
FnSyncPage   *fn_sync_client_pull            (FnSyncClient  *self,
                                              const char    *cursor,
                                              guint          limit,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean      fn_sync_client_put_blob        (FnSyncClient  *self,
                                              const char    *sha256,
                                              GBytes        *data,
                                              GCancellable  *cancellable,
                                              GError       **error);
GBytes       *fn_sync_client_get_blob        (FnSyncClient  *self,
                                              const char    *sha256,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean      fn_sync_error_is_transient     (const GError  *error);

/* The checks on an answer's shape, apart from HTTP (for tests and fuzzing). */
FnSyncPage   *fn_sync_page_new_from_json     (JsonNode      *root,
                                              guint          limit,
                                              GError       **error);
JsonArray    *fn_sync_push_results_from_json (JsonNode      *answer,
                                              guint          n_ops,
                                              GError       **error);

G_END_DECLS
