/* test-fields.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-fields.h"

#include <string.h>

static void
assert_invalid (FnEntity    entity,
                const char *field,
                const char *value,
                int         code)
{
  g_autoptr (GError) error = NULL;
  const FnFieldSpec *spec = fn_entity_find_field (entity, field);

  g_assert_nonnull (spec);
  g_assert_false (fn_field_validate (spec, value, &error));
  g_assert_error (error, FN_VALIDATION_ERROR, code);
  /* A sentence a person can read, naming the field. */
  g_assert_true (g_str_has_prefix (error->message, "The "));
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static void
assert_valid (FnEntity    entity,
              const char *field,
              const char *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (fn_field_validate (fn_entity_find_field (entity, field), value, &error));
  g_assert_no_error (error);
}

static void
test_entities (void)
{
  guint n;

  g_assert_cmpint (fn_entity_from_string ("note"), ==, FN_ENTITY_NOTE);
  g_assert_cmpint (fn_entity_from_string ("conflict"), ==, FN_ENTITY_CONFLICT);
  g_assert_cmpint (fn_entity_from_string ("nope"), ==, FN_ENTITY_INVALID);
  g_assert_cmpint (fn_entity_from_string (NULL), ==, FN_ENTITY_INVALID);
  g_assert_cmpstr (fn_entity_to_string (FN_ENTITY_PATIENT), ==, "patient");

  fn_entity_get_fields (FN_ENTITY_PATIENT, &n);
  g_assert_cmpuint (n, ==, 7);
  fn_entity_get_fields (FN_ENTITY_NOTE, &n);
  g_assert_cmpuint (n, ==, 7);
  fn_entity_get_fields (FN_ENTITY_SIGNATURE, &n);
  g_assert_cmpuint (n, ==, 7);
  g_assert_null (fn_entity_find_field (FN_ENTITY_NOTE, "given_name"));
}

static void
test_lengths (void)
{
  g_autofree char *kib = g_strnfill (1024, 'a');
  g_autofree char *kib_plus = g_strnfill (1025, 'a');
  g_autofree char *body = g_strnfill (64 * 1024, 'b');
  g_autofree char *body_plus = g_strnfill (64 * 1024 + 1, 'b');

  assert_valid (FN_ENTITY_NOTE, "title", kib);
  assert_invalid (FN_ENTITY_NOTE, "title", kib_plus, FN_VALIDATION_ERROR_TOO_LONG);
  assert_valid (FN_ENTITY_NOTE, "body", body);
  assert_invalid (FN_ENTITY_NOTE, "body", body_plus, FN_VALIDATION_ERROR_TOO_LONG);
}

static void
test_text (void)
{
  assert_valid (FN_ENTITY_NOTE, "body", "Line one\nLine two\twith a tab");
  assert_valid (FN_ENTITY_PATIENT, "family_name", "Dvořák");
  assert_valid (FN_ENTITY_NOTE, "title", "'; DROP TABLE notes; --");
  assert_invalid (FN_ENTITY_NOTE, "title", "two\nlines", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_NOTE, "body", "bell \a", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_NOTE, "body", "bad \xff\xfe utf-8", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_PATIENT, "family_name", "", FN_VALIDATION_ERROR_REQUIRED);
  assert_invalid (FN_ENTITY_PATIENT, "family_name", NULL, FN_VALIDATION_ERROR_REQUIRED);
  assert_valid (FN_ENTITY_PATIENT, "given_name", NULL);
}

