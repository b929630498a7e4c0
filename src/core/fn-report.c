/* fn-report.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-report"

#include "config.h"

#include "fn-report.h"

#include "fn-note.h"
#include "fn-patient.h"
#include "fn-signature.h"
#include "fn-store.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <string.h>

/* The end-of-day report: every visit of one day with its note, signature
 * and sync state, then what has not reached the office yet. A4 pages, laid
 * out with Pango so that any language and any length of text wraps. */

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 50.0
#define TEXT_W (PAGE_W - 2 * MARGIN)

typedef struct
{
  cairo_t *cr;
  double y;
  int page;
  char *footer;
} Page;

static PangoLayout *
layout_new (Page       *page,
            const char *font,
            const char *markup,
            double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (page->cr);
  g_autoptr (PangoFontDescription) desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_markup (layout, markup, -1);

  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double)h / PANGO_SCALE;
}

static void
draw_footer (Page *page)
{
  g_autofree char *text = g_strdup_printf (_("%s · page %d"), page->footer, page->page);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  g_autoptr (PangoLayout) layout = layout_new (page, "Sans 8", markup, TEXT_W);

  cairo_set_source_rgb (page->cr, 0.4, 0.4, 0.4);
  cairo_move_to (page->cr, MARGIN, PAGE_H - MARGIN + 16);
  pango_cairo_show_layout (page->cr, layout);
  cairo_set_source_rgb (page->cr, 0, 0, 0);
}

static void
new_page (Page *page)
{
  if (page->page > 0)
    {
      draw_footer (page);
      cairo_show_page (page->cr);
    }
  page->page++;
  page->y = MARGIN;
}

/* Starts a new page unless @height still fits on this one. */
static void
ensure_room (Page   *page,
             double  height)
{
  if (page->y + height > PAGE_H - MARGIN && page->y > MARGIN)
    new_page (page);
}

static void
show (Page        *page,
      PangoLayout *layout,
      double       x,
      double       gap_after)
{
  double height = layout_height (layout);

  ensure_room (page, height);
  cairo_move_to (page->cr, MARGIN + x, page->y);
  pango_cairo_show_layout (page->cr, layout);
  page->y += height + gap_after;
}

static void
paragraph (Page       *page,
           const char *font,
           const char *markup,
           double      gap_after)
{
  g_autoptr (PangoLayout) layout = layout_new (page, font, markup, TEXT_W);

  show (page, layout, 0, gap_after);
}

static void
rule (Page *page)
{
  ensure_room (page, 12);
  cairo_set_source_rgb (page->cr, 0.8, 0.8, 0.8);
  cairo_set_line_width (page->cr, 0.5);
  cairo_move_to (page->cr, MARGIN, page->y + 4);
  cairo_line_to (page->cr, PAGE_W - MARGIN, page->y + 4);
  cairo_stroke (page->cr);
  cairo_set_source_rgb (page->cr, 0, 0, 0);
  page->y += 12;
}

typedef struct
{
  GBytes *bytes;
  gsize offset;
} PngReader;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngReader *reader = closure;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (reader->bytes, &size);

  if (reader->offset + length > size)
    return CAIRO_STATUS_READ_ERROR;

  memcpy (data, bytes + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

static const char *
sync_state_label (FnSyncState state)
{
  switch (state)
    {
    case FN_SYNC_STATE_PENDING:
      return _("waiting to be sent to the office");
    case FN_SYNC_STATE_CONFLICT:
      return _("two versions of the text: needs a decision");
    case FN_SYNC_STATE_REJECTED:
      return _("refused by the office");
    case FN_SYNC_STATE_SYNCED:
    default:
      return _("at the office");
    }
}

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "visit") == 0)
    return _("Visit");
  if (g_strcmp0 (kind, "observation") == 0)
    return _("Observation");
  if (g_strcmp0 (kind, "medication") == 0)
    return _("Medication");
  if (g_strcmp0 (kind, "incident") == 0)
    return _("Incident");
  return kind;
}

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "patient") == 0)
    return _("patient");
  if (g_strcmp0 (role, "relative") == 0)
    return _("relative");
  if (g_strcmp0 (role, "caregiver") == 0)
    return _("caregiver");
  return role;
}

