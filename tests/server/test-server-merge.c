/* test-server-merge.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-test-server.h"

#include "fn-clock.h"
#include "fn-fields.h"

#include <string.h>

/* Per-field merging: last writer wins by HLC, conflicts and their records,
 * delete versus edit, ops in order, same-device edits, skewed clocks. */

typedef struct
{
  char   *patient_id;
  char   *note_id;
  gint64  version;
} NoteSetup;

static void
note_setup_clear (NoteSetup *setup)
{
  g_clear_pointer (&setup->patient_id, g_free);
  g_clear_pointer (&setup->note_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NoteSetup, note_setup_clear)

/* A patient of alice's with one note she wrote on her laptop. */
static void
setup_note (FnTestFixture *fx,
            NoteSetup     *setup)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (JsonObject) note = NULL;

  setup->patient_id = fn_test_create_patient (office, "Okafor", alice->user_id, NULL);
  setup->note_id = fn_test_create_note (alice, setup->patient_id, "Visit", "Text");
  note = fn_test_client_get_record (alice, "note", setup->note_id);
  g_assert_nonnull (note);
  setup->version = fn_test_record_version (note);
}

static JsonObject *
edit (FnTestClient *client,
      NoteSetup    *setup,
      gint64        base_version,
      const char   *field,
      const char   *value)
{
  return fn_test_client_push_op (client,
                                 fn_test_op_new (client, "note", setup->note_id,
                                                 base_version,
                                                 field, fn_test_str (value),
                                                 NULL));
}

static JsonObject *
find_conflict_entry (JsonObject *result,
                     const char *field)
{
  JsonArray *conflicts;

  g_assert_true (json_object_has_member (result, "conflicts"));
  conflicts = json_object_get_array_member (result, "conflicts");
  g_assert_nonnull (conflicts);

  for (guint i = 0; i < json_array_get_length (conflicts); i++)
    {
      JsonObject *entry = json_array_get_object_element (conflicts, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "field"), field) == 0)
        return entry;
    }

  return NULL;
}

static gboolean
result_has_conflicts (JsonObject *result)
{
  JsonNode *node = json_object_get_member (result, "conflicts");

  if (!node || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));

  return json_array_get_length (json_node_get_array (node)) > 0;
}

/* "winner" names the side that won; a server may spell it as the side or as
 * the winning value. */
static void
assert_winner (JsonObject *entry,
               gboolean    local_wins)
{
  const char *winner = json_object_get_string_member (entry, "winner");
  const char *local = json_object_get_string_member (entry, "local_value");
  const char *server = json_object_get_string_member (entry, "server_value");

  g_assert_nonnull (winner);
  if (g_str_equal (winner, "local") || g_str_equal (winner, "server"))
    g_assert_cmpstr (winner, ==, local_wins ? "local" : "server");
  else
    g_assert_cmpstr (winner, ==, local_wins ? local : server);
}

static JsonObject *
find_conflict_record (JsonArray  *changes,
                      const char *record_id,
                      const char *field)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "entity"), "conflict") == 0 &&
          g_strcmp0 (fn_test_record_field (change, "record_id"), record_id) == 0 &&
          g_strcmp0 (fn_test_record_field (change, "field"), field) == 0)
        found = change;
    }

  return found;
}

static gboolean
conflict_is_resolved (JsonObject *conflict)
{
  JsonObject *fields = json_object_get_object_member (conflict, "fields");
  JsonNode *node = json_object_get_member (fields, "resolved");

  if (!node || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);

  return g_strcmp0 (json_node_get_string (node), "true") == 0;
}

