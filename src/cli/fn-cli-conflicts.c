/* fn-cli-conflicts.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>
#include <string.h>

/* The shortest conflict id prefix we accept, as for patients and notes. */
#define MIN_ID_PREFIX 4

/* One open conflict, with what a person needs to decide it. */
typedef struct
{
  FnConflict *conflict;
  FnRecord   *note;      /* nullable: the note may be gone */
  FnRecord   *patient;   /* nullable */
  FnConflictSide *mine;
  FnConflictSide *theirs;
} Item;

static void
item_free (Item *item)
{
  g_clear_object (&item->conflict);
  g_clear_object (&item->note);
  g_clear_object (&item->patient);
  g_clear_pointer (&item->mine, fn_conflict_side_free);
  g_clear_pointer (&item->theirs, fn_conflict_side_free);
  g_free (item);
}

static FnRecord *
get_optional (FnStore     *store,
              FnEntity     entity,
              const char  *id,
              GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  FnRecord *record;

  if (!id)
    return NULL;

  record = fn_store_get (store, entity, id, &local_error);
  if (!record && !g_error_matches (local_error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));

  return record;
}

/* Returns: (transfer full) (element-type Item): the open conflicts */
static GPtrArray *
list_items (FnStore  *store,
            GError  **error)
{
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)item_free);

  conflicts = fn_store_list_conflicts (store, NULL, error);
  if (!conflicts)
    return NULL;

  for (guint i = 0; i < conflicts->len; i++)
    {
      Item *item = g_new0 (Item, 1);
      GError *local_error = NULL;

      item->conflict = g_object_ref (g_ptr_array_index (conflicts, i));
      g_ptr_array_add (items, item);

      if (!fn_store_describe_conflict (store, item->conflict, &item->mine, &item->theirs,
                                       error))
        return NULL;

      item->note = get_optional (store, FN_ENTITY_NOTE,
                                 fn_conflict_get_record_id (item->conflict), &local_error);
      if (!local_error && item->note)
        item->patient = get_optional (store, FN_ENTITY_PATIENT,
                                      fn_note_get_patient_id (FN_NOTE (item->note)),
                                      &local_error);
      if (local_error)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }

  return g_steal_pointer (&items);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* Who wrote a side and when, for JSON: the time in UTC, RFC 3339. */
static void
add_side_members (JsonBuilder          *builder,
                  const char           *name,
                  const FnConflictSide *side)
{
  g_autofree char *author = g_strconcat (name, "_author", NULL);
  g_autofree char *time = g_strconcat (name, "_time", NULL);
  g_autoptr (GDateTime) utc = side->time ? g_date_time_to_utc (side->time) : NULL;
  g_autofree char *when = utc ? g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  add_string_member (builder, name, side->text);
  add_string_member (builder, author, side->author);
  add_string_member (builder, time, when);
}

static void
print_items_json (GPtrArray *items)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "id", fn_record_get_id (FN_RECORD (item->conflict)));
      add_string_member (builder, "note_id", fn_conflict_get_record_id (item->conflict));
      add_string_member (builder, "patient_id",
                         item->note ? fn_note_get_patient_id (FN_NOTE (item->note)) : NULL);
      add_string_member (builder, "field", fn_conflict_get_field_name (item->conflict));
      add_string_member (builder, "note_title",
                         item->note ? fn_note_get_title (FN_NOTE (item->note)) : NULL);
      add_side_members (builder, "mine", item->mine);
      add_side_members (builder, "theirs", item->theirs);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  fn_cli_print_json (json_builder_get_root (builder));
}

/* Text from the server goes to a terminal: control characters other than
 * line breaks and tabs are shown as "?" so they cannot drive it. Each line
 * is indented under its heading. */
static void
print_text (const char *text)
{
  GString *s = g_string_new ("    ");

  if (!text)
    {
      g_string_append (s, _("(empty)"));
      fn_cli_print ("%s\n", s->str);
      g_string_free (s, TRUE);
      return;
    }

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (s, "\n    ");
      else if (c == '\t' || !g_unichar_iscntrl (c))
        g_string_append_unichar (s, c);
      else
        g_string_append_c (s, '?');
    }

  fn_cli_print ("%s\n", s->str);
  g_string_free (s, TRUE);
}

/* "Theirs: office, 2026-11-28 14:05" as far as the data says. */
static void
print_side_heading (const char           *heading,
                    const FnConflictSide *side)
{
  g_autoptr (GDateTime) local = side->time ? g_date_time_to_local (side->time) : NULL;
  g_autofree char *when = local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;

  if (side->author && when)
    fn_cli_print ("  %s %s, %s\n", heading, side->author, when);
  else if (side->author || when)
    fn_cli_print ("  %s %s\n", heading, side->author ? side->author : when);
  else
    fn_cli_print ("  %s\n", heading);
}

static void
print_items (GPtrArray *items)
{
  if (items->len == 0)
    {
      fn_cli_print ("%s\n", _("No conflicts."));
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);
      g_autofree char *id = g_strdup (fn_record_get_id (FN_RECORD (item->conflict)));
      g_autofree char *note_id = fn_cli_short_id (fn_conflict_get_record_id (item->conflict));
      const char *field = fn_conflict_get_field_name (item->conflict);
      g_autofree char *patient = NULL;
      g_autofree char *title = NULL;

      if (item->patient)
        patient = g_strdup_printf (" (%s %s)",
                                   fn_patient_get_given_name (FN_PATIENT (item->patient)),
                                   fn_patient_get_family_name (FN_PATIENT (item->patient)));
      if (item->note && fn_note_get_title (FN_NOTE (item->note)))
        title = g_strdup_printf (" “%s”", fn_note_get_title (FN_NOTE (item->note)));

      if (i > 0)
        fn_cli_print ("\n");
      if (g_strcmp0 (field, "title") == 0)
        fn_cli_print (_("Conflict %s: the title of note %s%s%s\n"), id, note_id,
                      title ? title : "", patient ? patient : "");
      else
        fn_cli_print (_("Conflict %s: the text of note %s%s%s\n"), id, note_id,
                      title ? title : "", patient ? patient : "");
      print_side_heading (_("Mine:"), item->mine);
      print_text (item->mine->text);
      print_side_heading (_("Theirs:"), item->theirs);
      print_text (item->theirs->text);
    }

  fn_cli_print ("\n%s\n",
                _("Resolve each with “field-notes-cli resolve ID --keep mine”, "
                  "“--keep theirs” or “--text-file FILE”."));
}

