/* fn-sync-engine.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-sync-engine"

#include "config.h"

#include "fn-sync-engine.h"

#include "fn-connectivity.h"
#include "fn-event-socket.h"
#include "fn-store-private.h"
#include "fn-store.h"
#include "fn-sync-client.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* One run: push the outbox in batches, then pull pages until the server
 * has nothing more, in a worker thread with its own database connection
 * and its own HTTP session. Runs never overlap: a trigger that arrives
 * during a run folds into one follow-up run. Properties change only on the
 * main thread. */

#define PUSH_BATCH 500
#define PULL_PAGE 1000
#define DEBOUNCE_MS 2000
#define BACKOFF_BASE_S 2.0
#define BACKOFF_CAP_S 300.0

struct _FnSyncEngine
{
  GObject parent_instance;

  /* owned */
  FnStore *store;
  FnTokenStore *tokens;
  GCancellable *cancellable;
  char *ca_file;
  char *last_error;
  GPtrArray *current_waiters;
  GPtrArray *next_waiters;
  FnConnectivity *connectivity;
  GBinding *online_binding;
  gulong metered_handler;
  FnEventSocket *events;
  GCancellable *events_cancellable;

  FnSyncEngineState state;
  guint pending;
  guint conflicts;
  guint rejected;
  gint64 last_sync;
  gint64 retry_at;
  gint64 progress_done;
  gint64 progress_remaining;
  guint interval;
  guint attempt;
  guint deferred_uploads;
  guint deferred_downloads;

  guint debounce_id;
  guint retry_id;
  guint interval_id;

  guint running : 1;
  guint rerun : 1;
  guint online : 1;
  guint started : 1;
  guint shut_down : 1;
  guint emitting : 1;
  guint metered : 1;
  guint sync_attachments_metered : 1;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING,
  PROP_CONFLICTS,
  PROP_REJECTED,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  PROP_RETRY_AT,
  PROP_PROGRESS_DONE,
  PROP_PROGRESS_REMAINING,
  PROP_ONLINE,
  PROP_METERED,
  PROP_SYNC_ATTACHMENTS_METERED,
  PROP_DEFERRED_UPLOADS,
  PROP_DEFERRED_DOWNLOADS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (FnSyncEngine, fn_sync_engine, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

GType
fn_sync_engine_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { FN_SYNC_ENGINE_IDLE, "FN_SYNC_ENGINE_IDLE", "idle" },
        { FN_SYNC_ENGINE_SYNCING, "FN_SYNC_ENGINE_SYNCING", "syncing" },
        { FN_SYNC_ENGINE_OFFLINE, "FN_SYNC_ENGINE_OFFLINE", "offline" },
        { FN_SYNC_ENGINE_BACKING_OFF, "FN_SYNC_ENGINE_BACKING_OFF", "backing-off" },
        { FN_SYNC_ENGINE_AUTH_REQUIRED, "FN_SYNC_ENGINE_AUTH_REQUIRED", "auth-required" },
        { FN_SYNC_ENGINE_ERROR, "FN_SYNC_ENGINE_ERROR", "error" },
        { FN_SYNC_ENGINE_SIGNED_OUT, "FN_SYNC_ENGINE_SIGNED_OUT", "signed-out" },
        { 0, NULL, NULL }
      };
      GType id = g_enum_register_static (g_intern_static_string ("FnSyncEngineState"), values);

      g_once_init_leave (&type_id, id);
    }

  return type_id;
}

const char *
fn_sync_engine_state_to_string (FnSyncEngineState state)
{
  GEnumClass *klass = g_type_class_ref (FN_TYPE_SYNC_ENGINE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

/* ---- the worker ---- */

typedef struct
{
  char *data_dir;
  char *ca_file;
  FnTokenStore *tokens;
  GMainContext *main_context;
  GWeakRef engine;
  gboolean defer_attachments;

  guint pushed;
  guint pulled;
  guint rejected;
  guint downloaded;
  guint retry_after;
} Run;

static void
run_free (Run *run)
{
  g_free (run->data_dir);
  g_free (run->ca_file);
  g_clear_object (&run->tokens);
  g_clear_pointer (&run->main_context, g_main_context_unref);
  g_weak_ref_clear (&run->engine);
  g_free (run);
}

typedef struct
{
  GWeakRef engine;
  gint64 done;
  gint64 remaining;
} Progress;

static void
progress_free (Progress *progress)
{
  g_weak_ref_clear (&progress->engine);
  g_free (progress);
}

static gboolean
progress_cb (gpointer data)
{
  Progress *progress = data;
  g_autoptr (FnSyncEngine) self = g_weak_ref_get (&progress->engine);

  if (!self)
    return G_SOURCE_REMOVE;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->progress_done != progress->done)
    {
      self->progress_done = progress->done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_DONE]);
    }
  if (self->progress_remaining != progress->remaining)
    {
      self->progress_remaining = progress->remaining;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_REMAINING]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  return G_SOURCE_REMOVE;
}

static void
report_progress (Run    *run,
                 gint64  done,
                 gint64  remaining)
{
  Progress *progress = g_new0 (Progress, 1);
  g_autoptr (GObject) engine = g_weak_ref_get (&run->engine);

  g_weak_ref_init (&progress->engine, engine);
  progress->done = done;
  progress->remaining = remaining;
  g_main_context_invoke_full (run->main_context, G_PRIORITY_DEFAULT, progress_cb, progress,
                              (GDestroyNotify)progress_free);
}

