/* fn-conflict.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-conflict"

#include "config.h"

#include "fn-conflict.h"

struct _FnConflict
{
  FnRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (FnConflict, fn_conflict, FN_TYPE_RECORD)

static void
fn_conflict_class_init (FnConflictClass *klass)
{
  fn_record_class_install_fields (FN_RECORD_CLASS (klass), FN_ENTITY_CONFLICT);
}

static void
fn_conflict_init (FnConflict *self)
{
}

FnConflict *
fn_conflict_new (void)
{
  return g_object_new (FN_TYPE_CONFLICT, NULL);
}

const char *
fn_conflict_get_record_id (FnConflict *self)
{
  return fn_record_get_field (FN_RECORD (self), "record_id");
}

const char *
fn_conflict_get_field_name (FnConflict *self)
{
  return fn_record_get_field (FN_RECORD (self), "field");
}

const char *
fn_conflict_get_losing_value (FnConflict *self)
{
  return fn_record_get_field (FN_RECORD (self), "losing_value");
}

const char *
fn_conflict_get_winning_value (FnConflict *self)
{
  return fn_record_get_field (FN_RECORD (self), "winning_value");
}

/**
 * fn_conflict_get_losing_author:
 *
 * Returns: (nullable): the name of the user whose write lost, when the
 *   server says so (an extension: a server may leave it out)
 */
const char *
fn_conflict_get_losing_author (FnConflict *self)
{
  return fn_record_get_field (FN_RECORD (self), "losing_author");
}

/**
 * fn_conflict_get_winning_author:
 *
 * Returns: (nullable): the name of the user whose write won, when the
 *   server says so
 */
const char *
fn_conflict_get_winning_author (FnConflict *self)
{
  return fn_record_get_field (FN_RECORD (self), "winning_author");
}

gboolean
fn_conflict_get_resolved (FnConflict *self)
{
  return g_strcmp0 (fn_record_get_field (FN_RECORD (self), "resolved"), "true") == 0;
}

void
fn_conflict_side_free (FnConflictSide *side)
{
  if (!side)
    return;

  g_free (side->text);
  g_free (side->author);
  g_clear_pointer (&side->time, g_date_time_unref);
  g_free (side);
}
