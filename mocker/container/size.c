#include "mocker/container/size.h"

#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/util.h"

/* nftw has no user pointer: the walk's state (one walk at a time). */
static long long total;
static struct
{
  dev_t dev;
  ino_t ino;
} *seen;
static size_t n_seen, cap_seen;

static int
visit (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void) path, (void) ftw;
  if (type != FTW_F && type != FTW_SL)
    return 0;
  if (st->st_nlink > 1)
    {
      for (size_t i = 0; i < n_seen; i++)
        if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
          return 0;
      if (n_seen == cap_seen)
        {
          cap_seen = cap_seen ? cap_seen * 2 : 64;
          seen = xrealloc (seen, cap_seen * sizeof *seen);
        }
      seen[n_seen].dev = st->st_dev;
      seen[n_seen++].ino = st->st_ino;
    }
  total += st->st_size;
  return 0;
}

long long
ctr_dir_size (const char *path)
{
  total = 0;
  n_seen = 0;
  nftw (path, visit, 32, FTW_PHYS | FTW_MOUNT);
  free (seen);
  seen = NULL;
  cap_seen = 0;
  return total;
}