static gboolean
push_all (Run           *run,
          FnStore       *store,
          FnSyncClient  *client,
          const char    *device_id,
          GCancellable  *cancellable,
          GError       **error)
{
  /* Each batch either leaves the outbox or stays there; a bound on the
   * number of batches keeps a misbehaving server from looping us. */
  guint max_batches = fn_store_count_pending (store) / PUSH_BATCH + 2;

  for (guint batch = 0; batch < max_batches; batch++)
    {
      g_autoptr (GPtrArray) ops = NULL;
      g_autoptr (JsonArray) results = NULL;
      guint rejected = 0;

      if (!(ops = fn_store_begin_push (store, PUSH_BATCH, run->defer_attachments, error)))
        return FALSE;
      if (ops->len == 0)
        return TRUE;

      g_debug ("pushing %u ops", ops->len);
      results = fn_sync_client_push (client, device_id, ops, cancellable, error);
      if (!results)
        return FALSE;

      if (!fn_store_finish_push (store, ops, results, &rejected, error))
        return FALSE;

      run->pushed += ops->len - rejected;
      run->rejected += rejected;
    }

  return TRUE;
}

/* Pages are fetched by a second thread, with its own HTTP session, while
 * this one applies the page before: the server's work, the transfer and the
 * JSON parsing overlap the database writes. At most two fetched pages wait,
 * so memory stays bounded whatever the size of the feed. */
typedef struct
{
  FnSyncPage *page;
  GError *error;
  guint retry_after;
} Fetched;

static void
fetched_free (Fetched *item)
{
  g_clear_pointer (&item->page, fn_sync_page_free);
  g_clear_error (&item->error);
  g_free (item);
}

typedef struct
{
  char *server;
  char *ca_file;
  char *token;
  char *cursor;
  GCancellable *cancellable;
  GAsyncQueue *pages;
  GMutex lock;
  GCond cond;
  guint queued;
  gboolean stop;
} Fetcher;

static gpointer
fetch_pages (gpointer data)
{
  Fetcher *f = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnSyncClient) client = fn_sync_client_new (f->server, f->ca_file, &error);
  g_autofree char *cursor = g_strdup (f->cursor);
  gboolean last = FALSE;

  if (client)
    fn_sync_client_set_token (client, f->token);

  while (!last)
    {
      Fetched *item = g_new0 (Fetched, 1);
      gboolean stop;

      g_mutex_lock (&f->lock);
      while (f->queued >= 2 && !f->stop)
        g_cond_wait (&f->cond, &f->lock);
      stop = f->stop;
      g_mutex_unlock (&f->lock);

      if (stop)
        {
          fetched_free (item);
          break;
        }

      if (!client)
        item->error = g_error_copy (error);
      else
        {
          item->page = fn_sync_client_pull (client, cursor, PULL_PAGE, f->cancellable,
                                            &item->error);
          item->retry_after = fn_sync_client_get_retry_after (client);
        }

      last = !item->page || !item->page->has_more;
      if (item->page)
        {
          g_free (cursor);
          cursor = g_strdup (item->page->cursor);
        }

      g_mutex_lock (&f->lock);
      f->queued++;
      g_mutex_unlock (&f->lock);
      g_async_queue_push (f->pages, item);
    }

  return NULL;
}

static gboolean
pull_all (Run           *run,
          FnStore       *store,
          const char    *server,
          const char    *token,
          GCancellable  *cancellable,
          GError       **error)
{
  Fetcher f = { 0 };
  GThread *thread;
  gboolean more = TRUE;
  gboolean ok = TRUE;
  gulong cancel_id = 0;

  f.server = (char *)server;
  f.ca_file = run->ca_file;
  f.token = (char *)token;
  f.cursor = fn_store_get_cursor (store);
  f.cancellable = g_cancellable_new ();
  f.pages = g_async_queue_new_full ((GDestroyNotify)fetched_free);
  g_mutex_init (&f.lock);
  g_cond_init (&f.cond);
  if (cancellable)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                                       g_object_ref (f.cancellable), g_object_unref);

  thread = g_thread_new ("fn-sync-fetch", fetch_pages, &f);

  while (more && ok)
    {
      Fetched *item = g_async_queue_pop (f.pages);
      g_autofree char *previous = fn_store_get_cursor (store);
      guint applied = 0;
      gint64 t0 = g_get_monotonic_time ();

      g_mutex_lock (&f.lock);
      f.queued--;
      g_cond_signal (&f.cond);
      g_mutex_unlock (&f.lock);

      if (item->error)
        {
          run->retry_after = item->retry_after;
          g_propagate_error (error, g_steal_pointer (&item->error));
          ok = FALSE;
        }
      else if (!fn_store_apply_pull (store, item->page->changes, item->page->cursor, &applied,
                                     error))
        {
          ok = FALSE;
        }
      else
        {
          g_debug ("page of %u applied in %.0f ms", applied,
                   (g_get_monotonic_time () - t0) / 1000.0);
          run->pulled += applied;
          more = item->page->has_more;
          report_progress (run, run->pulled, item->page->remaining);

          /* A server that says "more" but sends nothing would loop for ever. */
          if (more && applied == 0 && g_strcmp0 (previous, item->page->cursor) == 0)
            {
              g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL,
                           _("The office server keeps announcing more changes without sending "
                             "any. Try again later."));
              ok = FALSE;
            }
        }

      fetched_free (item);
    }

  /* Stop the fetcher (it may be waiting for room, or on the network) and
   * forget what it fetched beyond the point we reached. */
  g_mutex_lock (&f.lock);
  f.stop = TRUE;
  g_cond_signal (&f.cond);
  g_mutex_unlock (&f.lock);
  if (!ok)
    g_cancellable_cancel (f.cancellable);
  g_thread_join (thread);

  if (cancel_id)
    g_cancellable_disconnect (cancellable, cancel_id);
  g_object_unref (f.cancellable);
  g_async_queue_unref (f.pages);
  g_mutex_clear (&f.lock);
  g_cond_clear (&f.cond);
  g_free (f.cursor);

  return ok;
}