static void
test_different_fields (FnTestFixture *fx,
                       gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (FnTestClient) phone = fn_test_client_new_device (alice, "alice's phone");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) note = NULL;
  g_autoptr (JsonObject) patient_edit = NULL;
  g_autoptr (JsonObject) patient = NULL;
  gint64 patient_version;

  setup_note (fx, &setup);

  /* Two devices edit different fields from the same base. */
  first = edit (alice, &setup, setup.version, "title", "Title from the laptop");
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");
  second = edit (phone, &setup, setup.version, "body", "Body from the phone");
  g_assert_cmpstr (fn_test_result_status (second), ==, "applied");
  g_assert_false (result_has_conflicts (second));
  g_assert_cmpstr (fn_test_record_field (fn_test_result_record (second), "title"), ==,
                   "Title from the laptop");
  g_assert_cmpint (fn_test_record_version (fn_test_result_record (second)), >,
                   fn_test_record_version (fn_test_result_record (first)));

  note = fn_test_client_get_record (fn_test_fixture_user (fx, "office"), "note", setup.note_id);
  g_assert_cmpstr (fn_test_record_field (note, "title"), ==, "Title from the laptop");
  g_assert_cmpstr (fn_test_record_field (note, "body"), ==, "Body from the phone");
  g_assert_cmpstr (fn_test_record_field (note, "kind"), ==, "visit");

  /* The same for a patient edited by the office and the caregiver. */
  patient = fn_test_client_get_record (alice, "patient", setup.patient_id);
  patient_version = fn_test_record_version (patient);
  g_clear_pointer (&patient, json_object_unref);
  patient_edit = fn_test_client_push_op (fx->office,
                                         fn_test_op_new (fx->office, "patient", setup.patient_id,
                                                         patient_version,
                                                         "phone", fn_test_str ("+32 470 00 00 00"),
                                                         NULL));
  g_assert_cmpstr (fn_test_result_status (patient_edit), ==, "applied");
  g_clear_pointer (&patient_edit, json_object_unref);
  patient_edit = fn_test_client_push_op (alice,
                                         fn_test_op_new (alice, "patient", setup.patient_id,
                                                         patient_version,
                                                         "care_plan", fn_test_str ("Walk daily."),
                                                         NULL));
  g_assert_cmpstr (fn_test_result_status (patient_edit), ==, "applied");
  patient = fn_test_client_get_record (alice, "patient", setup.patient_id);
  g_assert_cmpstr (fn_test_record_field (patient, "phone"), ==, "+32 470 00 00 00");
  g_assert_cmpstr (fn_test_record_field (patient, "care_plan"), ==, "Walk daily.");
  g_assert_cmpstr (fn_test_record_field (patient, "family_name"), ==, "Okafor");
}

static void
test_conflict_later_wins (FnTestFixture *fx,
                          gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  FnTestClient *bob = fn_test_fixture_user (fx, "bob");
  g_autoptr (FnTestClient) phone = fn_test_client_new_device (alice, "alice's phone");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (JsonArray) office_changes = NULL;
  g_autoptr (JsonArray) bob_changes = NULL;
  JsonObject *entry;
  JsonObject *conflict;
  JsonObject *note;

  setup_note (fx, &setup);

  first = edit (phone, &setup, setup.version, "title", "Title from the phone");
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");

  /* The laptop has not seen that edit; its clock is later, so it wins. */
  second = edit (alice, &setup, setup.version, "title", "Title from the laptop");
  g_assert_cmpstr (fn_test_result_status (second), ==, "conflict");
  entry = find_conflict_entry (second, "title");
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "local_value"), ==, "Title from the laptop");
  g_assert_cmpstr (json_object_get_string_member (entry, "server_value"), ==, "Title from the phone");
  assert_winner (entry, TRUE);
  g_assert_cmpstr (fn_test_record_field (fn_test_result_record (second), "title"), ==,
                   "Title from the laptop");

  /* Every client of the user pulls the conflict record with the losing text. */
  changes = fn_test_client_pull_all (phone, NULL, NULL);
  note = fn_test_find_change (changes, "note", setup.note_id);
  g_assert_cmpstr (fn_test_record_field (note, "title"), ==, "Title from the laptop");
  conflict = find_conflict_record (changes, setup.note_id, "title");
  g_assert_nonnull (conflict);
  g_assert_true (fn_validate_uuid (json_object_get_string_member (conflict, "id")));
  g_assert_cmpstr (json_object_get_string_member (conflict, "id"), !=, setup.note_id);
  g_assert_cmpstr (fn_test_record_field (conflict, "record_entity"), ==, "note");
  g_assert_cmpstr (fn_test_record_field (conflict, "losing_value"), ==, "Title from the phone");
  g_assert_cmpstr (fn_test_record_field (conflict, "winning_value"), ==, "Title from the laptop");
  g_assert_false (conflict_is_resolved (conflict));

  /* The office sees it too; bob, outside the patient's scope, does not. */
  office_changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_nonnull (find_conflict_record (office_changes, setup.note_id, "title"));
  bob_changes = fn_test_client_pull_all (bob, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (bob_changes), ==, 0);
}

