/* fn-sync-status.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-sync-status"

#include "config.h"

#include "fn-sync-status.h"

#include <glib/gi18n.h>

/* The words and icons of sync: one place so that the header indicator, its
 * popover, the rows and the tests agree. Every text is a plain string. */

void
fn_sync_snapshot_from_engine (FnSyncSnapshot *snapshot,
                              FnSyncEngine   *engine)
{
  g_return_if_fail (snapshot);
  g_return_if_fail (FN_IS_SYNC_ENGINE (engine));

  snapshot->state = fn_sync_engine_get_state (engine);
  snapshot->pending = fn_sync_engine_get_pending (engine);
  snapshot->conflicts = fn_sync_engine_get_conflicts (engine);
  snapshot->rejected = fn_sync_engine_get_rejected (engine);
  snapshot->last_sync = fn_sync_engine_get_last_sync (engine);
  snapshot->retry_at = fn_sync_engine_get_retry_at (engine);
  snapshot->deferred_uploads = fn_sync_engine_get_deferred_uploads (engine);
  snapshot->deferred_downloads = fn_sync_engine_get_deferred_downloads (engine);
  g_object_get (engine,
                "progress-done", &snapshot->progress_done,
                "progress-remaining", &snapshot->progress_remaining,
                NULL);
}

/**
 * fn_sync_format_ago:
 *
 * Returns: (transfer full): "just now", "2 minutes ago", "3 hours ago",
 *   "2 days ago"
 */
char *
fn_sync_format_ago (gint64 then_ms,
                    gint64 now_ms)
{
  gint64 seconds = MAX (0, (now_ms - then_ms) / 1000);
  int n;

  if (seconds < 60)
    return g_strdup (_("just now"));

  if (seconds < 3600)
    {
      n = (int)(seconds / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", n), n);
    }

  if (seconds < 86400)
    {
      n = (int)(seconds / 3600);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", n), n);
    }

  n = (int)MIN (seconds / 86400, G_MAXINT);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", n), n);
}

/* Changes waiting to be sent, leaving out the signatures that wait on
 * purpose for a network that is not metered. */
static guint
waiting (const FnSyncSnapshot *s)
{
  return s->pending > s->deferred_uploads ? s->pending - s->deferred_uploads : 0;
}

static guint
deferred (const FnSyncSnapshot *s)
{
  return s->deferred_uploads + s->deferred_downloads;
}

static int
seconds_until (gint64 at_ms,
               gint64 now_ms)
{
  if (at_ms <= now_ms)
    return 0;

  return (int)MIN ((at_ms - now_ms + 999) / 1000, G_MAXINT);
}

/**
 * fn_sync_status_short_text:
 *
 * Returns: (transfer full): the few words the header shows, such as
 *   "Synced 2 minutes ago" or "3 changes waiting"
 */
char *
fn_sync_status_short_text (const FnSyncSnapshot *s,
                           gint64                now_ms)
{
  g_return_val_if_fail (s, NULL);

  switch (s->state)
    {
    case FN_SYNC_ENGINE_SYNCING:
      if (s->progress_remaining > 0)
        {
          /* xgettext cannot see through G_GINT64_FORMAT: format the numbers first. */
          g_autofree char *done = g_strdup_printf ("%" G_GINT64_FORMAT, s->progress_done);
          g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                    s->progress_done + s->progress_remaining);

          /* Translators: records received so far, of about how many in all. */
          return g_strdup_printf (_("Syncing… %s of ~%s"), done, total);
        }
      return g_strdup (_("Syncing…"));

    case FN_SYNC_ENGINE_OFFLINE:
      if (s->pending > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Offline — %u change saved on this laptop",
                                             "Offline — %u changes saved on this laptop",
                                             s->pending),
                                s->pending);
      return g_strdup (_("Offline"));

    case FN_SYNC_ENGINE_BACKING_OFF:
      {
        int seconds = seconds_until (s->retry_at, now_ms);

        if (seconds > 0)
          /* Translators: "s" is seconds. */
          return g_strdup_printf (_("Retrying in %d s"), seconds);
        return g_strdup (_("Retrying…"));
      }

    case FN_SYNC_ENGINE_AUTH_REQUIRED:
      return g_strdup (_("Sign in again"));

    case FN_SYNC_ENGINE_ERROR:
      return g_strdup (_("Sync problem"));

    case FN_SYNC_ENGINE_SIGNED_OUT:
      return g_strdup (_("On this laptop only"));

    case FN_SYNC_ENGINE_IDLE:
    default:
      break;
    }

  if (s->conflicts > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conflict", "%u conflicts",
                                         s->conflicts),
                            s->conflicts);
  if (s->rejected > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change refused",
                                         "%u changes refused", s->rejected),
                            s->rejected);
  if (waiting (s) > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waiting",
                                         "%u changes waiting", waiting (s)),
                            waiting (s));
  if (deferred (s) > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u signature waits for an unmetered network",
                                         "%u signatures wait for an unmetered network",
                                         deferred (s)),
                            deferred (s));
  if (s->last_sync > 0)
    {
      g_autofree char *ago = fn_sync_format_ago (s->last_sync, now_ms);

      /* Translators: %s is "just now" or "2 minutes ago". */
      return g_strdup_printf (_("Synced %s"), ago);
    }

  return g_strdup (_("Not synced yet"));
}

/**
 * fn_sync_status_long_text:
 *
 * Returns: (transfer full): a few sentences for the indicator's popover
 */
