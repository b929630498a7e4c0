/* fn-store.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-clock.h"
#include "fn-record.h"
#include "fn-strokes.h"
#include "fn-types.h"

G_BEGIN_DECLS

#define FN_STORE_ERROR (fn_store_error_quark ())

typedef enum
{
  FN_STORE_ERROR_FAILED,
  FN_STORE_ERROR_NOT_FOUND,
  FN_STORE_ERROR_READ_ONLY,
  FN_STORE_ERROR_NO_SPACE,
  FN_STORE_ERROR_CORRUPT,
  FN_STORE_ERROR_NEWER_SCHEMA,
  FN_STORE_ERROR_CONNECTED,
  FN_STORE_ERROR_NOT_EMPTY,
} FnStoreError;

#define FN_STORE_SCHEMA_VERSION 4
#define FN_STORE_DB_NAME "field-notes.db"

/* A pending change waiting to be pushed: what the sync engine sends. */
struct _FnOutboxOp
{
  gint64    seq;
  char     *op_id;
  FnEntity  entity;
  char     *record_id;
  gint64    base_version;
  gboolean  deleted;
  char     *fields_json;  /* {"field": value, ...} as the contract sends it */
  char     *clock_json;   /* {"field": "hlc", ...} */
  char     *state;        /* "pending", "sending" or "rejected" */
  int       attempts;
  char     *last_error;
};

GType        fn_outbox_op_get_type  (void) G_GNUC_CONST;
FnOutboxOp  *fn_outbox_op_copy      (const FnOutboxOp *op);
void         fn_outbox_op_free      (FnOutboxOp       *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnOutboxOp, fn_outbox_op_free)

#define FN_TYPE_STORE (fn_store_get_type ())
G_DECLARE_FINAL_TYPE (FnStore, fn_store, FN, STORE, GObject)

GQuark      fn_store_error_quark      (void);
char       *fn_store_default_data_dir (void);

FnStore    *fn_store_new              (const char  *data_dir,
                                       GError     **error);
const char *fn_store_get_data_dir     (FnStore     *self);
const char *fn_store_get_path         (FnStore     *self);
FnClock    *fn_store_get_clock        (FnStore     *self);
int         fn_store_get_schema_version (FnStore   *self);

gboolean    fn_store_save             (FnStore     *self,
                                       FnRecord    *record,
                                       GError     **error);
gboolean    fn_store_save_from        (FnStore     *self,
                                       FnRecord    *record,
                                       gint64       base_version,
                                       GError     **error);
gboolean    fn_store_is_field_pending (FnStore     *self,
                                       const char  *record_id,
                                       const char  *field,
                                       GError     **error);
gboolean    fn_store_delete           (FnStore     *self,
                                       FnEntity     entity,
                                       const char  *id,
                                       GError     **error);
gboolean    fn_store_restore          (FnStore     *self,
                                       FnEntity     entity,
                                       const char  *id,
                                       GError     **error);
FnRecord   *fn_store_get              (FnStore     *self,
                                       FnEntity     entity,
                                       const char  *id,
                                       GError     **error);
GPtrArray  *fn_store_list_patients    (FnStore     *self,
                                       const char  *search,
                                       GError     **error);
GPtrArray  *fn_store_list_notes       (FnStore     *self,
                                       const char  *patient_id,
                                       GError     **error);
GPtrArray  *fn_store_list_notes_between (FnStore   *self,
                                       gint64       from_ms,
                                       gint64       to_ms,
                                       GError     **error);
GPtrArray  *fn_store_search           (FnStore     *self,
                                       const char  *text,
                                       GError     **error);

guint       fn_store_count_pending    (FnStore     *self);
guint       fn_store_count_conflicts  (FnStore     *self);
guint       fn_store_count_rejected   (FnStore     *self);
gboolean    fn_store_discard_rejected (FnStore     *self,
                                       const char  *record_id,
                                       gboolean    *removed,
                                       GError     **error);
GPtrArray  *fn_store_list_outbox      (FnStore     *self,
                                       GError     **error);
char       *fn_store_get_meta         (FnStore     *self,
                                       const char  *key);
gboolean    fn_store_set_meta         (FnStore     *self,
                                       const char  *key,
                                       const char  *value,
                                       GError     **error);
char       *fn_store_get_cursor       (FnStore     *self);
gint64      fn_store_get_last_sync    (FnStore     *self);
gboolean    fn_store_is_demo          (FnStore     *self);
gboolean    fn_store_has_been_connected (FnStore   *self);

typedef enum
{
  FN_CONFLICT_KEEP_MINE,
  FN_CONFLICT_KEEP_THEIRS,
  FN_CONFLICT_MERGED,
} FnConflictChoice;

GPtrArray  *fn_store_list_conflicts   (FnStore     *self,
                                       const char  *record_id,
                                       GError     **error);
GPtrArray  *fn_store_list_conflict_history (FnStore *self,
                                       const char  *record_id,
                                       GError     **error);
gboolean    fn_store_get_conflict_sides (FnStore   *self,
                                       FnConflict  *conflict,
                                       char       **mine,
                                       char       **theirs,
                                       GError     **error);
gboolean    fn_store_describe_conflict (FnStore  *self,
                                       FnConflict  *conflict,
                                       FnConflictSide **mine,
                                       FnConflictSide **theirs,
                                       GError     **error);
gboolean    fn_store_resolve_conflict (FnStore     *self,
                                       const char  *conflict_id,
                                       FnConflictChoice choice,
                                       const char  *merged_text,
                                       GError     **error);

typedef enum
{
  FN_SIGNATURE_CHECK_UNSIGNED,
  FN_SIGNATURE_CHECK_VALID,
  FN_SIGNATURE_CHECK_NOTE_CHANGED,
  FN_SIGNATURE_CHECK_BLOBS_MISSING,
} FnSignatureCheck;

FnSignature *fn_store_add_signature   (FnStore     *self,
                                       const char  *note_id,
                                       const char  *signer_name,
                                       const char  *signer_role,
                                       FnStrokes   *strokes,
                                       GError     **error);
FnSignature *fn_store_get_signature_for_note (FnStore *self,
                                       const char  *note_id,
                                       GError     **error);
GBytes     *fn_store_get_blob         (FnStore     *self,
                                       const char  *sha256,
                                       GError     **error);
FnSignatureCheck fn_store_check_signature (FnStore *self,
                                       const char  *note_id,
                                       FnSignature **signature,
                                       GError     **error);

gboolean    fn_store_load_demo_data   (FnStore     *self,
                                       guint        n_patients,
                                       guint        n_notes,
                                       GError     **error);

G_END_DECLS