static const char *
clock_of (JsonObject *record,
          const char *field)
{
  JsonObject *clock = json_object_get_object_member (record, "clock");

  g_assert_nonnull (clock);
  return json_object_get_string_member_with_default (clock, field, NULL);
}

/* Alice wrote the body offline first; the office wrote it later and pushed
 * first. Returns the result of alice's push, a conflict; @early_clock and
 * @late_clock get the clocks of the two writes. */
static JsonObject *
push_late_office_then_early_alice (FnTestFixture  *fx,
                                   NoteSetup      *setup,
                                   char          **early_clock,
                                   char          **late_clock)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (JsonObject) first = NULL;
  JsonObject *second;
  JsonObject *late_op;
  JsonObject *early_op;

  early_op = fn_test_op_new (alice, "note", setup->note_id, setup->version,
                             "body", fn_test_str ("Alice's offline text"), NULL);
  *early_clock = g_strdup (clock_of (early_op, "body"));
  g_usleep (2 * 1000);
  late_op = fn_test_op_new (office, "note", setup->note_id, setup->version,
                            "body", fn_test_str ("Office correction"), NULL);
  *late_clock = g_strdup (clock_of (late_op, "body"));
  first = fn_test_client_push_op (office, late_op);
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");
  second = fn_test_client_push_op (alice, early_op);
  g_assert_cmpstr (fn_test_result_status (second), ==, "conflict");

  return second;
}

static void
test_conflict_earlier_loses (FnTestFixture *fx,
                             gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *early_clock = NULL;
  g_autofree char *late_clock = NULL;
  JsonObject *entry;
  JsonObject *conflict;

  setup_note (fx, &setup);
  second = push_late_office_then_early_alice (fx, &setup, &early_clock, &late_clock);

  entry = find_conflict_entry (second, "body");
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "local_value"), ==, "Alice's offline text");
  g_assert_cmpstr (json_object_get_string_member (entry, "server_value"), ==, "Office correction");
  assert_winner (entry, FALSE);
  g_assert_cmpstr (fn_test_record_field (fn_test_result_record (second), "body"), ==,
                   "Office correction");

  /* Alice's text is not lost: it is the conflict record's losing value. */
  changes = fn_test_client_pull_all (alice, NULL, NULL);
  g_assert_cmpstr (fn_test_record_field (fn_test_find_change (changes, "note", setup.note_id), "body"),
                   ==, "Office correction");
  conflict = find_conflict_record (changes, setup.note_id, "body");
  g_assert_nonnull (conflict);
  g_assert_cmpstr (fn_test_record_field (conflict, "losing_value"), ==, "Alice's offline text");
  g_assert_cmpstr (fn_test_record_field (conflict, "winning_value"), ==, "Office correction");
}

/* The reference server's extension: each side of a conflict record carries
 * the clock of the write that produced it and, when a user made that write,
 * the user's name (losing_author, winning_author). */
