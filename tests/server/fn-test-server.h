/* fn-test-server.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-test-util.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* How long any single wait in the server tests may take before the test
 * fails instead of hanging. */
#define FN_TEST_TIMEOUT_S 15

/* One field-notes-server process ($FIELD_NOTES_SERVER) on a database in a
 * temporary directory of its own, started on 127.0.0.1 with --port 0; it can
 * be stopped, killed and started again on the same database. Functions that
 * take "first_arg, ..." take extra arguments ending with NULL. */
typedef struct _FnTestServer FnTestServer;

/* A whole response; a transport failure has status 0 and an error. */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  JsonNode           *json;
  GError             *error;
} FnTestResponse;

/* A signed-in device of a user, with its own clock node for HLC values. */
typedef struct
{
  FnTestServer *server;
  char         *name;
  char         *password;
  char         *token;
  char         *device_id;
  char         *user_id;
  char         *role;
  char         *node_id;
} FnTestClient;

const char     *fn_test_server_binary          (void);
FnTestServer   *fn_test_server_new             (void);
void            fn_test_server_free            (FnTestServer    *self);
void            fn_test_server_start           (FnTestServer    *self,
                                                const char      *first_arg,
                                                ...);
void            fn_test_server_start_argv      (FnTestServer    *self,
                                                const char     **args);
gboolean        fn_test_server_stop            (FnTestServer    *self);
void            fn_test_server_kill            (FnTestServer    *self);
gboolean        fn_test_server_is_running      (FnTestServer    *self);
const char     *fn_test_server_get_url         (FnTestServer    *self);
const char     *fn_test_server_get_db_path     (FnTestServer    *self);
char           *fn_test_server_get_log         (FnTestServer    *self);
void            fn_test_server_trust_certificate (FnTestServer  *self,
                                                const char      *path);
void            fn_test_server_copy_db_from    (FnTestServer    *self,
                                                const char      *db_path);
int             fn_test_server_admin           (FnTestServer    *self,
                                                const char      *stdin_text,
                                                char           **out_stdout,
                                                char           **out_stderr,
                                                const char      *first_arg,
                                                ...) G_GNUC_NULL_TERMINATED;
void            fn_test_server_add_user        (FnTestServer    *self,
                                                const char      *name,
                                                const char      *role,
                                                const char      *password);

FnTestResponse *fn_test_request                (FnTestServer    *server,
                                                const char      *token,
                                                const char      *method,
                                                const char      *path,
                                                const char      *content_type,
                                                gconstpointer    body,
                                                gssize           length);
FnTestResponse *fn_test_request_json           (FnTestServer    *server,
                                                const char      *token,
                                                const char      *method,
                                                const char      *path,
                                                JsonNode        *body);
FnTestResponse *fn_test_request_fresh          (FnTestServer    *server,
                                                const char      *token,
                                                const char      *method,
                                                const char      *path,
                                                const char      *content_type,
                                                gconstpointer    body,
                                                gssize           length);
char           *fn_test_raw_request            (FnTestServer    *server,
                                                const char      *request,
                                                gsize            length,
                                                guint           *status);
void            fn_test_response_free          (FnTestResponse  *response);
JsonObject     *fn_test_response_object        (FnTestResponse  *response);
const char     *fn_test_response_header        (FnTestResponse  *response,
                                                const char      *name);
void            fn_test_assert_problem_real    (FnTestResponse  *response,
                                                guint            status,
                                                const char      *file,
                                                int              line);
void            fn_test_assert_problem_object_real (JsonObject  *problem,
                                                guint            status,
                                                const char      *file,
                                                int              line);

#define fn_test_assert_problem(r, s) \
  fn_test_assert_problem_real ((r), (s), __FILE__, __LINE__)
#define fn_test_assert_problem_object(o, s) \
  fn_test_assert_problem_object_real ((o), (s), __FILE__, __LINE__)

JsonNode       *fn_test_sign_in_body           (const char      *name,
                                                const char      *password,
                                                const char      *device_name);
FnTestClient   *fn_test_sign_in                (FnTestServer    *server,
                                                const char      *name,
                                                const char      *password,
                                                const char      *device_name);