/* Signature blobs go up before the ops that name them: the server refuses
 * a signature whose strokes and image it does not have. */
static gboolean
upload_blobs (FnStore       *store,
              FnSyncClient  *client,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr (GPtrArray) hashes = fn_store_list_blobs_to_upload (store, error);

  if (!hashes)
    return FALSE;

  for (guint i = 0; i < hashes->len; i++)
    {
      const char *sha256 = g_ptr_array_index (hashes, i);
      g_autoptr (GBytes) data = fn_store_get_blob (store, sha256, error);

      if (!data || !fn_sync_client_put_blob (client, sha256, data, cancellable, error) ||
          !fn_store_mark_blob_uploaded (store, sha256, error))
        return FALSE;
    }

  return TRUE;
}

/* Signatures pulled from other devices bring only the hashes of their
 * blobs; fetch and check them so the note can show its signature. */
static gboolean
download_blobs (Run           *run,
                FnStore       *store,
                FnSyncClient  *client,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr (GPtrArray) hashes = fn_store_list_missing_blobs (store, error);

  if (!hashes)
    return FALSE;

  for (guint i = 0; i < hashes->len; i++)
    {
      const char *sha256 = g_ptr_array_index (hashes, i);
      g_autoptr (GBytes) data = fn_sync_client_get_blob (client, sha256, cancellable, error);

      if (!data || !fn_store_put_blob (store, sha256, data, TRUE, error))
        return FALSE;
      run->downloaded++;
    }

  return TRUE;
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Run *run = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnSyncClient) client = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *signed_in = NULL;
  g_autofree char *token = NULL;

  store = fn_store_new (run->data_dir, &error);
  if (!store)
    goto out;

  server = fn_store_get_meta (store, "server_url");
  user = fn_store_get_meta (store, "username");
  device_id = fn_store_get_meta (store, "device_id");
  signed_in = fn_store_get_meta (store, "signed_in");

  if (!server || !user || !device_id || g_strcmp0 (signed_in, "true") != 0)
    {
      g_set_error (&error, FN_SYNC_ERROR, FN_SYNC_ERROR_NOT_SIGNED_IN,
                   _("Not signed in to an office server. Your notes stay on this laptop."));
      goto out;
    }

  token = fn_token_store_lookup (run->tokens, server, user, cancellable, &error);
  if (!token)
    {
      if (!error)
        g_set_error (&error, FN_SYNC_ERROR, FN_SYNC_ERROR_AUTH,
                     _("The sign-in for %s was not found on this laptop. Sign in again."),
                     server);
      goto out;
    }

  if (!run->ca_file)
    run->ca_file = fn_store_get_meta (store, "ca_file");
  client = fn_sync_client_new (server, run->ca_file, &error);
  if (!client)
    goto out;
  fn_sync_client_set_token (client, token);

  report_progress (run, 0, 0);

  /* On a metered network, when the caregiver said so, signature blobs
   * neither go up nor come down: the signatures that need them stay in
   * the outbox (push leaves them out) and pulled ones wait for their
   * image, while everything else syncs. */
  if ((!run->defer_attachments && !upload_blobs (store, client, cancellable, &error)) ||
      !push_all (run, store, client, device_id, cancellable, &error) ||
      !pull_all (run, store, server, token, cancellable, &error) ||
      (!run->defer_attachments && !download_blobs (run, store, client, cancellable, &error)) ||
      !fn_store_set_last_sync (store, g_get_real_time () / 1000, &error))
    goto out;

  g_debug ("run done: pushed %u, rejected %u, pulled %u, blobs downloaded %u%s", run->pushed,
           run->rejected, run->pulled, run->downloaded,
           run->defer_attachments ? " (attachments deferred: metered)" : "");

out:
  if (client && !run->retry_after)
    run->retry_after = fn_sync_client_get_retry_after (client);

  if (error)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- the main-thread side ---- */

static void start_run (FnSyncEngine *self);