static void
draw_signature (Page        *page,
                FnStore     *store,
                const char  *note_id,
                GDateTime   *visit_local)
{
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GDateTime) captured = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *when = NULL;
  g_autofree char *line = NULL;
  g_autofree char *markup = NULL;
  FnSignatureCheck check;

  check = fn_store_check_signature (store, note_id, &signature, NULL);
  if (!signature)
    {
      paragraph (page, "Sans Italic 9", _("Not signed."), 4);
      return;
    }

  png = fn_store_get_blob (store, fn_record_get_field (FN_RECORD (signature), "image_blob"),
                           NULL);
  if (png)
    {
      PngReader reader = { png, 0 };
      cairo_surface_t *image = cairo_image_surface_create_from_png_stream (read_png, &reader);

      if (cairo_surface_status (image) == CAIRO_STATUS_SUCCESS)
        {
          double w = cairo_image_surface_get_width (image);
          double h = cairo_image_surface_get_height (image);
          double scale = MIN (220.0 / w, 80.0 / h);

          ensure_room (page, h * scale + 4);
          cairo_save (page->cr);
          cairo_translate (page->cr, MARGIN, page->y);
          cairo_scale (page->cr, scale, scale);
          cairo_set_source_surface (page->cr, image, 0, 0);
          cairo_paint (page->cr);
          cairo_restore (page->cr);
          page->y += h * scale + 4;
        }
      cairo_surface_destroy (image);
    }

  captured = g_date_time_new_from_iso8601 (fn_signature_get_captured_at (signature), NULL);
  local = captured ? g_date_time_to_local (captured) : NULL;
  /* Local time, and the time alone when signed on the day of the visit; a
   * signature from another day says its date too. */
  if (local && visit_local &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (visit_local) &&
      g_date_time_get_year (local) == g_date_time_get_year (visit_local))
    when = g_date_time_format (local, "%H:%M");
  else if (local)
    when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  else
    when = g_strdup (fn_signature_get_captured_at (signature));
  /* Translators: signer, role, time */
  line = g_strdup_printf (_("Signed by %s (%s) at %s."),
                          fn_signature_get_signer_name (signature),
                          role_label (fn_signature_get_signer_role (signature)),
                          when);
  markup = g_markup_escape_text (line, -1);
  paragraph (page, "Sans 9", markup, 2);

  if (check == FN_SIGNATURE_CHECK_NOTE_CHANGED)
    paragraph (page, "Sans Bold 9", _("The note was changed after it was signed: the signature "
                                      "covers an earlier version."), 4);
}

static void
draw_visit (Page    *page,
            FnStore *store,
            FnNote  *note)
{
  g_autoptr (FnRecord) patient = fn_store_get (store, FN_ENTITY_PATIENT,
                                               fn_note_get_patient_id (note), NULL);
  g_autoptr (GDateTime) visit = fn_note_dup_visit_time (note);
  g_autoptr (GDateTime) local = visit ? g_date_time_to_local (visit) : NULL;
  g_autofree char *time = local ? g_date_time_format (local, "%H:%M") : g_strdup ("—");
  g_autofree char *name = patient ? fn_patient_dup_display_name (FN_PATIENT (patient))
                                  : g_strdup (_("Unknown patient"));
  g_autofree char *heading = NULL;
  g_autofree char *meta = NULL;
  const char *title = fn_note_get_title (note);
  const char *body = fn_note_get_body (note);

  heading = g_markup_printf_escaped ("<b>%s</b>  %s — %s", time, name,
                                     title && *title ? title : _("Untitled note"));
  /* Keep a visit's heading with at least a few lines of its text. */
  ensure_room (page, 80);
  paragraph (page, "Sans 12", heading, 2);

  meta = g_markup_printf_escaped ("%s · %s · %s", kind_label (fn_note_get_kind (note)),
                                  g_strcmp0 (fn_note_get_status (note), "final") == 0
                                    ? _("final") : _("draft"),
                                  sync_state_label (fn_record_get_sync_state (FN_RECORD (note))));
  paragraph (page, "Sans 9", meta, 6);

  if (body && *body)
    {
      g_autofree char *escaped = g_markup_escape_text (body, -1);
      g_auto (GStrv) lines = g_strsplit (escaped, "\n", -1);

      /* Line by line, so that a long note breaks across pages. */
      for (guint i = 0; lines[i]; i++)
        paragraph (page, "Serif 10", *lines[i] ? lines[i] : " ", 1);
      page->y += 5;
    }

  draw_signature (page, store, fn_record_get_id (FN_RECORD (note)), local);
  rule (page);
}