static void
test_conflict_sides (FnTestFixture *fx,
                     gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) third = NULL;
  g_autoptr (JsonObject) patient = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *early_clock = NULL;
  g_autofree char *late_clock = NULL;
  g_autofree char *later_clock = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *later_op;
  JsonObject *conflict;
  JsonObject *fields;

  setup_note (fx, &setup);
  second = push_late_office_then_early_alice (fx, &setup, &early_clock, &late_clock);

  changes = fn_test_client_pull_all (alice, NULL, NULL);
  conflict = find_conflict_record (changes, setup.note_id, "body");
  g_assert_nonnull (conflict);
  g_assert_cmpstr (fn_test_record_field (conflict, "losing_value"), ==, "Alice's offline text");
  g_assert_cmpstr (clock_of (conflict, "losing_value"), ==, early_clock);
  g_assert_cmpstr (fn_test_record_field (conflict, "losing_author"), ==, "alice");
  g_assert_cmpstr (fn_test_record_field (conflict, "winning_value"), ==, "Office correction");
  g_assert_cmpstr (clock_of (conflict, "winning_value"), ==, late_clock);
  g_assert_cmpstr (fn_test_record_field (conflict, "winning_author"), ==, "office");
  /* Both writes came before the conflict was recorded. */
  g_assert_cmpint (fn_hlc_compare (clock_of (conflict, "winning_value"),
                                   clock_of (conflict, "record_id")), <, 0);
  g_clear_pointer (&changes, json_array_unref);

  /* A value the server wrote itself (an admin command) has no author: the
   * field is left out, not made up. */
  patient = fn_test_client_get_record (office, "patient", setup.patient_id);
  g_assert_cmpint (fn_test_server_admin (fx->server, NULL, &out, &err, "assign",
                                         setup.patient_id, "bob", NULL), ==, 0);
  g_usleep (2 * 1000);
  later_op = fn_test_op_new (office, "patient", setup.patient_id,
                             fn_test_record_version (patient),
                             "assigned_to", fn_test_ids (alice->user_id, NULL), NULL);
  later_clock = g_strdup (clock_of (later_op, "assigned_to"));
  third = fn_test_client_push_op (office, later_op);
  g_assert_cmpstr (fn_test_result_status (third), ==, "conflict");

  changes = fn_test_client_pull_all (office, NULL, NULL);
  conflict = find_conflict_record (changes, setup.patient_id, "assigned_to");
  g_assert_nonnull (conflict);
  fields = json_object_get_object_member (conflict, "fields");
  g_assert_cmpstr (fn_test_record_field (conflict, "winning_author"), ==, "office");
  g_assert_cmpstr (clock_of (conflict, "winning_value"), ==, later_clock);
  g_assert_true (!json_object_has_member (fields, "losing_author") ||
                 json_object_get_null_member (fields, "losing_author"));
  g_assert_nonnull (clock_of (conflict, "losing_value"));
  g_assert_cmpint (fn_hlc_compare (clock_of (conflict, "losing_value"),
                                   clock_of (conflict, "record_id")), <, 0);
}

static void
test_same_value_no_conflict (FnTestFixture *fx,
                             gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonArray) changes = NULL;

  setup_note (fx, &setup);

  first = edit (office, &setup, setup.version, "status", "final");
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");
  second = edit (alice, &setup, setup.version, "status", "final");
  g_assert_cmpstr (fn_test_result_status (second), ==, "applied");
  g_assert_false (result_has_conflicts (second));

  changes = fn_test_client_pull_all (alice, NULL, NULL);
  g_assert_cmpuint (fn_test_count_changes (changes, "conflict"), ==, 0);
}