static void
set_state (FnSyncEngine      *self,
           FnSyncEngineState  state)
{
  if (self->state == state)
    return;

  g_debug ("state %s → %s", fn_sync_engine_state_to_string (self->state),
           fn_sync_engine_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (FnSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_uint (FnSyncEngine *self,
          guint        *field,
          guint         value,
          int           prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int64 (FnSyncEngine *self,
           gint64       *field,
           gint64        value,
           int           prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
defers_attachments (FnSyncEngine *self)
{
  return self->metered && !self->sync_attachments_metered;
}

static void
refresh_counts (FnSyncEngine *self)
{
  gboolean defer = defers_attachments (self);

  g_object_freeze_notify (G_OBJECT (self));
  set_uint (self, &self->pending, fn_store_count_pending (self->store), PROP_PENDING);
  set_uint (self, &self->deferred_uploads,
            defer ? fn_store_count_signatures_to_upload (self->store) : 0,
            PROP_DEFERRED_UPLOADS);
  set_uint (self, &self->deferred_downloads,
            defer ? fn_store_count_signatures_to_download (self->store) : 0,
            PROP_DEFERRED_DOWNLOADS);
  set_uint (self, &self->conflicts, fn_store_count_conflicts (self->store), PROP_CONFLICTS);
  set_uint (self, &self->rejected, fn_store_count_rejected (self->store), PROP_REJECTED);
  set_int64 (self, &self->last_sync, fn_store_get_last_sync (self->store), PROP_LAST_SYNC);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
retry_cb (gpointer data)
{
  FnSyncEngine *self = data;

  self->retry_id = 0;
  set_int64 (self, &self->retry_at, 0, PROP_RETRY_AT);
  fn_sync_engine_sync_now (self);

  return G_SOURCE_REMOVE;
}

/* Exponential backoff with full jitter, never sooner than the server asked. */
static void
schedule_retry (FnSyncEngine *self,
                guint         retry_after)
{
  double cap = MIN (BACKOFF_CAP_S, BACKOFF_BASE_S * (double)(1u << MIN (self->attempt, 16u)));
  double delay = g_random_double_range (BACKOFF_BASE_S / 2, MAX (cap, BACKOFF_BASE_S));
  guint ms;

  delay = MAX (delay, (double)retry_after);
  self->attempt++;
  ms = (guint)(delay * 1000);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (ms, retry_cb, self);
  set_int64 (self, &self->retry_at, g_get_real_time () / 1000 + ms, PROP_RETRY_AT);
  g_debug ("retrying in %.1f s (attempt %u)", delay, self->attempt);
}

static void
finish_waiters (GPtrArray    *waiters,
                const GError *error)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_ptr_array_set_size (waiters, 0);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FnSyncEngine *self = FN_SYNC_ENGINE (source);
  Run *run = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  FnSyncEngineState next = FN_SYNC_ENGINE_IDLE;

  g_task_propagate_boolean (G_TASK (result), &error);
  self->running = FALSE;

  /* The worker wrote through its own connection: tell everyone who shows
   * the main connection's records to read them again. */
  if (run->pushed || run->pulled || run->rejected || run->downloaded)
    {
      self->emitting = TRUE;
      fn_store_emit_changed (self->store, FN_ENTITY_PATIENT, NULL);
      fn_store_emit_changed (self->store, FN_ENTITY_NOTE, NULL);
      fn_store_emit_changed (self->store, FN_ENTITY_CONFLICT, NULL);
      fn_store_emit_changed (self->store, FN_ENTITY_SIGNATURE, NULL);
      self->emitting = FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  refresh_counts (self);

  if (!error)
    {
      self->attempt = 0;
      set_last_error (self, NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    next = self->online ? FN_SYNC_ENGINE_IDLE : FN_SYNC_ENGINE_OFFLINE;
  else
    {
      g_debug ("run failed: %s", error->message);
      set_last_error (self, error->message);

      if (g_error_matches (error, FN_SYNC_ERROR, FN_SYNC_ERROR_AUTH))
        next = FN_SYNC_ENGINE_AUTH_REQUIRED;
      else if (g_error_matches (error, FN_SYNC_ERROR, FN_SYNC_ERROR_NOT_SIGNED_IN))
        next = FN_SYNC_ENGINE_SIGNED_OUT;
      else if (!self->online)
        next = FN_SYNC_ENGINE_OFFLINE;
      else
        {
          next = fn_sync_error_is_transient (error) ? FN_SYNC_ENGINE_BACKING_OFF
                                                    : FN_SYNC_ENGINE_ERROR;
          if (self->started && !self->shut_down)
            schedule_retry (self, run->retry_after);
        }
    }

  set_state (self, next);
  g_object_thaw_notify (G_OBJECT (self));

  finish_waiters (self->current_waiters, error);

  if (self->rerun && !self->shut_down)
    {
      GPtrArray *swap = self->current_waiters;

      self->current_waiters = self->next_waiters;
      self->next_waiters = swap;
      self->rerun = FALSE;
      start_run (self);
    }
}

static void
start_run (FnSyncEngine *self)
{
  g_autoptr (GTask) task = NULL;
  Run *run;

  g_assert (!self->running);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_int64 (self, &self->retry_at, 0, PROP_RETRY_AT);

  run = g_new0 (Run, 1);
  run->data_dir = g_strdup (fn_store_get_data_dir (self->store));
  run->ca_file = g_strdup (self->ca_file);
  run->tokens = g_object_ref (self->tokens);
  run->main_context = g_main_context_ref_thread_default ();
  run->defer_attachments = defers_attachments (self);
  g_weak_ref_init (&run->engine, self);

  self->running = TRUE;
  set_state (self, FN_SYNC_ENGINE_SYNCING);

  task = g_task_new (self, self->cancellable, run_done_cb, NULL);
  g_task_set_source_tag (task, start_run);
  g_task_set_name (task, "[fn-sync-engine] run");
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_worker);
}

static gboolean
debounce_cb (gpointer data)
{
  FnSyncEngine *self = data;

  self->debounce_id = 0;
  fn_sync_engine_sync_now (self);

  return G_SOURCE_REMOVE;
}

static gboolean
interval_cb (gpointer data)
{
  fn_sync_engine_sync_now (FN_SYNC_ENGINE (data));

  return G_SOURCE_CONTINUE;
}

static void
on_store_changed_cb (FnSyncEngine *self,
                     int           entity,
                     const char   *id,
                     FnStore      *store)
{
  if (self->emitting)
    return;

  refresh_counts (self);

  /* A local edit: sync shortly after the caregiver pauses. */
  if (self->started && !self->shut_down)
    {
      g_clear_handle_id (&self->debounce_id, g_source_remove);
      self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
    }
}

/* ---- the server's event socket ---- */

/* The socket lives while the engine is started and signed in: it is
 * opened once a run has succeeded (so the token works) and closed when the
 * laptop goes offline, the sign-in is lost or the engine shuts down. The
 * token lookup may wait for the Secret Service, so it runs in a thread. */

typedef struct
{
  FnTokenStore *tokens;
  char *server;
  char *user;
} EventsLookup;

static void
events_lookup_free (EventsLookup *lookup)
{
  g_clear_object (&lookup->tokens);
  g_free (lookup->server);
  g_free (lookup->user);
  g_free (lookup);
}

static void
events_lookup_worker (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  EventsLookup *lookup = task_data;
  GError *error = NULL;
  char *token = fn_token_store_lookup (lookup->tokens, lookup->server, lookup->user,
                                       cancellable, &error);

  if (error)
    g_task_return_error (task, error);
  else if (!token)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no token");
  else
    g_task_return_pointer (task, token, g_free);
}

static void
stop_events (FnSyncEngine *self)
{
  if (self->events_cancellable)
    g_cancellable_cancel (self->events_cancellable);
  g_clear_object (&self->events_cancellable);

  if (self->events)
    {
      g_debug ("closing the event socket");
      g_signal_handlers_disconnect_by_data (self->events, self);
      fn_event_socket_stop (self->events);
      g_clear_object (&self->events);
    }
}

static gboolean
events_wanted (FnSyncEngine *self)
{
  return self->started && !self->shut_down && self->online &&
         self->state != FN_SYNC_ENGINE_OFFLINE &&
         self->state != FN_SYNC_ENGINE_AUTH_REQUIRED &&
         self->state != FN_SYNC_ENGINE_SIGNED_OUT;
}

static void
on_events_changed_cb (FnEventSocket *events,
                      const char    *cursor,
                      FnSyncEngine  *self)
{
  g_autofree char *ours = fn_store_get_cursor (self->store);

  /* The echo of what this laptop has already pulled (or just pushed and
   * pulled back) needs no run. */
  if (g_strcmp0 (cursor, ours) == 0)
    return;

  g_debug ("the server announces changes");
  fn_sync_engine_sync_now (self);
}

static void
events_lookup_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FnSyncEngine *self = FN_SYNC_ENGINE (source);
  EventsLookup *lookup = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  char *token = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr (FnEventSocket) events = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->events_cancellable);

  if (!token)
    {
      g_debug ("no event socket: %s", error->message);
      return;
    }

  if (events_wanted (self) && !self->events)
    events = fn_event_socket_new (lookup->server, token, self->ca_file, &error);

  /* The socket keeps its own copy; do not leave this one in freed memory. */
  memset (token, 0, strlen (token));
  g_free (token);

  if (!events)
    {
      if (error)
        g_debug ("no event socket: %s", error->message);
      return;
    }

  g_debug ("opening the event socket");
  self->events = g_steal_pointer (&events);
  g_signal_connect (self->events, "changed", G_CALLBACK (on_events_changed_cb), self);
  fn_event_socket_start (self->events);
}

static void
start_events (FnSyncEngine *self)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *signed_in = NULL;
  EventsLookup *lookup;

  if (self->events || self->events_cancellable || !events_wanted (self))
    return;

  signed_in = fn_store_get_meta (self->store, "signed_in");
  if (g_strcmp0 (signed_in, "true") != 0)
    return;

  lookup = g_new0 (EventsLookup, 1);
  lookup->tokens = g_object_ref (self->tokens);
  lookup->server = fn_store_get_meta (self->store, "server_url");
  lookup->user = fn_store_get_meta (self->store, "username");
  if (!lookup->server || !lookup->user)
    {
      events_lookup_free (lookup);
      return;
    }

  self->events_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->events_cancellable, events_lookup_cb, NULL);
  g_task_set_source_tag (task, start_events);
  g_task_set_name (task, "[fn-sync-engine] event socket token");
  g_task_set_task_data (task, lookup, (GDestroyNotify)events_lookup_free);
  g_task_run_in_thread (task, events_lookup_worker);
}

static void
on_events_state_cb (FnSyncEngine *self)
{
  switch (self->state)
    {
    case FN_SYNC_ENGINE_IDLE:
      start_events (self);
      break;

    case FN_SYNC_ENGINE_OFFLINE:
    case FN_SYNC_ENGINE_AUTH_REQUIRED:
    case FN_SYNC_ENGINE_SIGNED_OUT:
      stop_events (self);
      break;

    case FN_SYNC_ENGINE_SYNCING:
    case FN_SYNC_ENGINE_BACKING_OFF:
    case FN_SYNC_ENGINE_ERROR:
    default:
      break;
    }
}

/* Deferring has just stopped or started: the counts follow, and what was
 * held back goes at once rather than on the next timer. */
static void
attachments_policy_changed (FnSyncEngine *self,
                            gboolean      deferred_before)
{
  gboolean waiting = self->deferred_uploads > 0 || self->deferred_downloads > 0;

  if (defers_attachments (self) == deferred_before)
    return;

  g_debug ("attachments %s", deferred_before ? "sync again" : "wait for an unmetered network");
  refresh_counts (self);

  if (deferred_before && waiting && self->started && !self->shut_down)
    fn_sync_engine_sync_now (self);
}

static void
on_metered_changed_cb (FnSyncEngine *self)
{
  gboolean metered = self->connectivity && fn_connectivity_get_metered (self->connectivity);
  gboolean deferred;

  if (self->metered == metered)
    return;

  deferred = defers_attachments (self);
  self->metered = metered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METERED]);
  attachments_policy_changed (self, deferred);
}

static void
fn_sync_engine_dispose (GObject *object)
{
  FnSyncEngine *self = (FnSyncEngine *)object;

  fn_sync_engine_shutdown (self);
  if (self->online_binding)
    g_binding_unbind (g_steal_pointer (&self->online_binding));
  if (self->connectivity)
    g_clear_signal_handler (&self->metered_handler, self->connectivity);
  g_clear_object (&self->connectivity);
  g_clear_object (&self->tokens);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fn_sync_engine_parent_class)->dispose (object);
}

