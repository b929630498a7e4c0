/* fn-record-list.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-record-list"

#include "config.h"

#include "fn-record-list.h"

#include "fn-record.h"
#include "fn-store.h"

typedef struct
{
  FnStore *store;
  GPtrArray *items;
} FnRecordListPrivate;

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_ITEMS,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (FnRecordList, fn_record_list, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (FnRecordList)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];

static GType
fn_record_list_get_item_type (GListModel *model)
{
  return FN_TYPE_RECORD;
}

static guint
fn_record_list_get_n_items (GListModel *model)
{
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (FN_RECORD_LIST (model));

  return priv->items->len;
}

static gpointer
fn_record_list_get_item (GListModel *model,
                         guint       position)
{
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (FN_RECORD_LIST (model));

  if (position >= priv->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (priv->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fn_record_list_get_item_type;
  iface->get_n_items = fn_record_list_get_n_items;
  iface->get_item = fn_record_list_get_item;
}

static void
sync_items (FnRecordList *self,
            GPtrArray    *fresh)
{
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) next = g_ptr_array_new_full (fresh->len, g_object_unref);
  GPtrArray *items = priv->items;
  guint old_len = items->len;
  guint prefix = 0;
  guint suffix = 0;

  for (guint i = 0; i < items->len; i++)
    g_hash_table_insert (by_id, (gpointer)fn_record_get_id (g_ptr_array_index (items, i)),
                         g_ptr_array_index (items, i));

  for (guint i = 0; i < fresh->len; i++)
    {
      FnRecord *record = g_ptr_array_index (fresh, i);
      FnRecord *existing = g_hash_table_lookup (by_id, fn_record_get_id (record));

      if (existing)
        fn_record_update_from (existing, record);
      g_ptr_array_add (next, g_object_ref (existing ? existing : record));
    }

  while (prefix < old_len && prefix < next->len &&
         g_ptr_array_index (items, prefix) == g_ptr_array_index (next, prefix))
    prefix++;

  while (suffix < old_len - prefix && suffix < next->len - prefix &&
         g_ptr_array_index (items, old_len - 1 - suffix) ==
           g_ptr_array_index (next, next->len - 1 - suffix))
    suffix++;

  if (prefix == old_len && prefix == next->len)
    return;

  g_clear_pointer (&priv->items, g_ptr_array_unref);
  priv->items = g_steal_pointer (&next);

  g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_len - prefix - suffix,
                              priv->items->len - prefix - suffix);
  if (old_len != priv->items->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
on_store_changed_cb (FnRecordList *self,
                     int           entity,
                     const char   *id,
                     FnStore      *store)
{
  FnRecordListClass *klass = FN_RECORD_LIST_GET_CLASS (self);

  if (!klass->is_affected || klass->is_affected (self, entity, id))
    fn_record_list_reload (self);
}

static void
fn_record_list_constructed (GObject *object)
{
  FnRecordList *self = (FnRecordList *)object;
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);

  G_OBJECT_CLASS (fn_record_list_parent_class)->constructed (object);

  g_assert (FN_IS_STORE (priv->store));

  g_signal_connect_object (priv->store, "changed", G_CALLBACK (on_store_changed_cb),
                           self, G_CONNECT_SWAPPED);
  fn_record_list_reload (self);
}

static void
fn_record_list_dispose (GObject *object)
{
  FnRecordList *self = (FnRecordList *)object;
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);

  g_clear_object (&priv->store);

  G_OBJECT_CLASS (fn_record_list_parent_class)->dispose (object);
}

static void
fn_record_list_finalize (GObject *object)
{
  FnRecordList *self = (FnRecordList *)object;
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);

  g_clear_pointer (&priv->items, g_ptr_array_unref);

  G_OBJECT_CLASS (fn_record_list_parent_class)->finalize (object);
}

static void
fn_record_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FnRecordList *self = FN_RECORD_LIST (object);
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, priv->items->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_record_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FnRecordList *self = FN_RECORD_LIST (object);
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_record_list_class_init (FnRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fn_record_list_constructed;
  object_class->dispose = fn_record_list_dispose;
  object_class->finalize = fn_record_list_finalize;
  object_class->get_property = fn_record_list_get_property;
  object_class->set_property = fn_record_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fn_record_list_init (FnRecordList *self)
{
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);

  priv->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * fn_record_list_get_store:
 *
 * Returns: (transfer none): the store the list follows
 */
FnStore *
fn_record_list_get_store (FnRecordList *self)
{
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);

  g_return_val_if_fail (FN_IS_RECORD_LIST (self), NULL);

  return priv->store;
}

/**
 * fn_record_list_reload:
 *
 * Loads the list again; subclasses call it when their filter changes.
 */
void
fn_record_list_reload (FnRecordList *self)
{
  FnRecordListPrivate *priv = fn_record_list_get_instance_private (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) fresh = NULL;

  g_return_if_fail (FN_IS_RECORD_LIST (self));

  if (!priv->store)
    return;

  fresh = FN_RECORD_LIST_GET_CLASS (self)->load (self, &error);
  if (!fresh)
    {
      /* Keep showing what we had: a failed read must not empty the screen. */
      g_warning ("Could not load the list: %s", error->message);
      return;
    }

  sync_items (self, fresh);
}