static void
test_conflict_resolve (FnTestFixture *fx,
                       gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (JsonArray) after = NULL;
  g_autoptr (JsonArray) results = NULL;
  g_autofree char *conflict_id = NULL;
  JsonObject *conflict;
  JsonArray *ops;

  setup_note (fx, &setup);

  first = edit (office, &setup, setup.version, "title", "Office title");
  second = edit (alice, &setup, setup.version, "title", "Alice title");
  g_assert_cmpstr (fn_test_result_status (second), ==, "conflict");

  changes = fn_test_client_pull_all (alice, NULL, NULL);
  conflict = find_conflict_record (changes, setup.note_id, "title");
  g_assert_nonnull (conflict);
  conflict_id = g_strdup (json_object_get_string_member (conflict, "id"));

  /* Only the resolved flag of a conflict record changes, and only in scope. */
  {
    g_autoptr (JsonObject) by_bob = NULL;
    g_autoptr (JsonObject) rewrite = NULL;
    FnTestClient *bob = fn_test_fixture_user (fx, "bob");

    by_bob = fn_test_client_push_op (bob, fn_test_op_new (bob, "conflict", conflict_id,
                                                          fn_test_record_version (conflict),
                                                          "resolved", json_node_init_boolean (json_node_alloc (), TRUE),
                                                          NULL));
    fn_test_assert_rejected (by_bob, 403);
    rewrite = fn_test_client_push_op (alice, fn_test_op_new (alice, "conflict", conflict_id,
                                                             fn_test_record_version (conflict),
                                                             "losing_value", fn_test_str ("Rewritten"),
                                                             NULL));
    g_assert_cmpstr (fn_test_result_status (rewrite), ==, "rejected");
  }

  /* An edited merge and the closing of the conflict, in one push. */
  ops = json_array_new ();
  json_array_add_object_element (ops, fn_test_op_new (alice, "note", setup.note_id,
                                                      fn_test_record_version (fn_test_result_record (second)),
                                                      "title", fn_test_str ("Alice title (office)"),
                                                      NULL));
  json_array_add_object_element (ops, fn_test_op_new (alice, "conflict", conflict_id,
                                                      fn_test_record_version (conflict),
                                                      "resolved", json_node_init_boolean (json_node_alloc (), TRUE),
                                                      NULL));
  results = fn_test_client_push_ops (alice, ops);
  g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, 0)), ==, "applied");
  g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, 1)), ==, "applied");

  after = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_cmpstr (fn_test_record_field (fn_test_find_change (after, "note", setup.note_id), "title"),
                   ==, "Alice title (office)");
  conflict = fn_test_find_change (after, "conflict", conflict_id);
  g_assert_nonnull (conflict);
  g_assert_true (conflict_is_resolved (conflict));
  /* What the conflict was about stays as it was. */
  g_assert_cmpstr (fn_test_record_field (conflict, "losing_value"), ==, "Office title");
}

static void
test_delete_then_later_edit (FnTestFixture *fx,
                             gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) deleted = NULL;
  g_autoptr (JsonObject) revived = NULL;
  g_autoptr (JsonObject) note = NULL;

  setup_note (fx, &setup);

  deleted = fn_test_client_push_op (office,
                                    fn_test_op_new_delete (office, "note", setup.note_id,
                                                           setup.version));
  g_assert_cmpstr (fn_test_result_status (deleted), ==, "applied");
  g_assert_true (json_object_get_boolean_member (fn_test_result_record (deleted), "deleted"));

  note = fn_test_client_get_record (alice, "note", setup.note_id);
  g_assert_nonnull (note);
  g_assert_true (json_object_get_boolean_member (note, "deleted"));
  g_clear_pointer (&note, json_object_unref);

  /* Alice edits from before the delete, with a later clock: it revives. */
  revived = edit (alice, &setup, setup.version, "body", "Edited after the delete");
  g_assert_cmpstr (fn_test_result_status (revived), ==, "conflict");
  g_assert_false (json_object_get_boolean_member (fn_test_result_record (revived), "deleted"));

  note = fn_test_client_get_record (office, "note", setup.note_id);
  g_assert_false (json_object_get_boolean_member (note, "deleted"));
  g_assert_cmpstr (fn_test_record_field (note, "body"), ==, "Edited after the delete");
  g_assert_cmpstr (fn_test_record_field (note, "title"), ==, "Visit");
}