char *
fn_sync_status_long_text (const FnSyncSnapshot *s,
                          gint64                now_ms)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (s, NULL);

  switch (s->state)
    {
    case FN_SYNC_ENGINE_SYNCING:
      g_string_append (text, _("Sending your changes to the office and receiving theirs."));
      break;

    case FN_SYNC_ENGINE_OFFLINE:
      g_string_append (text, _("There is no network. Everything you write is saved on this "
                               "laptop and is sent when the network returns."));
      break;

    case FN_SYNC_ENGINE_BACKING_OFF:
      g_string_append (text, _("The office server could not be reached. Your changes are "
                               "safe on this laptop, and Field Notes keeps trying."));
      break;

    case FN_SYNC_ENGINE_AUTH_REQUIRED:
      g_string_append (text, _("The office asks you to sign in again. Your changes stay on "
                               "this laptop until you do."));
      break;

    case FN_SYNC_ENGINE_ERROR:
      g_string_append (text, _("Syncing stopped because of a problem. Your changes stay on "
                               "this laptop, and Field Notes tries again later."));
      break;

    case FN_SYNC_ENGINE_SIGNED_OUT:
      g_string_append (text, _("Not signed in to an office server. Your notes stay on this "
                               "laptop."));
      break;

    case FN_SYNC_ENGINE_IDLE:
    default:
      if (s->pending == 0 && s->conflicts == 0 && s->rejected == 0)
        g_string_append (text, _("Everything written on this laptop has reached the office."));
      break;
    }

  if (waiting (s) > 0)
    {
      if (text->len)
        g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u change is saved on this laptop and waits to be sent.",
                                           "%u changes are saved on this laptop and wait to be sent.",
                                           waiting (s)),
                              waiting (s));
    }

  if (deferred (s) > 0)
    {
      if (text->len)
        g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u signature waits for a network that is not metered; "
                                           "notes and other changes sync as usual.",
                                           "%u signatures wait for a network that is not metered; "
                                           "notes and other changes sync as usual.",
                                           deferred (s)),
                              deferred (s));
      g_string_append_c (text, ' ');
      g_string_append (text, _("To sync them on this network, turn on Sync Signatures on "
                               "Metered Networks in Preferences."));
    }

  if (s->conflicts > 0)
    {
      if (text->len)
        g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u note was changed both here and at the office: "
                                           "choose which text to keep.",
                                           "%u notes were changed both here and at the office: "
                                           "choose which text to keep.",
                                           s->conflicts),
                              s->conflicts);
    }

  if (s->last_sync > 0)
    {
      g_autofree char *ago = fn_sync_format_ago (s->last_sync, now_ms);

      g_string_append_c (text, '\n');
      /* Translators: %s is "just now" or "2 minutes ago". */
      g_string_append_printf (text, _("Last synced %s."), ago);
    }

  return g_string_free (text, FALSE);
}

const char *
fn_sync_status_icon_name (const FnSyncSnapshot *s)
{
  g_return_val_if_fail (s, NULL);

  switch (s->state)
    {
    case FN_SYNC_ENGINE_SYNCING:
      return "emblem-synchronizing-symbolic";
    case FN_SYNC_ENGINE_OFFLINE:
      return "network-offline-symbolic";
    case FN_SYNC_ENGINE_BACKING_OFF:
      return "view-refresh-symbolic";
    case FN_SYNC_ENGINE_AUTH_REQUIRED:
      return "dialog-password-symbolic";
    case FN_SYNC_ENGINE_ERROR:
      return "dialog-error-symbolic";
    case FN_SYNC_ENGINE_SIGNED_OUT:
      return "computer-symbolic";
    case FN_SYNC_ENGINE_IDLE:
    default:
      break;
    }

  if (s->conflicts > 0)
    return "dialog-warning-symbolic";
  if (s->rejected > 0)
    return "dialog-error-symbolic";
  if (s->pending > 0 || deferred (s) > 0)
    return "document-send-symbolic";
  return "emblem-ok-symbolic";
}

const char *
fn_sync_state_icon_name (FnSyncState state)
{
  switch (state)
    {
    case FN_SYNC_STATE_PENDING:
      return "document-send-symbolic";
    case FN_SYNC_STATE_CONFLICT:
      return "dialog-warning-symbolic";
    case FN_SYNC_STATE_REJECTED:
      return "dialog-error-symbolic";
    case FN_SYNC_STATE_SYNCED:
    default:
      return "emblem-ok-symbolic";
    }
}

/**
 * fn_sync_state_description:
 *
 * Returns: what a record's marker means, as its tooltip and accessible
 *   description
 */
const char *
fn_sync_state_description (FnSyncState state)
{
  switch (state)
    {
    case FN_SYNC_STATE_PENDING:
      return _("Waiting to sync: saved on this laptop, not yet at the office");
    case FN_SYNC_STATE_CONFLICT:
      return _("Conflict: changed here and at the office; choose which text to keep");
    case FN_SYNC_STATE_REJECTED:
      return _("Refused by the office: kept on this laptop; see the sync status for why");
    case FN_SYNC_STATE_SYNCED:
    default:
      return _("Synced with the office");
    }
}

/* Shows @state on a row's marker: icon, tooltip and accessible
 * description, and a style class, so that colour is never the only cue. */
void
fn_sync_state_apply_to_image (FnSyncState  state,
                              GtkImage    *image)
{
  static const char * const classes[] = { "sync-synced", "sync-pending", "sync-conflict",
                                          "sync-rejected" };
  const char *description = fn_sync_state_description (state);

  g_return_if_fail (GTK_IS_IMAGE (image));

  gtk_image_set_from_icon_name (image, fn_sync_state_icon_name (state));
  gtk_widget_set_tooltip_text (GTK_WIDGET (image), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (i == (guint)state)
        gtk_widget_add_css_class (GTK_WIDGET (image), classes[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (image), classes[i]);
    }
}