static void
draw_undelivered (Page    *page,
                  FnStore *store)
{
  g_autoptr (GPtrArray) ops = fn_store_list_outbox (store, NULL);
  guint shown = 0;

  page->y += 8;
  paragraph (page, "Sans Bold 13", _("Not yet delivered to the office"), 6);

  for (guint i = 0; ops && i < ops->len; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);
      g_autoptr (FnRecord) record = fn_store_get (store, op->entity, op->record_id, NULL);
      g_autofree char *what = NULL;
      g_autofree char *markup = NULL;
      gboolean rejected = g_str_equal (op->state, "rejected");

      if (!record || op->entity == FN_ENTITY_CONFLICT)
        continue;

      if (FN_IS_NOTE (record))
        {
          g_autoptr (FnRecord) patient = fn_store_get (store, FN_ENTITY_PATIENT,
                                                       fn_note_get_patient_id (FN_NOTE (record)),
                                                       NULL);
          g_autofree char *name = patient ? fn_patient_dup_display_name (FN_PATIENT (patient))
                                          : g_strdup (_("Unknown patient"));
          const char *title = fn_note_get_title (FN_NOTE (record));

          /* Translators: note title, patient name */
          what = g_strdup_printf (_("Note “%s” for %s"), title && *title ? title : _("Untitled"),
                                  name);
        }
      else if (FN_IS_PATIENT (record))
        {
          g_autofree char *name = fn_patient_dup_display_name (FN_PATIENT (record));

          what = g_strdup_printf (_("Patient record of %s"), name);
        }
      else
        {
          what = g_strdup (_("A signature"));
        }

      if (rejected)
        markup = g_markup_printf_escaped ("• %s — <b>%s</b>: %s", what,
                                          _("refused by the office"),
                                          op->last_error ? op->last_error : "");
      else
        markup = g_markup_printf_escaped ("• %s — %s%s", what,
                                          op->deleted ? _("deletion ") : "",
                                          _("waiting to be sent"));
      paragraph (page, "Sans 10", markup, 3);
      shown++;
    }

  if (shown == 0)
    paragraph (page, "Sans 10", _("Everything written on this laptop has reached the office."), 3);
}

/**
 * fn_report_write_day_pdf:
 * @day: the day, in local time
 *
 * Writes the end-of-day report as a PDF file.
 */
gboolean
fn_report_write_day_pdf (FnStore     *store,
                         GDate       *day,
                         const char  *path,
                         GError     **error)
{
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date_text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *user = NULL;
  g_autofree char *made = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  Page page = { 0 };
  char date_buf[128];

  g_return_val_if_fail (FN_IS_STORE (store), FALSE);
  g_return_val_if_fail (g_date_valid (day), FALSE);

  start = g_date_time_new_local (g_date_get_year (day), g_date_get_month (day),
                                 g_date_get_day (day), 0, 0, 0);
  end = g_date_time_add_days (start, 1);
  notes = fn_store_list_notes_between (store, g_date_time_to_unix (start) * 1000,
                                       g_date_time_to_unix (end) * 1000, error);
  if (!notes)
    return FALSE;

  surface = cairo_pdf_surface_create (path, PAGE_W, PAGE_H);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s."), path,
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Field Notes");

  /* Translators: the day of the report, see strftime(): "Friday 27 November 2026". */
  g_date_strftime (date_buf, sizeof date_buf, _("%A %e %B %Y"), day);
  date_text = g_strdup (g_strstrip (date_buf));
  user = fn_store_get_meta (store, "username");
  page.cr = cairo_create (surface);
  page.footer = g_strdup_printf (_("Field Notes · visits on %s"), date_text);
  new_page (&page);

  title = g_markup_printf_escaped ("<b>%s</b>", date_text);
  paragraph (&page, "Sans 20", _("End-of-day report"), 2);
  paragraph (&page, "Sans 14", title, 4);
  made = g_date_time_format (now, "%Y-%m-%d %H:%M");
  generated = g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u visit · caregiver %s · made %s",
                                                    "%u visits · caregiver %s · made %s",
                                                    notes->len),
                                       notes->len, user ? user : _("not signed in"), made);
  paragraph (&page, "Sans 9", generated, 8);
  rule (&page);

  if (notes->len == 0)
    paragraph (&page, "Sans Italic 10", _("No visits were recorded on this day."), 8);

  for (guint i = 0; i < notes->len; i++)
    draw_visit (&page, store, g_ptr_array_index (notes, i));

  draw_undelivered (&page, store);
  draw_footer (&page);

  cairo_destroy (page.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  g_free (page.footer);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s."), path,
                   cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}
