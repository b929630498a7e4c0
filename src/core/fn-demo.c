/* fn-demo.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-demo"

#include "config.h"

#include "fn-demo.h"

#include "fn-note.h"
#include "fn-patient.h"

/* Every person, street and number here is made up. Phone numbers use the
 * 555-01xx range that is reserved for fiction. */

static const char * const given_names[] = {
  "Agnes", "Bernard", "Clara", "Dmitri", "Edith", "Farid", "Greta", "Harold",
  "Ingrid", "Jonas", "Katalin", "Leopold", "Margit", "Nils", "Olga", "Pieter",
  "Rosa", "Samuel", "Theresa", "Ulrich", "Vera", "Walter", "Yusuf", "Zofia",
  "Ada", "Benedikt", "Cornelia", "Emil", "Frieda", "Gustav",
};

static const char * const family_names[] = {
  "Albrecht", "Brennan", "Castellano", "Dvořák", "Eriksen", "Fontaine", "Gruber",
  "Haddad", "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak",
  "O'Connell", "Petrov", "Quintero", "Rasmussen", "Schneider", "Takahashi",
  "Urbanek", "Varga", "Weber", "Yilmaz", "Zimmermann", "Bauer", "Costa", "Lehmann",
  "Marino", "Søndergaard",
};

static const char * const streets[] = {
  "Linden Lane", "Orchard Road", "Millbrook Way", "Harbour Street", "Chestnut Close",
  "Meadow View", "Quarry Hill", "Willow Crescent", "Station Road", "Elm Terrace",
};

static const char * const towns[] = {
  "Eastbrook", "Fairmoor", "Hollingford", "Kestrel Bay",
};

static const char * const care_plans[] = {
  "Daily insulin (morning and evening), blood glucose check before meals. "
  "Foot inspection twice a week.",
  "Post-operative wound care after hip replacement: dressing change every second day, "
  "mobility exercises, fall prevention.",
  "Medication management (blood thinners), blood pressure check at each visit, "
  "support with personal hygiene.",
  "Early-stage dementia: medication reminders, orientation, meal preparation, "
  "weekly update to the family.",
  "COPD: oxygen equipment check, breathing exercises, watch for signs of infection.",
  "Pressure ulcer prevention: repositioning plan, skin inspection, nutrition and fluids.",
  "Heart failure: daily weight, fluid balance, ankle swelling, medication adherence.",
  "Palliative care: comfort, pain assessment, support for the family.",
};

static const struct
{
  const char *kind;
  const char *title;
  const char *body;
} note_templates[] = {
  { "visit", "Morning visit",
    "Patient was awake and dressed on arrival. Assisted with breakfast and morning "
    "medication. Blood pressure %d/%d, pulse %d. No complaints of pain. "
    "Mood cheerful; talked about the garden." },
  { "visit", "Evening visit",
    "Helped with evening routine and personal hygiene. Evening medication taken with water. "
    "Blood glucose %d mg/dL before dinner. Bed rails checked, call button within reach." },
  { "observation", "Skin check",
    "Inspected heels, sacrum and hips. Slight redness on the left heel (about 2 cm), "
    "blanches on pressure. Heel protector applied. Blood pressure %d/%d, pulse %d." },
  { "observation", "Reduced appetite",
    "Ate about half of lunch. Says food tastes bland. Offered fluids; drank about 400 ml "
    "during the visit. Blood pressure %d/%d, pulse %d. Will check again tomorrow and "
    "inform the office if it continues." },
  { "medication", "Medication review",
    "Weekly pill organiser refilled and checked against the medication plan. "
    "Two evening doses from last week still in the box: discussed with the patient, "
    "reminder alarm set. Blood pressure %d/%d, pulse %d." },
  { "medication", "New prescription started",
    "GP started a new prescription yesterday. Explained dose and timing; first dose taken "
    "under supervision. Blood pressure %d/%d before. No side effects observed during the "
    "visit." },
  { "incident", "Fall at home",
    "Patient reports a fall in the bathroom last night, got up without help. Small bruise "
    "on the right forearm, no head injury, walks normally. Blood pressure %d/%d. "
    "Family and office informed; non-slip mat recommended." },
  { "visit", "Wound dressing change",
    "Dressing changed on the surgical wound. Wound edges closed, no discharge, "
    "no smell, surrounding skin normal. Pain 3/10 before and 1/10 after. Blood pressure "
    "%d/%d. Next change in two days." },
  { "observation", "Breathing",
    "Slightly short of breath after walking to the kitchen; settled after rest. Blood "
    "pressure %d/%d, oxygen saturation 95%%. Inhaler technique reviewed. No fever." },
  { "visit", "Afternoon visit",
    "Accompanied the patient on a short walk around the block (about 20 minutes). "
    "Blood pressure %d/%d afterwards. Prepared a light meal and tidied the kitchen. "
    "Patient asked about the next GP appointment." },
};