void            fn_test_client_free            (FnTestClient    *client);
FnTestClient   *fn_test_client_new_device      (FnTestClient    *client,
                                                const char      *device_name);
char           *fn_test_client_tick            (FnTestClient    *client);
FnTestResponse *fn_test_client_request         (FnTestClient    *client,
                                                const char      *method,
                                                const char      *path,
                                                JsonNode        *body);
FnTestResponse *fn_test_client_push            (FnTestClient    *client,
                                                JsonArray       *ops);
JsonObject     *fn_test_client_push_op         (FnTestClient    *client,
                                                JsonObject      *op);
JsonArray      *fn_test_client_push_ops        (FnTestClient    *client,
                                                JsonArray       *ops);
const char     *fn_test_result_status          (JsonObject      *result);
JsonObject     *fn_test_result_record          (JsonObject      *result);
void            fn_test_assert_rejected_real   (JsonObject      *result,
                                                guint            status,
                                                const char      *file,
                                                int              line);
void            fn_test_assert_retry_after     (FnTestResponse  *response);

#define fn_test_assert_rejected(r, s) \
  fn_test_assert_rejected_real ((r), (s), __FILE__, __LINE__)
JsonArray      *fn_test_client_pull_all        (FnTestClient    *client,
                                                const char      *since,
                                                char           **cursor);
JsonObject     *fn_test_client_get_record      (FnTestClient    *client,
                                                const char      *entity,
                                                const char      *id);
char           *fn_test_client_snapshot        (FnTestClient    *client);

JsonNode       *fn_test_str                    (const char      *value);
JsonNode       *fn_test_ids                    (const char      *first_id,
                                                ...);
JsonObject     *fn_test_op_new                 (FnTestClient    *client,
                                                const char      *entity,
                                                const char      *id,
                                                gint64           base_version,
                                                const char      *first_field,
                                                ...) G_GNUC_NULL_TERMINATED;
JsonObject     *fn_test_op_new_delete          (FnTestClient    *client,
                                                const char      *entity,
                                                const char      *id,
                                                gint64           base_version);
void            fn_test_op_set_hlc             (JsonObject      *op,
                                                const char      *hlc);
char           *fn_test_hlc_at                 (FnTestClient    *client,
                                                gint64           ms);
JsonObject     *fn_test_find_change            (JsonArray       *changes,
                                                const char      *entity,
                                                const char      *id);
guint           fn_test_count_changes          (JsonArray       *changes,
                                                const char      *entity);
const char     *fn_test_record_field           (JsonObject      *record,
                                                const char      *field);
gint64          fn_test_record_version         (JsonObject      *record);
char           *fn_test_sha256_hex             (GBytes          *bytes);
JsonNode       *fn_test_json_parse             (const char      *text);

/* Creating the usual records, each asserting that the push applied. */
char           *fn_test_create_patient         (FnTestClient    *office,
                                                const char      *family_name,
                                                const char      *assigned_first,
                                                ...);
char           *fn_test_create_note            (FnTestClient    *client,
                                                const char      *patient_id,
                                                const char      *title,
                                                const char      *body);

/* A fresh server with users office, alice and bob on its own database; each
 * user is signed in on first use. The test data, if any, is a
 * NULL-terminated array of extra server arguments. */
typedef struct
{
  FnTestServer *server;
  FnTestClient *office;
  FnTestClient *alice;
  FnTestClient *bob;
} FnTestFixture;

void            fn_test_fixture_setup          (FnTestFixture   *fixture,
                                                gconstpointer    data);
void            fn_test_fixture_teardown       (FnTestFixture   *fixture,
                                                gconstpointer    data);
FnTestClient   *fn_test_fixture_user           (FnTestFixture   *fixture,
                                                const char      *name);
char           *fn_test_password_for           (const char      *name);
void            fn_test_init                   (int             *argc,
                                                char          ***argv);
int             fn_test_run                    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnTestServer, fn_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnTestResponse, fn_test_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnTestClient, fn_test_client_free)

G_END_DECLS
