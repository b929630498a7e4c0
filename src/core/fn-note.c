/* fn-note.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-note"

#include "config.h"

#include "fn-note.h"

#include <string.h>

struct _FnNote
{
  FnRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (FnNote, fn_note, FN_TYPE_RECORD)

static void
fn_note_class_init (FnNoteClass *klass)
{
  fn_record_class_install_fields (FN_RECORD_CLASS (klass), FN_ENTITY_NOTE);
}

static void
fn_note_init (FnNote *self)
{
}

/**
 * fn_note_new:
 * @patient_id: (nullable): the patient the note is about
 *
 * A new visit note, draft, timed now, not yet saved.
 *
 * Returns: (transfer full): the note
 */
FnNote *
fn_note_new (const char *patient_id)
{
  FnNote *self = g_object_new (FN_TYPE_NOTE, NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *visit_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  fn_record_set_field (FN_RECORD (self), "patient_id", patient_id);
  fn_record_set_field (FN_RECORD (self), "kind", "visit");
  fn_record_set_field (FN_RECORD (self), "status", "draft");
  fn_record_set_field (FN_RECORD (self), "visit_at", visit_at);

  return self;
}

#define FIELD(self, name) fn_record_get_field (FN_RECORD (self), name)

const char *
fn_note_get_patient_id (FnNote *self)
{
  return FIELD (self, "patient_id");
}

const char *
fn_note_get_kind (FnNote *self)
{
  return FIELD (self, "kind");
}

const char *
fn_note_get_visit_at (FnNote *self)
{
  return FIELD (self, "visit_at");
}

/**
 * fn_note_dup_visit_time:
 *
 * Returns: (transfer full) (nullable): the visit time, %NULL if unset or invalid
 */
GDateTime *
fn_note_dup_visit_time (FnNote *self)
{
  const char *visit_at = fn_note_get_visit_at (self);

  if (!fn_validate_datetime (visit_at))
    return NULL;

  return g_date_time_new_from_iso8601 (visit_at, NULL);
}

const char *
fn_note_get_title (FnNote *self)
{
  return FIELD (self, "title");
}

const char *
fn_note_get_body (FnNote *self)
{
  return FIELD (self, "body");
}

const char *
fn_note_get_status (FnNote *self)
{
  return FIELD (self, "status");
}

/**
 * fn_note_dup_content_sha256:
 *
 * The SHA-256 of the note's canonical content, which a signature covers:
 * the tag "field-notes-note/1", then id, patient, kind, visit time, title
 * and text, each as its length in bytes, a colon, the bytes and a newline
 * (docs/signatures.md). Status and author are not part of it.
 *
 * Returns: (transfer full): the hash in lower-case hex
 */
char *
fn_note_dup_content_sha256 (FnNote *self)
{
  static const char * const fields[] = { "patient_id", "kind", "visit_at", "title", "body" };
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *parts[2 + G_N_ELEMENTS (fields)];

  g_return_val_if_fail (FN_IS_NOTE (self), NULL);

  parts[0] = "field-notes-note/1";
  parts[1] = fn_record_get_id (FN_RECORD (self));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    parts[2 + i] = fn_record_get_field (FN_RECORD (self), fields[i]);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *part = parts[i] ? parts[i] : "";
      g_autofree char *length = g_strdup_printf ("%zu:", strlen (part));

      g_checksum_update (checksum, (const guchar *)length, -1);
      g_checksum_update (checksum, (const guchar *)part, -1);
      g_checksum_update (checksum, (const guchar *)"\n", 1);
    }

  return g_strdup (g_checksum_get_string (checksum));
}
