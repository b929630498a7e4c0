/* fn-mock-auth.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-auth.h"

#include <crypt.h>
#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/random.h>

#define TOKEN_BYTES 32

static gboolean
fill_random (guint8  *buffer,
             gsize    length,
             GError **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "cannot read random bytes: %s", g_strerror (saved));
          return FALSE;
        }
      done += n;
    }

  return TRUE;
}

/**
 * fn_mock_password_hash:
 *
 * Hashes @password with yescrypt and a fresh random salt.
 *
 * Returns: (transfer full) (nullable): the "$y$..." hash
 */
char *
fn_mock_password_hash (const char  *password,
                       GError     **error)
{
  guint8 entropy[32];
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  g_autofree struct crypt_data *data = g_new0 (struct crypt_data, 1);
  char *hash;

  if (!fill_random (entropy, sizeof entropy, error))
    return NULL;

  /* Count 0 picks libxcrypt's default cost for yescrypt. */
  if (!crypt_gensalt_rn ("$y$", 0, (const char *)entropy, sizeof entropy, salt, sizeof salt))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot make a password salt: %s",
                   g_strerror (errno));
      return NULL;
    }

  hash = crypt_r (password, salt, data);
  if (!hash || hash[0] == '*')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot hash the password");
      return NULL;
    }

  return g_strdup (hash);
}

/* Compares without an early exit so that timing says nothing. */
static gboolean
equal_constant_time (const char *a,
                     const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = la != lb;

  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guint8)(a[i] ^ b[i]);

  return diff == 0;
}

gboolean
fn_mock_password_verify (const char *password,
                         const char *hash)
{
  g_autofree struct crypt_data *data = g_new0 (struct crypt_data, 1);
  const char *result;

  if (!password || !hash || !*hash)
    return FALSE;

  result = crypt_r (password, hash, data);
  if (!result || result[0] == '*')
    return FALSE;

  return equal_constant_time (result, hash);
}

/**
 * fn_mock_token_new:
 *
 * Returns: (transfer full) (nullable): 32 random bytes as URL-safe base64
 */
char *
fn_mock_token_new (GError **error)
{
  guint8 bytes[TOKEN_BYTES];
  g_autofree char *b64 = NULL;

  if (!fill_random (bytes, sizeof bytes, error))
    return NULL;

  b64 = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  g_strdelimit (b64, "=", '\0');

  return g_strdup (b64);
}

/**
 * fn_mock_token_hash:
 *
 * Returns: (transfer full): the SHA-256 of @token as hex, which is all the
 *   server stores
 */
char *
fn_mock_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}