gboolean
fn_cli_conflicts_run (FnCli              *cli,
                      const FnCliCommand *command,
                      int                 argc,
                      char              **argv,
                      GError            **error)
{
  g_autoptr (GPtrArray) items = NULL;
  g_auto (GStrv) args = NULL;
  FnStore *store;

  if (!fn_cli_parse (cli, command, NULL, argc, argv, 0, 0, &args, error))
    return FALSE;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  items = list_items (store, error);
  if (!items)
    return FALSE;

  if (cli->json)
    print_items_json (items);
  else
    print_items (items);

  return TRUE;
}

static gboolean
is_id_prefix (const char *id)
{
  gsize len = strlen (id);

  if (len < MIN_ID_PREFIX || len > 36)
    return FALSE;

  for (const char *p = id; *p; p++)
    if (!g_ascii_isxdigit (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

/* Finds an open conflict by its id or the start of it. */
static FnConflict *
find_conflict (FnStore     *store,
               const char  *arg,
               GError     **error)
{
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autofree char *lower = NULL;
  FnConflict *found = NULL;
  guint n_found = 0;

  if (!is_id_prefix (arg))
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                           _("A conflict id is a UUID or at least its first 4 characters."));
      return NULL;
    }

  conflicts = fn_store_list_conflicts (store, NULL, error);
  if (!conflicts)
    return NULL;

  lower = g_ascii_strdown (arg, -1);
  for (guint i = 0; i < conflicts->len; i++)
    {
      FnConflict *conflict = g_ptr_array_index (conflicts, i);

      if (g_str_has_prefix (fn_record_get_id (FN_RECORD (conflict)), lower))
        {
          found = conflict;
          n_found++;
        }
    }

  if (n_found == 0)
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_NOT_FOUND,
                   _("No open conflict has the id “%s”."), lower);
      return NULL;
    }
  if (n_found > 1)
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("The id “%s” matches %u conflicts; give more of it."), lower, n_found);
      return NULL;
    }

  return g_object_ref (found);
}

gboolean
fn_cli_resolve_run (FnCli              *cli,
                    const FnCliCommand *command,
                    int                 argc,
                    char              **argv,
                    GError            **error)
{
  g_autofree char *keep = NULL;
  g_autofree char *text_file = NULL;
  const GOptionEntry entries[] = {
    { "keep", 'k', 0, G_OPTION_ARG_STRING, &keep,
      N_("Keep “mine” (this computer’s text) or “theirs” (the other text)"), N_("SIDE") },
    { "text-file", 'f', 0, G_OPTION_ARG_FILENAME, &text_file,
      N_("Use the text in FILE instead, e.g. both texts merged by hand (“-” reads standard "
         "input)"), N_("FILE") },
    { NULL }
  };
  g_autoptr (FnConflict) conflict = NULL;
  g_autoptr (FnRecord) note = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  FnConflictChoice choice;
  FnStore *store;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 1, 1, &args, error))
    return FALSE;

  if (!!keep == !!text_file)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("Give exactly one of --keep mine, --keep theirs or --text-file; "
                             "run “field-notes-cli resolve --help” for usage."));
      return FALSE;
    }

  if (keep && strcmp (keep, "mine") == 0)
    choice = FN_CONFLICT_KEEP_MINE;
  else if (keep && strcmp (keep, "theirs") == 0)
    choice = FN_CONFLICT_KEEP_THEIRS;
  else if (keep)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("--keep takes “mine” or “theirs”; "
                             "run “field-notes-cli resolve --help” for usage."));
      return FALSE;
    }
  else
    choice = FN_CONFLICT_MERGED;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  conflict = find_conflict (store, args[0], error);
  if (!conflict)
    return FALSE;

  if (choice == FN_CONFLICT_MERGED)
    {
      text = fn_cli_read_body_file (text_file, error);
      if (!text)
        return FALSE;

      /* A title is one line; the newline an editor ends a file with is
       * not part of it. */
      if (g_strcmp0 (fn_conflict_get_field_name (conflict), "title") == 0 &&
          g_str_has_suffix (text, "\n"))
        {
          text[strlen (text) - 1] = '\0';
          if (g_str_has_suffix (text, "\r"))
            text[strlen (text) - 1] = '\0';
        }
    }

  id = g_strdup (fn_record_get_id (FN_RECORD (conflict)));
  if (!fn_store_resolve_conflict (store, id, choice, text, error))
    return FALSE;

  if (cli->json)
    {
      note = fn_store_get (store, FN_ENTITY_NOTE, fn_conflict_get_record_id (conflict), error);
      if (!note)
        return FALSE;
      fn_cli_print_json (fn_cli_record_to_json (note));
    }
  else
    {
      fn_cli_print (_("Resolved conflict %s. Run “field-notes-cli sync” to send the "
                      "result.\n"),
                    id);
    }

  return TRUE;
}