static void
fn_sync_engine_finalize (GObject *object)
{
  FnSyncEngine *self = (FnSyncEngine *)object;

  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->current_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (fn_sync_engine_parent_class)->finalize (object);
}

static void
fn_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FnSyncEngine *self = FN_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;

    case PROP_CONFLICTS:
      g_value_set_uint (value, self->conflicts);
      break;

    case PROP_REJECTED:
      g_value_set_uint (value, self->rejected);
      break;

    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_RETRY_AT:
      g_value_set_int64 (value, self->retry_at);
      break;

    case PROP_PROGRESS_DONE:
      g_value_set_int64 (value, self->progress_done);
      break;

    case PROP_PROGRESS_REMAINING:
      g_value_set_int64 (value, self->progress_remaining);
      break;

    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;

    case PROP_METERED:
      g_value_set_boolean (value, self->metered);
      break;

    case PROP_SYNC_ATTACHMENTS_METERED:
      g_value_set_boolean (value, self->sync_attachments_metered);
      break;

    case PROP_DEFERRED_UPLOADS:
      g_value_set_uint (value, self->deferred_uploads);
      break;

    case PROP_DEFERRED_DOWNLOADS:
      g_value_set_uint (value, self->deferred_downloads);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_sync_engine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FnSyncEngine *self = FN_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      fn_sync_engine_set_online (self, g_value_get_boolean (value));
      break;

    case PROP_SYNC_ATTACHMENTS_METERED:
      fn_sync_engine_set_sync_attachments_metered (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_sync_engine_class_init (FnSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fn_sync_engine_dispose;
  object_class->finalize = fn_sync_engine_finalize;
  object_class->get_property = fn_sync_engine_get_property;
  object_class->set_property = fn_sync_engine_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FN_TYPE_SYNC_ENGINE_STATE, FN_SYNC_ENGINE_IDLE, ro);
  properties[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CONFLICTS] = g_param_spec_uint ("conflicts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_REJECTED] = g_param_spec_uint ("rejected", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_RETRY_AT] = g_param_spec_int64 ("retry-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PROGRESS_DONE] =
    g_param_spec_int64 ("progress-done", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PROGRESS_REMAINING] =
    g_param_spec_int64 ("progress-remaining", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_METERED] = g_param_spec_boolean ("metered", NULL, NULL, FALSE, ro);
  properties[PROP_SYNC_ATTACHMENTS_METERED] =
    g_param_spec_boolean ("sync-attachments-metered", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFERRED_UPLOADS] =
    g_param_spec_uint ("deferred-uploads", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_DEFERRED_DOWNLOADS] =
    g_param_spec_uint ("deferred-downloads", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fn_sync_engine_init (FnSyncEngine *self)
{
  self->cancellable = g_cancellable_new ();
  self->current_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->online = TRUE;
  self->sync_attachments_metered = TRUE;
  self->interval = 300;
}

/**
 * fn_sync_engine_new:
 * @store: the main thread's store; the engine opens its own connection to
 *   the same database for its runs
 *
 * Returns: (transfer full): an engine that syncs only when asked until
 *   fn_sync_engine_start() is called
 */
FnSyncEngine *
fn_sync_engine_new (FnStore      *store,
                    FnTokenStore *tokens)
{
  FnSyncEngine *self;
  g_autofree char *signed_in = NULL;

  g_return_val_if_fail (FN_IS_STORE (store), NULL);
  g_return_val_if_fail (FN_IS_TOKEN_STORE (tokens), NULL);

  self = g_object_new (FN_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->tokens = g_object_ref (tokens);

  signed_in = fn_store_get_meta (store, "signed_in");
  self->state = g_strcmp0 (signed_in, "true") == 0 ? FN_SYNC_ENGINE_IDLE
                                                   : FN_SYNC_ENGINE_SIGNED_OUT;

  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  refresh_counts (self);

  return self;
}

FnSyncEngineState
fn_sync_engine_get_state (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), FN_SYNC_ENGINE_IDLE);

  return self->state;
}

guint
fn_sync_engine_get_pending (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), 0);

  return self->pending;
}

