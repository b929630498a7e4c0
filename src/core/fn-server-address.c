/* fn-server-address.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-server-address"

#include "config.h"

#include "fn-server-address.h"

#include "fn-sync-client.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static gboolean
is_loopback (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (!host)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address && g_inet_address_get_is_loopback (address);
}

/**
 * fn_server_api_uri:
 * @server_url: the server's address, e.g. https://office.example.org
 * @suffix: what follows the contract's base, e.g. "" or "events"
 *
 * Checks @server_url (https, or plain http only to this computer) and
 * builds `{server}/api/v1/{suffix}`, keeping a path prefix (a server behind
 * a reverse proxy) and the brackets of an IPv6 literal.
 *
 * Returns: (transfer full): the URI, or %NULL with @error set
 */
GUri *
fn_server_api_uri (const char  *server_url,
                   const char  *suffix,
                   GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *path = NULL;
  g_autofree char *port = NULL;
  g_autofree char *text = NULL;
  const char *scheme;
  const char *host;
  gboolean v6;

  g_return_val_if_fail (server_url, NULL);

  uri = g_uri_parse (server_url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  host = uri ? g_uri_get_host (uri) : NULL;
  if (!uri || !host || !*host ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_REFUSED,
                   _("“%s” is not a server address. It looks like https://office.example.org."),
                   server_url);
      return NULL;
    }

  if (g_str_equal (scheme, "http") && !is_loopback (host))
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_INSECURE,
                   _("Field Notes only talks to an office server over HTTPS; plain http:// "
                     "is allowed only for a server on this computer."));
      return NULL;
    }

  path = g_strdup (g_uri_get_path (uri) ? g_uri_get_path (uri) : "");
  while (*path && path[strlen (path) - 1] == '/')
    path[strlen (path) - 1] = '\0';
  port = g_uri_get_port (uri) > 0 ? g_strdup_printf (":%d", g_uri_get_port (uri)) : g_strdup ("");
  v6 = strchr (host, ':') != NULL;

  text = g_strdup_printf ("%s://%s%s%s%s%s/api/v1/%s", scheme, v6 ? "[" : "", host,
                          v6 ? "]" : "", port, path, suffix);

  return g_uri_parse (text, G_URI_FLAGS_ENCODED, error);
}

/**
 * fn_server_check_extra_ca:
 * @extra_ca: (nullable): the organisation's CA, trusted in addition to the
 *   system's
 *
 * For a message's "accept-certificate": whether @certificate, refused by
 * the system's trust store, is valid for the message's host under the
 * organisation's CA.
 */
gboolean
fn_server_check_extra_ca (GTlsDatabase    *extra_ca,
                          SoupMessage     *msg,
                          GTlsCertificate *certificate)
{
  GTlsCertificateFlags result;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnectable) identity = NULL;
  GUri *uri = soup_message_get_uri (msg);

  if (!extra_ca)
    return FALSE;

  identity = g_network_address_new (g_uri_get_host (uri), g_uri_get_port (uri));
  result = g_tls_database_verify_chain (extra_ca, certificate,
                                        G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                        identity, NULL, G_TLS_DATABASE_VERIFY_NONE,
                                        NULL, &error);
  g_debug ("Certificate checked against the extra CA: flags %x", result);

  return !error && result == 0;
}