static void
test_formats (void)
{
  assert_valid (FN_ENTITY_PATIENT, "birth_date", "1944-02-29");
  assert_invalid (FN_ENTITY_PATIENT, "birth_date", "1943-02-29", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_PATIENT, "birth_date", "1944-2-9", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_PATIENT, "birth_date", "yesterday", FN_VALIDATION_ERROR_INVALID);

  assert_valid (FN_ENTITY_NOTE, "visit_at", "2026-11-27T09:30:00Z");
  assert_valid (FN_ENTITY_NOTE, "visit_at", "2026-11-27T09:30:00.250+01:00");
  assert_invalid (FN_ENTITY_NOTE, "visit_at", "2026-11-27 09:30:00Z", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_NOTE, "visit_at", "2026-11-27T09:30:00", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_NOTE, "visit_at", "2026-13-27T09:30:00Z", FN_VALIDATION_ERROR_INVALID);

  assert_valid (FN_ENTITY_NOTE, "kind", "incident");
  assert_invalid (FN_ENTITY_NOTE, "kind", "gossip", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_NOTE, "status", "Final", FN_VALIDATION_ERROR_INVALID);

  assert_valid (FN_ENTITY_NOTE, "patient_id", "0b7e8a52-4f1c-4d43-9a0e-2f1d3c4b5a69");
  assert_invalid (FN_ENTITY_NOTE, "patient_id", "0b7e8a52", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_NOTE, "patient_id", "../../etc/passwd", FN_VALIDATION_ERROR_INVALID);

  assert_valid (FN_ENTITY_SIGNATURE, "image_blob",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert_invalid (FN_ENTITY_SIGNATURE, "image_blob",
                  "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                  FN_VALIDATION_ERROR_INVALID);

  assert_valid (FN_ENTITY_PATIENT, "assigned_to", "[\"u1\", \"u2\"]");
  assert_valid (FN_ENTITY_PATIENT, "assigned_to", "[]");
  assert_invalid (FN_ENTITY_PATIENT, "assigned_to", "[1]", FN_VALIDATION_ERROR_INVALID);
  assert_invalid (FN_ENTITY_PATIENT, "assigned_to", "{}", FN_VALIDATION_ERROR_INVALID);

  assert_valid (FN_ENTITY_CONFLICT, "resolved", "true");
  assert_invalid (FN_ENTITY_CONFLICT, "resolved", "yes", FN_VALIDATION_ERROR_INVALID);
}

static void
test_json (void)
{
  const FnFieldSpec *resolved = fn_entity_find_field (FN_ENTITY_CONFLICT, "resolved");
  const FnFieldSpec *assigned = fn_entity_find_field (FN_ENTITY_PATIENT, "assigned_to");
  const FnFieldSpec *title = fn_entity_find_field (FN_ENTITY_NOTE, "title");
  g_autoptr (JsonNode) b = fn_field_value_to_json (resolved, "true");
  g_autoptr (JsonNode) a = fn_field_value_to_json (assigned, "[\"u1\"]");
  g_autoptr (JsonNode) t = fn_field_value_to_json (title, NULL);
  g_autoptr (JsonNode) number = json_node_init_int (json_node_alloc (), 5);
  g_autoptr (GError) error = NULL;
  g_autofree char *b_back = NULL;
  g_autofree char *a_back = NULL;
  g_autofree char *wrong = NULL;

  g_assert_true (json_node_get_boolean (b));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (a));
  g_assert_true (JSON_NODE_HOLDS_NULL (t));

  b_back = fn_field_value_from_json (resolved, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b_back, ==, "true");
  a_back = fn_field_value_from_json (assigned, a, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a_back, ==, "[\"u1\"]");

  wrong = fn_field_value_from_json (title, number, &error);
  g_assert_null (wrong);
  g_assert_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID);
}

static void
test_uuid (void)
{
  g_autofree char *id = fn_uuid_new ();

  g_assert_true (fn_validate_uuid (id));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fields/entities", test_entities);
  g_test_add_func ("/fields/lengths", test_lengths);
  g_test_add_func ("/fields/text", test_text);
  g_test_add_func ("/fields/formats", test_formats);
  g_test_add_func ("/fields/json", test_json);
  g_test_add_func ("/fields/uuid", test_uuid);

  return g_test_run ();
}
