/* fn-sync-status.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fn-core.h"

G_BEGIN_DECLS

/* What the sync indicator shows: a snapshot of the engine's properties. */
typedef struct
{
  FnSyncEngineState state;
  guint             pending;
  guint             conflicts;
  guint             rejected;
  gint64            last_sync;           /* Unix ms, 0 for never */
  gint64            retry_at;            /* Unix ms, 0 for none */
  gint64            progress_done;
  gint64            progress_remaining;
  guint             deferred_uploads;    /* signatures held back: metered */
  guint             deferred_downloads;  /* signature images not fetched: metered */
} FnSyncSnapshot;

void        fn_sync_snapshot_from_engine (FnSyncSnapshot       *snapshot,
                                          FnSyncEngine         *engine);
char       *fn_sync_status_short_text    (const FnSyncSnapshot *snapshot,
                                          gint64                now_ms);
char       *fn_sync_status_long_text     (const FnSyncSnapshot *snapshot,
                                          gint64                now_ms);
const char *fn_sync_status_icon_name     (const FnSyncSnapshot *snapshot);
char       *fn_sync_format_ago           (gint64                then_ms,
                                          gint64                now_ms);

const char *fn_sync_state_icon_name      (FnSyncState           state);
const char *fn_sync_state_description    (FnSyncState           state);
void        fn_sync_state_apply_to_image (FnSyncState           state,
                                          GtkImage             *image);

G_END_DECLS