guint
fn_sync_engine_get_conflicts (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), 0);

  return self->conflicts;
}

guint
fn_sync_engine_get_rejected (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), 0);

  return self->rejected;
}

/**
 * fn_sync_engine_get_last_sync:
 *
 * Returns: Unix milliseconds of the last complete run, 0 for never
 */
gint64
fn_sync_engine_get_last_sync (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), 0);

  return self->last_sync;
}

/**
 * fn_sync_engine_get_last_error:
 *
 * Returns: (nullable): why the last run failed, in words for a caregiver
 */
const char *
fn_sync_engine_get_last_error (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), NULL);

  return self->last_error;
}

/**
 * fn_sync_engine_get_retry_at:
 *
 * Returns: Unix milliseconds of the next retry while backing off, else 0
 */
gint64
fn_sync_engine_get_retry_at (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), 0);

  return self->retry_at;
}

gboolean
fn_sync_engine_get_online (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), FALSE);

  return self->online;
}

/**
 * fn_sync_engine_set_online:
 *
 * What the network says. Going offline stops retrying; coming back online
 * forgets the backoff and syncs at once.
 */
void
fn_sync_engine_set_online (FnSyncEngine *self,
                           gboolean      online)
{
  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  online = !!online;
  if (self->online == online)
    return;

  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);

  self->attempt = 0;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_int64 (self, &self->retry_at, 0, PROP_RETRY_AT);

  if (!online)
    {
      if (!self->running && self->state != FN_SYNC_ENGINE_SIGNED_OUT &&
          self->state != FN_SYNC_ENGINE_AUTH_REQUIRED)
        set_state (self, FN_SYNC_ENGINE_OFFLINE);
    }
  else
    {
      if (self->state == FN_SYNC_ENGINE_OFFLINE)
        set_state (self, FN_SYNC_ENGINE_IDLE);
      if (self->started)
        fn_sync_engine_sync_now (self);
    }
}

