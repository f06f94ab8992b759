/* `mocker cp` in the light binary: files and trees are copied here
 * (mocker/volume/copy_tree.c); a tar stream (`-`) needs libarchive, so the
 * command is mocker-heavy's (the same argv, before anything was done). */
#include "mocker/commands/container/cp_tar.h"
#include "mocker/mocker.h"

int
cp_tar_here_or_exec (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  return mocker_exec_heavy (ctx, argc, argv, err);
}

/* never reached: cmd_cp asked cp_tar_here_or_exec first */
int
cp_tar_write (int sdir, const char *sname, const char *aname, int out, mk_error **err)
{
  (void) sdir;
  (void) sname;
  (void) aname;
  (void) out;
  return mk_error_set (err, 0, "tar streams need mocker-heavy");
}

int
cp_tar_extract (int in, int ddir, mk_error **err)
{
  (void) in;
  (void) ddir;
  return mk_error_set (err, 0, "tar streams need mocker-heavy");
}
