/* fn-cli.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_CLI_ERROR (fn_cli_error_quark ())

/* Each code is also the exit status of field-notes-cli; 0 means success. */
typedef enum
{
  FN_CLI_ERROR_USAGE = 1,
  FN_CLI_ERROR_NETWORK = 2,
  FN_CLI_ERROR_SIGN_IN = 3,
  FN_CLI_ERROR_ATTENTION = 4,
  FN_CLI_ERROR_NOT_FOUND = 5,
  FN_CLI_ERROR_INVALID = 6,
  FN_CLI_ERROR_STORAGE = 7,
} FnCliError;

/* The state one run of the client shares between its commands. */
typedef struct
{
  char     *data_dir;
  gboolean  json;
  gboolean  warned_token_file;
  FnStore  *store;
} FnCli;

typedef struct _FnCliCommand FnCliCommand;

typedef gboolean (*FnCliCommandFunc) (FnCli              *cli,
                                      const FnCliCommand *command,
                                      int                 argc,
                                      char              **argv,
                                      GError            **error);

/* One row of the dispatch table: "note add" is matched on two words. */
struct _FnCliCommand
{
  const char       *name;
  const char       *parameters;
  const char       *summary;
  FnCliCommandFunc  run;
};

GQuark        fn_cli_error_quark       (void);
int           fn_cli_run               (int                argc,
                                        char             **argv);
int           fn_cli_exit_code         (const GError      *error);

FnStore      *fn_cli_get_store         (FnCli             *cli,
                                        GError           **error);
FnStore      *fn_cli_open_store        (FnCli             *cli,
                                        const char        *dir,
                                        GError           **error);
gboolean      fn_cli_parse             (FnCli             *cli,
                                        const FnCliCommand *command,
                                        const GOptionEntry *entries,
                                        int                 argc,
                                        char              **argv,
                                        guint               min_args,
                                        guint               max_args,
                                        GStrv              *args,
                                        GError            **error);
char         *fn_cli_arg_to_utf8       (const char        *arg,
                                        const char        *label,
                                        GError           **error);
gboolean      fn_cli_is_id_prefix      (const char        *id);
FnRecord     *fn_cli_find_record       (FnCli             *cli,
                                        FnEntity           entity,
                                        const char        *id,
                                        GError           **error);
FnTokenStore *fn_cli_get_tokens        (FnCli             *cli,
                                        const char        *name,
                                        GError           **error);
char         *fn_cli_read_body_file    (const char        *path,
                                        GError           **error);
gboolean      fn_cli_status_show       (FnCli             *cli,
                                        FnTokenStore      *tokens,
                                        GError           **error);

JsonNode     *fn_cli_record_to_json    (FnRecord          *record);
void          fn_cli_print_json        (JsonNode          *node);
void          fn_cli_print_records     (GPtrArray         *records);
const char   *fn_cli_sync_state_to_string (FnSyncState     state);
char         *fn_cli_format_time       (const char        *rfc3339);
char         *fn_cli_short_id          (const char        *id);
void          fn_cli_print             (const char        *format,
                                        ...) G_GNUC_PRINTF (1, 2);

typedef struct _FnCliTable FnCliTable;

FnCliTable   *fn_cli_table_new         (guint              n_columns,
                                        ...);
void          fn_cli_table_add_row     (FnCliTable        *table,
                                        ...);
void          fn_cli_table_print       (FnCliTable        *table);
void          fn_cli_table_free        (FnCliTable        *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnCliTable, fn_cli_table_free)

/* The command families; each lives in its own fn-cli-<family>.c. */
gboolean      fn_cli_patients_run      (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_notes_run         (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_note_add_run      (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_note_edit_run     (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_note_delete_run   (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_discard_run       (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_search_run        (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_status_run        (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_demo_data_run     (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_login_run         (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_logout_run        (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_sync_run          (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_report_run        (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_signature_export_run (FnCli           *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_signature_verify_run (FnCli           *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_conflicts_run     (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);
gboolean      fn_cli_resolve_run       (FnCli              *cli,
                                        const FnCliCommand *command,
                                        int                 argc,
                                        char              **argv,
                                        GError            **error);

G_END_DECLS
