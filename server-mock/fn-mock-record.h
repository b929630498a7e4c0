/* fn-mock-record.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fn-fields.h"

G_BEGIN_DECLS

/* What the server knows about one field of a record: its value in the
 * contract's string form (NULL for none), the clock of its last write, the
 * device that wrote it and the record version that write created. The last
 * two decide whether a later op conflicts with it. */
typedef struct
{
  char *value;
  char *clock;
  char *device;
  gint64 version;
} FnMockField;

/* One stored record, or (with removed set) a feed marker saying that a
 * patient left the caller's scope. */
typedef struct
{
  FnEntity entity;
  char *id;
  gint64 version;
  gint64 seq;
  gboolean deleted;
  gboolean removed;
  char *deleted_clock;
  char *scope;
  GHashTable *fields;
} FnMockRecord;

FnMockRecord *fn_mock_record_new             (FnEntity      entity,
                                              const char   *id);
FnMockRecord *fn_mock_record_new_removed     (const char   *patient_id,
                                              gint64        seq);
void          fn_mock_record_free            (FnMockRecord *record);
FnMockField  *fn_mock_record_get_field       (FnMockRecord *record,
                                              const char   *name);
const char   *fn_mock_record_get_value       (FnMockRecord *record,
                                              const char   *name);
void          fn_mock_record_set_field       (FnMockRecord *record,
                                              const char   *name,
                                              const char   *value,
                                              const char   *clock,
                                              const char   *device,
                                              gint64        version);
char         *fn_mock_record_max_clock       (FnMockRecord *record);
JsonNode     *fn_mock_record_to_json         (FnMockRecord *record);
char         *fn_mock_record_serialize       (FnMockRecord *record);
gboolean      fn_mock_record_deserialize     (FnMockRecord *record,
                                              const char   *text,
                                              GError      **error);
char        **fn_mock_id_list_parse          (const char   *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnMockRecord, fn_mock_record_free)

G_END_DECLS
