#include "mocker/ui/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

static const char *const decimal_units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };

char *
ui_format_size_prec (double bytes, int precision)
{
  size_t i = 0;
  while (bytes >= 1000.0 && i < ARRAY_SIZE (decimal_units) - 1)
    {
      bytes /= 1000.0;
      i++;
    }
  return xasprintf ("%.*g%s", precision, bytes, decimal_units[i]);
}

char *
ui_format_binary_size (double bytes)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  size_t i = 0;
  while (bytes >= 1024.0 && i < ARRAY_SIZE (units) - 1)
    {
      bytes /= 1024.0;
      i++;
    }
  return xasprintf ("%.4g%s", bytes, units[i]);
}

char *
ui_format_labels (yajl_val labels)
{
  char *out = xstrdup ("");
  for (size_t i = 0; labels && YAJL_IS_OBJECT (labels) && i < labels->u.object.len; i++)
    {
      const char *v = YAJL_GET_STRING (labels->u.object.values[i]);
      char *next = xasprintf ("%s%s%s=%s", out, i ? "," : "", labels->u.object.keys[i], v ? v : "");
      free (out);
      out = next;
    }
  return out;
}

char *
ui_format_size (double bytes)
{
  return ui_format_size_prec (bytes, 3);
}

char *
ui_format_duration (double d)
{
  long long seconds = (long long) d;
  if (seconds < 1)
    return xstrdup ("Less than a second");
  if (seconds == 1)
    return xstrdup ("1 second");
  if (seconds < 60)
    return xasprintf ("%lld seconds", seconds);
  long long minutes = (long long) (d / 60);
  if (minutes == 1)
    return xstrdup ("About a minute");
  if (minutes < 60)
    return xasprintf ("%lld minutes", minutes);
  long long hours = (long long) (d / 3600 + 0.5);
  if (hours == 1)
    return xstrdup ("About an hour");
  if (hours < 48)
    return xasprintf ("%lld hours", hours);
  if (hours < 24 * 7 * 2)
    return xasprintf ("%lld days", hours / 24);
  if (hours < 24 * 30 * 2)
    return xasprintf ("%lld weeks", hours / 24 / 7);
  if (hours < 24 * 365 * 2)
    return xasprintf ("%lld months", hours / 24 / 30);
  return xasprintf ("%lld years", (long long) (d / 3600 / 24 / 365));
}

char *
ui_format_ago (time_t then, time_t now)
{
  double d = now > then ? (double) (now - then) : 0;
  _cleanup_free_ char *s = ui_format_duration (d);
  return xasprintf ("%s ago", s);
}

char *
ui_short_id (const char *id)
{
  if (strncmp (id, "sha256:", 7) == 0)
    id += 7;
  return xstrndup (id, 12);
}