static const char *
pick (GRand              *rand,
      const char * const *items,
      guint               n_items)
{
  return items[g_rand_int_range (rand, 0, n_items)];
}

#define PICK(rand, array) pick (rand, array, G_N_ELEMENTS (array))

static FnRecord *
make_patient (GRand *rand,
              guint  index)
{
  FnPatient *patient = fn_patient_new ();
  FnRecord *record = FN_RECORD (patient);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *birth = g_strdup_printf ("%04d-%02d-%02d",
                                            g_rand_int_range (rand, 1928, 1966),
                                            g_rand_int_range (rand, 1, 13),
                                            g_rand_int_range (rand, 1, 29));
  g_autofree char *address = g_strdup_printf ("%d %s\n%s",
                                              g_rand_int_range (rand, 1, 120),
                                              PICK (rand, streets), PICK (rand, towns));
  g_autofree char *phone = g_strdup_printf ("+1 202 555 01%02d", g_rand_int_range (rand, 0, 100));

  fn_record_set_id (record, id);
  fn_record_set_field (record, "given_name", given_names[(index * 7 + 3) % G_N_ELEMENTS (given_names)]);
  fn_record_set_field (record, "family_name", family_names[index % G_N_ELEMENTS (family_names)]);
  fn_record_set_field (record, "birth_date", birth);
  fn_record_set_field (record, "address", address);
  fn_record_set_field (record, "phone", phone);
  fn_record_set_field (record, "care_plan", PICK (rand, care_plans));
  fn_record_set_field (record, "assigned_to", "[]");

  return record;
}

static FnRecord *
make_note (GRand      *rand,
           const char *patient_id,
           GDateTime  *now)
{
  FnNote *note = fn_note_new (patient_id);
  FnRecord *record = FN_RECORD (note);
  guint t = g_rand_int_range (rand, 0, G_N_ELEMENTS (note_templates));
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *visit_at = NULL;
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) visit = NULL;
  int days_ago = g_rand_int_range (rand, 0, 30);

  /* Visits happen between 7:00 and 19:00, a few of them today. */
  day = g_date_time_add_days (now, -days_ago);
  visit = g_date_time_new_utc (g_date_time_get_year (day), g_date_time_get_month (day),
                               g_date_time_get_day_of_month (day),
                               g_rand_int_range (rand, 7, 19),
                               g_rand_int_range (rand, 0, 4) * 15, 0);
  /* A visit that has not happened yet would be odd in a record. */
  if (g_date_time_compare (visit, now) > 0)
    {
      GDateTime *earlier = g_date_time_add_days (visit, -1);

      g_date_time_unref (visit);
      visit = earlier;
      days_ago++;
    }
  visit_at = g_date_time_format (visit, "%Y-%m-%dT%H:%M:%SZ");

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  body = g_strdup_printf (note_templates[t].body,
                          g_rand_int_range (rand, 110, 160),
                          g_rand_int_range (rand, 65, 95),
                          g_rand_int_range (rand, 58, 96));
#pragma GCC diagnostic pop

  fn_record_set_id (record, id);
  fn_record_set_field (record, "kind", note_templates[t].kind);
  fn_record_set_field (record, "title", note_templates[t].title);
  fn_record_set_field (record, "body", body);
  fn_record_set_field (record, "visit_at", visit_at);
  fn_record_set_field (record, "status", days_ago > 0 ? "final" : "draft");

  return record;
}

/**
 * fn_demo_generate:
 * @seed: the same seed gives the same names and texts (ids differ)
 *
 * Generates fictional patients and notes for demos and benchmarks.
 *
 * Returns: %FALSE if @func stopped it
 */
gboolean
fn_demo_generate (guint      n_patients,
                  guint      n_notes,
                  guint32    seed,
                  FnDemoFunc func,
                  gpointer   user_data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr (GPtrArray) patient_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (func, FALSE);

  for (guint i = 0; i < n_patients; i++)
    {
      g_autoptr (FnRecord) patient = make_patient (rand, i);

      g_ptr_array_add (patient_ids, g_strdup (fn_record_get_id (patient)));
      if (!func (patient, user_data))
        return FALSE;
    }

  for (guint i = 0; i < n_notes && n_patients > 0; i++)
    {
      const char *patient_id = g_ptr_array_index (patient_ids, i % n_patients);
      g_autoptr (FnRecord) note = make_note (rand, patient_id, now);

      if (!func (note, user_data))
        return FALSE;
    }

  return TRUE;
}
