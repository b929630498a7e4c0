/* fn-mock-seed.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-seed.h"

#include "fn-mock-auth.h"

#include <stdio.h>
#include <string.h>

#define SEED_DEVICE "server"

/* Everything below is invented: names, streets and visits. */
static const char * const given_names[] = {
  "Agnes", "Bruno", "Clara", "Dieter", "Edith", "Frida", "Gustav", "Hilde", "Ingrid", "Jonas",
  "Käthe", "Lorenz", "Margit", "Norbert", "Olga", "Paul", "Renate", "Siegfried", "Theresa",
  "Ulrich", "Vera", "Walter", "Yvonne", "Zeno", "Annelie", "Bernd", "Cornelia", "Egon",
};

static const char * const family_names[] = {
  "Amsel", "Birkner", "Dornfeld", "Eichholz", "Falkenberg", "Grünwald", "Haselmann", "Isenbeck",
  "Jansen", "Kranich", "Lindqvist", "Moorbach", "Nesselrode", "Ostermann", "Pappel", "Quendel",
  "Rosenthal", "Sperling", "Tannhauser", "Ulmer", "Vogelsang", "Weidemann", "Zeisig", "Ackerlund",
};

static const char * const streets[] = {
  "Lindenweg", "Am Mühlbach", "Rosengasse", "Birkenallee", "Kastanienstraße", "Uferweg",
  "Hollerbusch", "Am Wiesenrain", "Kirchplatz", "Schlehenpfad",
};

static const char * const care_plans[] = {
  "Morning visit: help with washing and dressing, check blood pressure, prepare breakfast.",
  "Twice daily: insulin injection before breakfast and dinner, blood sugar log, foot check.",
  "Wound care on the left lower leg every other day; compression stockings in the morning.",
  "Medication reminder and weekly pill organiser refill; short walk if the weather allows.",
  "Evening visit: help to bed, check the emergency call button, note fluid intake.",
  "Mobility exercises after hip surgery; shower assistance twice a week.",
};

static const char * const note_titles[] = {
  "Morning visit", "Evening visit", "Blood pressure check", "Wound dressing changed",
  "Medication reviewed", "Fall risk check", "Shower assistance", "Blood sugar log",
  "Short walk outside", "Call with daughter", "Pharmacy delivery", "Skin check",
};

static const char * const note_bodies[] = {
  "Patient in good spirits. Helped with washing and dressing. Breakfast eaten completely. "
  "Blood pressure 132/84, pulse 72.",
  "Dressing on the left lower leg changed. Wound edges calm, slight redness, no smell. "
  "Next change in two days.",
  "Took morning medication with water under supervision. Reminded about the afternoon dose. "
  "Pill organiser refilled for the week.",
  "Complains of mild dizziness when standing up. Advised to sit on the bed edge for a minute "
  "first. Will check blood pressure again tomorrow.",
  "Blood sugar before breakfast 7.9 mmol/l. Insulin given as in the plan. Feet checked: "
  "no pressure marks.",
  "Walked to the corner and back with the rollator, about ten minutes. Breathing normal. "
  "Pleased to be outside.",
  "Drank little yesterday. Placed a filled jug on the kitchen table and agreed on a glass "
  "with every meal.",
  "Daughter called during the visit and asked about the new medication; told her to ask "
  "the GP at Friday's appointment.",
  "Shower with chair and grab bar, went well. Skin dry on both shins; applied cream.",
  "Slept badly, woke at 4 a.m. Seemed tired but oriented. Suggested a short rest after lunch.",
};

static const char * const note_kinds[] = { "visit", "visit", "visit", "observation", "medication",
                                           "observation", "incident" };

gboolean
fn_mock_add_user (FnMockStorage  *storage,
                  const char     *name,
                  const char     *role,
                  const char     *password,
                  GError        **error)
{
  g_autoptr (FnMockUser) user = NULL;
  g_autofree char *id = fn_uuid_new ();

  if (!fn_mock_role_is_valid (role))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The role must be caregiver or office, not “%s”.", role);
      return FALSE;
    }
  if (!name || !*name || strlen (name) > 64 || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "The user name is not valid.");
      return FALSE;
    }
  if (!password || !*password)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "The password is empty.");
      return FALSE;
    }

  user = fn_mock_storage_find_user (storage, name, NULL);
  if (user)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "A user called “%s” already exists.", name);
      return FALSE;
    }

  user = fn_mock_user_new (id, name, role);
  user->password_hash = fn_mock_password_hash (password, error);
  if (!user->password_hash)
    return FALSE;

  return fn_mock_storage_add_user (storage, user, error);
}

static void
set_all (FnMockRecord *record,
         const char   *clock,
         gint64        seq,
         const char   *first_name,
         ...) G_GNUC_NULL_TERMINATED;

static void
set_all (FnMockRecord *record,
         const char   *clock,
         gint64        seq,
         const char   *first_name,
         ...)
{
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name; name = va_arg (args, const char *))
    fn_mock_record_set_field (record, name, va_arg (args, const char *), clock, SEED_DEVICE, seq);
  va_end (args);
}

/**
 * fn_mock_seed_demo:
 *
 * Fills an empty database with the demo users and @n_patients patients with
 * @n_notes notes between them, all in one transaction. Patients alternate
 * between alice and bob. The data are the same on every run.
 */