static void
test_delete_beats_earlier_edit (FnTestFixture *fx,
                                gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) deleted = NULL;
  g_autoptr (JsonObject) late = NULL;
  g_autoptr (JsonObject) note = NULL;
  JsonObject *early_edit;

  setup_note (fx, &setup);

  early_edit = fn_test_op_new (alice, "note", setup.note_id, setup.version,
                               "body", fn_test_str ("Written before the delete"), NULL);
  deleted = fn_test_client_push_op (office,
                                    fn_test_op_new_delete (office, "note", setup.note_id,
                                                           setup.version));
  g_assert_cmpstr (fn_test_result_status (deleted), ==, "applied");

  late = fn_test_client_push_op (alice, early_edit);
  g_assert_cmpstr (fn_test_result_status (late), !=, "rejected");

  note = fn_test_client_get_record (office, "note", setup.note_id);
  g_assert_nonnull (note);
  g_assert_true (json_object_get_boolean_member (note, "deleted"));
}

static void
test_older_delete_loses (FnTestFixture *fx,
                         gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) edited = NULL;
  g_autoptr (JsonObject) late_delete = NULL;
  g_autoptr (JsonObject) note = NULL;
  JsonObject *early_delete;

  setup_note (fx, &setup);

  /* The office deleted offline; alice edited after that, and pushed first. */
  early_delete = fn_test_op_new_delete (office, "note", setup.note_id, setup.version);
  edited = edit (alice, &setup, setup.version, "body", "Edited after the office's delete");
  g_assert_cmpstr (fn_test_result_status (edited), ==, "applied");

  late_delete = fn_test_client_push_op (office, early_delete);
  g_assert_cmpstr (fn_test_result_status (late_delete), !=, "rejected");
  g_assert_false (json_object_get_boolean_member (fn_test_result_record (late_delete), "deleted"));

  note = fn_test_client_get_record (office, "note", setup.note_id);
  g_assert_false (json_object_get_boolean_member (note, "deleted"));
  g_assert_cmpstr (fn_test_record_field (note, "body"), ==, "Edited after the office's delete");
}

static void
test_batch_in_order (FnTestFixture *fx,
                     gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *note_id = fn_uuid_new ();
  g_autoptr (JsonArray) results = NULL;
  g_autoptr (JsonObject) note = NULL;
  JsonArray *ops = json_array_new ();
  gint64 last_version = 0;

  /* The note's patient is created by the op before it, and the note is
   * then edited twice in the same push. */
  json_array_add_object_element (ops, fn_test_op_new (office, "patient", patient_id, 0,
                                                      "family_name", fn_test_str ("Nakamura"),
                                                      "assigned_to", fn_test_ids (alice->user_id, NULL),
                                                      NULL));
  json_array_add_object_element (ops, fn_test_op_new (office, "note", note_id, 0,
                                                      "patient_id", fn_test_str (patient_id),
                                                      "kind", fn_test_str ("incident"),
                                                      "visit_at", fn_test_str ("2026-11-26T16:45:00Z"),
                                                      "title", fn_test_str ("Fall"),
                                                      "status", fn_test_str ("draft"),
                                                      NULL));
  json_array_add_object_element (ops, fn_test_op_new (office, "note", note_id, 0,
                                                      "title", fn_test_str ("Fall in the kitchen"),
                                                      NULL));
  json_array_add_object_element (ops, fn_test_op_new (office, "note", note_id, 0,
                                                      "status", fn_test_str ("final"),
                                                      NULL));

  results = fn_test_client_push_ops (office, ops);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);

      g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
      if (i >= 1)
        {
          gint64 version = fn_test_record_version (fn_test_result_record (result));

          g_assert_cmpint (version, >, last_version);
          last_version = version;
        }
    }
  g_assert_cmpstr (fn_test_record_field (fn_test_result_record (json_array_get_object_element (results, 2)),
                                         "status"), ==, "draft");

  note = fn_test_client_get_record (alice, "note", note_id);
  g_assert_nonnull (note);
  g_assert_cmpstr (fn_test_record_field (note, "title"), ==, "Fall in the kitchen");
  g_assert_cmpstr (fn_test_record_field (note, "status"), ==, "final");
  g_assert_cmpint (fn_test_record_version (note), ==, last_version);
}