void
fn_sync_engine_set_ca_file (FnSyncEngine *self,
                            const char   *ca_file)
{
  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  g_free (self->ca_file);
  self->ca_file = (ca_file && *ca_file) ? g_strdup (ca_file) : NULL;
}

/**
 * fn_sync_engine_set_interval:
 * @seconds: the periodic sync interval; 0 turns the timer off
 */
void
fn_sync_engine_set_interval (FnSyncEngine *self,
                             guint         seconds)
{
  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  self->interval = seconds;
  g_clear_handle_id (&self->interval_id, g_source_remove);
  if (self->started && !self->shut_down && seconds > 0)
    self->interval_id = g_timeout_add_seconds (seconds, interval_cb, self);
}

/**
 * fn_sync_engine_start:
 *
 * Syncs now, then on local changes, on the timer and when the network
 * returns.
 */
void
fn_sync_engine_start (FnSyncEngine *self)
{
  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  if (self->started)
    return;

  self->started = TRUE;
  g_signal_connect (self, "notify::state", G_CALLBACK (on_events_state_cb), NULL);
  fn_sync_engine_set_interval (self, self->interval);
  fn_sync_engine_sync_now (self);
}

/**
 * fn_sync_engine_shutdown:
 *
 * Cancels a run in progress and stops every timer. The store stays
 * consistent: each page and each push result is one transaction.
 */
void
fn_sync_engine_shutdown (FnSyncEngine *self)
{
  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  self->shut_down = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->interval_id, g_source_remove);
  stop_events (self);
}

static void
sync_now_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  fn_sync_engine_sync_finish (FN_SYNC_ENGINE (source), result, &error);
}

/**
 * fn_sync_engine_sync_now:
 *
 * Starts a run unless offline, or folds into the follow-up of the one in
 * progress.
 */
void
fn_sync_engine_sync_now (FnSyncEngine *self)
{
  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  if (!self->online || self->shut_down)
    return;

  fn_sync_engine_sync_async (self, NULL, sync_now_done_cb, NULL);
}

/**
 * fn_sync_engine_sync_async:
 *
 * One complete run (push, then pull until nothing is left). When a run is
 * in progress the call completes with the follow-up run.
 */
void
fn_sync_engine_sync_async (FnSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fn_sync_engine_sync_async);
  g_task_set_name (task, "[fn-sync-engine] sync");

  if (self->shut_down)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Sync was stopped."));
      return;
    }

  g_clear_handle_id (&self->debounce_id, g_source_remove);

  if (self->running)
    {
      g_ptr_array_add (self->next_waiters, g_steal_pointer (&task));
      self->rerun = TRUE;
      return;
    }

  g_ptr_array_add (self->current_waiters, g_steal_pointer (&task));
  start_run (self);
}

gboolean
fn_sync_engine_sync_finish (FnSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static char *
device_name (void)
{
  const char *host = g_get_host_name ();

  return g_strdup_printf ("Field Notes on %s", host ? host : "a laptop");
}

/**
 * fn_sync_sign_in:
 *
 * Signs in to @server_url (blocking: call it from a worker or the CLI),
 * keeps the token in @tokens and ties the store to that server and user.
 * A demo store, or a store that belongs to someone else, is refused.
 */
gboolean
fn_sync_sign_in (FnStore       *store,
                 FnTokenStore  *tokens,
                 const char    *server_url,
                 const char    *username,
                 const char    *password,
                 const char    *ca_file,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr (FnSyncClient) client = NULL;
  g_autoptr (FnSyncLogin) login = NULL;
  g_autofree char *old_server = NULL;
  g_autofree char *old_user = NULL;
  g_autofree char *old_device = NULL;
  g_autofree char *name = device_name ();

  g_return_val_if_fail (FN_IS_STORE (store), FALSE);
  g_return_val_if_fail (FN_IS_TOKEN_STORE (tokens), FALSE);

  if (fn_store_is_demo (store))
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_DEMO_STORE,
                   _("This data folder holds demo data, which must never reach an office. "
                     "Sign in with an empty data folder."));
      return FALSE;
    }

  old_server = fn_store_get_meta (store, "server_url");
  old_user = fn_store_get_meta (store, "username");
  if ((old_server && g_strcmp0 (old_server, server_url) != 0) ||
      (old_user && g_strcmp0 (old_user, username) != 0))
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_REFUSED,
                   _("This data folder belongs to %s at %s; it keeps their changes until they "
                     "sign in again. Use another data folder for another account."),
                   old_user, old_server);
      return FALSE;
    }

  if (!(client = fn_sync_client_new (server_url, ca_file, error)))
    return FALSE;

  old_device = fn_store_get_meta (store, "device_id");
  login = fn_sync_client_login (client, username, password, name, old_device, cancellable,
                                error);
  if (!login)
    return FALSE;

  if (!fn_token_store_save (tokens, server_url, username, login->token, cancellable, error))
    {
      /* The server must not keep a session nobody can use or revoke. */
      fn_sync_client_logout (client, NULL, NULL);
      return FALSE;
    }

  return fn_store_set_meta (store, "server_url", server_url, error) &&
         fn_store_set_meta (store, "ca_file", ca_file && *ca_file ? ca_file : NULL, error) &&
         fn_store_set_meta (store, "username", username, error) &&
         fn_store_set_meta (store, "user_id", login->user_id, error) &&
         fn_store_set_meta (store, "role", login->role, error) &&
         fn_store_set_meta (store, "device_id", login->device_id, error) &&
         fn_store_set_meta (store, "signed_in", "true", error);
}