gboolean
fn_mock_seed_demo (FnMockSync  *sync,
                   guint        n_patients,
                   guint        n_notes,
                   GError     **error)
{
  FnMockStorage *storage = fn_mock_sync_get_storage (sync);
  FnClock *clock = fn_mock_sync_get_clock (sync);
  const char *names[] = { "alice", "bob", "office" };
  const char *roles[] = { "caregiver", "caregiver", "office" };
  g_autoptr (GPtrArray) patient_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261127);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GPtrArray) caregivers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) assigned = g_ptr_array_new_with_free_func (g_free);

  if (fn_mock_storage_has_users (storage))
    {
      fprintf (stderr, "The database already has users; --seed-demo adds nothing.\n");
      return TRUE;
    }

  if (!fn_mock_storage_begin_write (storage, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *password = g_strconcat (names[i], "-demo", NULL);
      g_autoptr (FnMockUser) user = NULL;

      if (!fn_mock_add_user (storage, names[i], roles[i], password, error))
        goto fail;
      user = fn_mock_storage_find_user (storage, names[i], NULL);
      if (i < 2)
        {
          g_ptr_array_add (caregivers, g_strdup (user->id));
          g_ptr_array_add (assigned, g_strdup_printf ("[\"%s\"]", user->id));
        }
    }

  for (guint i = 0; i < n_patients; i++)
    {
      g_autofree char *id = fn_uuid_new ();
      g_autoptr (FnMockRecord) record = fn_mock_record_new (FN_ENTITY_PATIENT, id);
      g_autofree char *hlc = fn_clock_tick (clock);
      g_autofree char *birth = g_strdup_printf ("%04d-%02d-%02d",
                                                g_rand_int_range (rand, 1928, 1960),
                                                g_rand_int_range (rand, 1, 13),
                                                g_rand_int_range (rand, 1, 29));
      g_autofree char *address = g_strdup_printf ("%s %d\n%05d Talheim",
                                                  streets[g_rand_int_range (rand, 0, G_N_ELEMENTS (streets))],
                                                  g_rand_int_range (rand, 1, 80),
                                                  g_rand_int_range (rand, 10000, 99999));
      g_autofree char *phone = g_strdup_printf ("+49 30 %07d", g_rand_int_range (rand, 0, 9999999));
      gint64 seq = fn_mock_storage_next_seq (storage, error);

      if (seq == 0)
        goto fail;

      set_all (record, hlc, seq,
               "given_name", given_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (given_names))],
               "family_name", family_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (family_names))],
               "birth_date", birth,
               "address", address,
               "phone", phone,
               "care_plan", care_plans[g_rand_int_range (rand, 0, G_N_ELEMENTS (care_plans))],
               "assigned_to", (const char *)g_ptr_array_index (assigned, i % 2),
               NULL);
      record->version = seq;
      record->seq = seq;
      record->scope = g_strdup (id);

      if (!fn_mock_sync_save_record (sync, record, NULL, error))
        goto fail;
      g_ptr_array_add (patient_ids, g_steal_pointer (&id));
    }

  for (guint i = 0; i < n_notes && n_patients > 0; i++)
    {
      guint p = g_rand_int_range (rand, 0, n_patients);
      const char *patient_id = g_ptr_array_index (patient_ids, p);
      g_autofree char *id = fn_uuid_new ();
      g_autoptr (FnMockRecord) record = fn_mock_record_new (FN_ENTITY_NOTE, id);
      g_autofree char *hlc = fn_clock_tick (clock);
      g_autoptr (GDateTime) when = g_date_time_add_minutes (now,
                                                            -g_rand_int_range (rand, 60, 60 * 24 * 60));
      g_autofree char *visit_at = g_date_time_format (when, "%Y-%m-%dT%H:%M:00Z");
      gint64 seq = fn_mock_storage_next_seq (storage, error);

      if (seq == 0)
        goto fail;

      set_all (record, hlc, seq,
               "patient_id", patient_id,
               "author_id", (const char *)g_ptr_array_index (caregivers, p % 2),
               "kind", note_kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (note_kinds))],
               "visit_at", visit_at,
               "title", note_titles[g_rand_int_range (rand, 0, G_N_ELEMENTS (note_titles))],
               "body", note_bodies[g_rand_int_range (rand, 0, G_N_ELEMENTS (note_bodies))],
               "status", g_rand_int_range (rand, 0, 10) < 8 ? "final" : "draft",
               NULL);
      record->version = seq;
      record->seq = seq;
      record->scope = g_strdup (patient_id);

      if (!fn_mock_storage_put_record (storage, record, error))
        goto fail;
    }

  if (!fn_mock_sync_save_clock (sync, error) || !fn_mock_storage_commit (storage, error))
    goto fail;

  fprintf (stderr,
           "Demo data: %u patients, %u notes. Demo users (fictional, for testing only):\n"
           "  alice  / alice-demo   (caregiver)\n"
           "  bob    / bob-demo     (caregiver)\n"
           "  office / office-demo  (office)\n",
           n_patients, n_notes);
  return TRUE;

fail:
  fn_mock_storage_rollback (storage);
  return FALSE;
}