static void
test_batch_rejection_is_local (FnTestFixture *fx,
                               gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *first_id = fn_uuid_new ();
  g_autofree char *bad_id = fn_uuid_new ();
  g_autofree char *last_id = fn_uuid_new ();
  g_autoptr (JsonArray) results = NULL;
  g_autoptr (JsonArray) changes = NULL;
  JsonArray *ops = json_array_new ();

  json_array_add_object_element (ops, fn_test_op_new (office, "patient", first_id, 0,
                                                      "family_name", fn_test_str ("First"), NULL));
  json_array_add_object_element (ops, fn_test_op_new (office, "patient", bad_id, 0,
                                                      "family_name", fn_test_str ("Bad"),
                                                      "birth_date", fn_test_str ("1950-02-30"),
                                                      NULL));
  json_array_add_object_element (ops, fn_test_op_new (office, "patient", last_id, 0,
                                                      "family_name", fn_test_str ("Last"), NULL));

  results = fn_test_client_push_ops (office, ops);
  g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, 0)), ==, "applied");
  fn_test_assert_rejected (json_array_get_object_element (results, 1), 422);
  g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, 2)), ==, "applied");

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_nonnull (fn_test_find_change (changes, "patient", first_id));
  g_assert_null (fn_test_find_change (changes, "patient", bad_id));
  g_assert_nonnull (fn_test_find_change (changes, "patient", last_id));
}

static void
test_same_device_no_conflict (FnTestFixture *fx,
                              gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) third = NULL;
  g_autoptr (JsonArray) changes = NULL;

  setup_note (fx, &setup);

  /* The laptop never saw the versions its own pushes made. */
  first = edit (alice, &setup, setup.version, "body", "First draft");
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");
  second = edit (alice, &setup, setup.version, "body", "Second draft");
  g_assert_cmpstr (fn_test_result_status (second), ==, "applied");
  g_assert_false (result_has_conflicts (second));
  third = edit (alice, &setup, 0, "body", "Third draft");
  g_assert_cmpstr (fn_test_result_status (third), ==, "applied");
  g_assert_false (result_has_conflicts (third));

  changes = fn_test_client_pull_all (alice, NULL, NULL);
  g_assert_cmpstr (fn_test_record_field (fn_test_find_change (changes, "note", setup.note_id), "body"),
                   ==, "Third draft");
  g_assert_cmpuint (fn_test_count_changes (changes, "conflict"), ==, 0);
}