/**
 * fn_sync_sign_out:
 *
 * Revokes the session on the server when it can be reached and forgets the
 * token. Waiting changes stay in the store for the next sign-in of the
 * same user.
 */
gboolean
fn_sync_sign_out (FnStore       *store,
                  FnTokenStore  *tokens,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *server = fn_store_get_meta (store, "server_url");
  g_autofree char *user = fn_store_get_meta (store, "username");
  g_autofree char *ca_file = fn_store_get_meta (store, "ca_file");
  g_autofree char *token = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (FN_IS_STORE (store), FALSE);

  if (!server || !user)
    return fn_store_set_meta (store, "signed_in", "false", error);

  token = fn_token_store_lookup (tokens, server, user, cancellable, NULL);
  if (token)
    {
      /* The organisation's CA from sign-in, or the revocation fails and
       * the session stays valid on the server. */
      g_autoptr (FnSyncClient) client = fn_sync_client_new (server, ca_file, NULL);

      if (client)
        {
          fn_sync_client_set_token (client, token);
          if (!fn_sync_client_logout (client, cancellable, &local_error))
            g_debug ("Could not revoke the session on the server: %s", local_error->message);
        }
    }

  if (!fn_token_store_clear (tokens, server, user, cancellable, error))
    return FALSE;

  return fn_store_set_meta (store, "signed_in", "false", error);
}

/**
 * fn_sync_engine_watch_connectivity:
 * @connectivity: (nullable): where the engine learns whether it is online,
 *   or %NULL to stop following one
 *
 * Follows @connectivity's "online" from now on (see
 * fn_sync_engine_set_online()), and keeps it for fn_sync_engine_get_metered().
 */
void
fn_sync_engine_watch_connectivity (FnSyncEngine   *self,
                                   FnConnectivity *connectivity)
{
  g_return_if_fail (FN_IS_SYNC_ENGINE (self));
  g_return_if_fail (!connectivity || FN_IS_CONNECTIVITY (connectivity));

  if (self->connectivity == connectivity)
    return;

  if (self->online_binding)
    g_binding_unbind (g_steal_pointer (&self->online_binding));
  if (self->connectivity)
    g_clear_signal_handler (&self->metered_handler, self->connectivity);
  g_set_object (&self->connectivity, connectivity);

  if (connectivity)
    {
      self->online_binding = g_object_bind_property (connectivity, "online", self, "online",
                                                     G_BINDING_SYNC_CREATE);
      self->metered_handler = g_signal_connect_swapped (connectivity, "notify::metered",
                                                        G_CALLBACK (on_metered_changed_cb),
                                                        self);
    }
  on_metered_changed_cb (self);
}

/**
 * fn_sync_engine_get_metered:
 *
 * Returns: whether the watched connectivity says the network costs by the
 *   byte; %FALSE without one
 */
gboolean
fn_sync_engine_get_metered (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), FALSE);

  return self->metered;
}

/**
 * fn_sync_engine_set_sync_attachments_metered:
 * @sync: whether signature blobs may go up and come down on a metered
 *   network (the default)
 *
 * With @sync %FALSE and a metered network, runs leave the blobs alone:
 * signatures whose blobs the server lacks stay pending in the outbox,
 * untouched, and pulled signatures wait for their image; everything else
 * syncs. When that stops (the network is no longer metered, or @sync
 * becomes %TRUE) and something waits, a run starts.
 */
void
fn_sync_engine_set_sync_attachments_metered (FnSyncEngine *self,
                                             gboolean      sync)
{
  gboolean deferred;

  g_return_if_fail (FN_IS_SYNC_ENGINE (self));

  sync = !!sync;
  if (self->sync_attachments_metered == sync)
    return;

  deferred = defers_attachments (self);
  self->sync_attachments_metered = sync;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ATTACHMENTS_METERED]);
  attachments_policy_changed (self, deferred);
}

gboolean
fn_sync_engine_get_sync_attachments_metered (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), TRUE);

  return self->sync_attachments_metered;
}

/**
 * fn_sync_engine_get_defers_attachments:
 *
 * Returns: whether runs leave signature blobs alone now: the network is
 *   metered and #FnSyncEngine:sync-attachments-metered is %FALSE
 */
gboolean
fn_sync_engine_get_defers_attachments (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), FALSE);

  return defers_attachments (self);
}

/**
 * fn_sync_engine_get_deferred_uploads:
 *
 * Returns: how many signatures wait in the outbox for a network that is
 *   not metered (0 while nothing is deferred)
 */
guint
fn_sync_engine_get_deferred_uploads (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), 0);

  return self->deferred_uploads;
}

/**
 * fn_sync_engine_get_deferred_downloads:
 *
 * Returns: how many pulled signatures wait for their image until the
 *   network is not metered (0 while nothing is deferred)
 */
guint
fn_sync_engine_get_deferred_downloads (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), 0);

  return self->deferred_downloads;
}

/**
 * fn_sync_engine_get_event_socket:
 *
 * Returns: (transfer none) (nullable): the socket on which the server
 *   announces changes, while the engine has one open or opening
 */
FnEventSocket *
fn_sync_engine_get_event_socket (FnSyncEngine *self)
{
  g_return_val_if_fail (FN_IS_SYNC_ENGINE (self), NULL);

  return self->events;
}