static void
test_clock_skew (FnTestFixture *fx,
                 gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  g_autoptr (JsonObject) skewed = NULL;
  g_autoptr (JsonObject) later = NULL;
  g_autoptr (JsonObject) slight = NULL;
  g_autoptr (JsonObject) note = NULL;
  g_autofree char *future = NULL;
  g_autofree char *near_future = NULL;
  const char *stored;
  JsonObject *op;
  gint64 now_ms;
  gint64 stored_ms;

  setup_note (fx, &setup);

  /* Ten minutes ahead: the server stores its own clock and says so. */
  now_ms = g_get_real_time () / 1000;
  future = fn_test_hlc_at (alice, now_ms + 10 * 60 * 1000);
  op = fn_test_op_new (alice, "note", setup.note_id, setup.version,
                       "body", fn_test_str ("From a laptop whose clock is wrong"), NULL);
  fn_test_op_set_hlc (op, future);
  skewed = fn_test_client_push_op (alice, op);
  g_assert_cmpstr (fn_test_result_status (skewed), ==, "applied");
  g_assert_true (json_object_get_boolean_member_with_default (skewed, "clock_adjusted", FALSE));

  stored = json_object_get_string_member (json_object_get_object_member (fn_test_result_record (skewed),
                                                                          "clock"), "body");
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored, !=, future);
  g_assert_true (fn_hlc_parse (stored, &stored_ms, NULL, NULL));
  g_assert_cmpint (stored_ms, <, now_ms + FN_HLC_MAX_SKEW_MS);
  g_assert_cmpint (stored_ms, >=, now_ms - 60 * 1000);
  g_assert_cmpstr (fn_test_record_field (fn_test_result_record (skewed), "body"), ==,
                   "From a laptop whose clock is wrong");

  /* So a correct clock's next write wins over it. */
  g_usleep (5 * 1000);
  later = edit (office, &setup, fn_test_record_version (fn_test_result_record (skewed)),
                "body", "Office, correct clock");
  g_assert_cmpstr (fn_test_result_status (later), ==, "applied");
  note = fn_test_client_get_record (alice, "note", setup.note_id);
  g_assert_cmpstr (fn_test_record_field (note, "body"), ==, "Office, correct clock");

  /* One minute ahead is within the allowed skew and kept as sent. */
  near_future = fn_test_hlc_at (alice, g_get_real_time () / 1000 + 60 * 1000);
  op = fn_test_op_new (alice, "note", setup.note_id, fn_test_record_version (note),
                       "title", fn_test_str ("Slightly ahead"), NULL);
  fn_test_op_set_hlc (op, near_future);
  slight = fn_test_client_push_op (alice, op);
  g_assert_cmpstr (fn_test_result_status (slight), ==, "applied");
  g_assert_false (json_object_get_boolean_member_with_default (slight, "clock_adjusted", FALSE));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (fn_test_result_record (slight),
                                                                                  "clock"), "title"),
                   ==, near_future);
}

static void
test_versions_increase (FnTestFixture *fx,
                        gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_auto (NoteSetup) setup = { 0 };
  gint64 version;

  setup_note (fx, &setup);
  version = setup.version;
  g_assert_cmpint (version, >, 0);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("Body %u", i);
      g_autoptr (JsonObject) result = edit (alice, &setup, version, "body", body);
      gint64 next = fn_test_record_version (fn_test_result_record (result));

      g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
      g_assert_cmpint (next, >, version);
      version = next;
    }
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, FnTestFixture, NULL, fn_test_fixture_setup, func, fn_test_fixture_teardown)

  ADD ("/server/merge/different-fields", test_different_fields);
  ADD ("/server/merge/conflict/later-wins", test_conflict_later_wins);
  ADD ("/server/merge/conflict/sides", test_conflict_sides);
  ADD ("/server/merge/conflict/earlier-loses", test_conflict_earlier_loses);
  ADD ("/server/merge/conflict/same-value", test_same_value_no_conflict);
  ADD ("/server/merge/conflict/resolve", test_conflict_resolve);
  ADD ("/server/merge/delete/later-edit-revives", test_delete_then_later_edit);
  ADD ("/server/merge/delete/beats-earlier-edit", test_delete_beats_earlier_edit);
  ADD ("/server/merge/delete/older-delete-loses", test_older_delete_loses);
  ADD ("/server/merge/batch/in-order", test_batch_in_order);
  ADD ("/server/merge/batch/rejection-is-local", test_batch_rejection_is_local);
  ADD ("/server/merge/same-device", test_same_device_no_conflict);
  ADD ("/server/merge/clock-skew", test_clock_skew);
  ADD ("/server/merge/versions-increase", test_versions_increase);

#undef ADD

  return fn_test_run ();
}
