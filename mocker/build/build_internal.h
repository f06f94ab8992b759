/* What the files of mocker/build/ share (build.h is the public side). */
#ifndef MOCKER_BUILD_INTERNAL_H
#define MOCKER_BUILD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "mocker/build/build.h"
#include "mocker/build/dockerfile.h"
#include "mocker/build/dockerignore.h"

struct store;
struct layer_created;

/* ---- a small ordered map of strings (smap.c) ------------------------------ */
struct smap
{
  char **keys;
  char **vals;   /* an entry's value may be NULL */
  size_t n;
};
void smap_set (struct smap *m, const char *key, const char *val);
/* Index of key or -1. */
long smap_find (const struct smap *m, const char *key);
void smap_clear (struct smap *m);

/* ---- the image config a stage works on (config.c) ------------------------- */
struct image_cfg
{
  yajl_val doc;         /* the parsed config of the image (NULL: scratch) */
  char *user, *workdir, *stopsignal, *author;
  char **env, **cmd, **entrypoint, **shell, **onbuild;  /* NULL: null / unset */
  struct smap labels, exposed, volumes;
  char *healthcheck;    /* JSON text of Healthcheck, or NULL */
};
void image_cfg_clear (struct image_cfg *c);
int image_cfg_load (struct store *s, const char *id, struct image_cfg *out, mk_error **err);
/* The config bytes of the next image: c with one more history entry
 * (created_by; empty_layer when new_diff_id is NULL) and diff_id.  With
 * created_by NULL no history entry is added (the empty image of scratch). */
char *image_cfg_generate (const struct image_cfg *c, const char *created, const char *created_by,
                          const char *new_diff_id);
/* The value of KEY in an env list, or NULL. */
const char *env_get (char *const *env, const char *key);
void env_set (char ***env, const char *key, const char *val);

/* ---- the cache (cache.c) ---------------------------------------------------- */
/* key: the step's text (parent id + instruction + checksums); the image id
 * recorded for it when it still exists, else NULL. */
char *build_cache_get (struct store *s, const char *key);
void build_cache_put (struct store *s, const char *key, const char *image_id);

/* ---- the builder ---------------------------------------------------------- */
struct bstage
{
  char *name;           /* lower-cased `AS` name, or NULL */
  int index;
  char *image_id;       /* NULL: scratch with nothing yet */
  struct image_cfg cfg;
  struct smap args;     /* the ARGs declared in this stage and their values */
  bool cmd_set;         /* a CMD in this stage (ENTRYPOINT then keeps Cmd) */
};

struct builder
{
  struct store *s;
  const struct build_options *o;
  struct dockerfile *df;
  const char *dfname;
  int step, steps;      /* Step N/M */
  struct smap build_args;   /* --build-arg (value NULL: unset) */
  struct smap used_args;    /* which were consumed */
  struct smap meta_args;    /* ARGs before the first FROM */
  struct bstage *stages;
  size_t n_stages;
  struct dockerignore *ignore;
  int context_fd;       /* -1: no context */
};

/* "Dockerfile line N: " prefixed error. */
int build_fail (struct builder *b, const struct df_instr *ins, mk_error **err, const char *fmt,
                ...) __attribute__ ((format (printf, 4, 5)));
/* Prefixes "Dockerfile line N: <what>: " to *err. */
int build_wrap (struct builder *b, const struct df_instr *ins, mk_error **err, const char *fmt,
                ...) __attribute__ ((format (printf, 4, 5)));
/* (Re)installs the build's handlers of ^C and friends (a RUN's wait resets them). */
void build_signals_catch (void);
/* The signal that interrupted the build, or 0. */
int build_interrupted (void);
/* Lookup for the stage's expansion (ENV first, then its ARGs). */
const char *stage_lookup (const char *name, void *opaque);
/* The stage's ARGs with a value, and the predefined proxy args given, as
 * KEY=VALUE for RUN's environment (ENV wins over them). */
char **stage_run_env (struct builder *b, struct bstage *st, bool proxies);

/* The cache key of a step described by text, on the stage's image. */
char *step_key (struct bstage *st, const char *text);
/* The step's cache: on a hit the stage moves to the cached image (prints
 * "Using cache") and 1 is returned; 0: build it. */
int step_cached (struct builder *b, struct bstage *st, const char *key);
/* Commits the stage's config (and lc's layer when not NULL) as the next
 * image, records it in the cache under key, prints its id. */
int step_commit (struct builder *b, struct bstage *st, const char *key, const char *created_by,
                 const struct layer_created *lc, mk_error **err);
/* The registered image of the stage (registering the empty image of
 * scratch when it has none yet). */
int stage_image (struct builder *b, struct bstage *st, mk_error **err);

/* RUN (run.c). */
int build_run_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                    mk_error **err);
/* COPY and ADD (copy.c). */
int build_copy_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                     bool add, mk_error **err);
/* WORKDIR (copy.c): the directory is made when the image lacks it. */
int build_workdir_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                        mk_error **err);
/* A container of the stage's image that never runs, its rootfs mounted
 * (COPY, ADD, WORKDIR write into it); its upper directory becomes the
 * step's layer (run.c). */
struct container;
int step_container_new (struct builder *b, struct bstage *st, struct container **out,
                        mk_error **err);
/* Packs the container's upper directory into *lc (no layer when empty and
 * allow_empty is false: *made false) and removes the container. */
int step_container_finish (struct builder *b, struct bstage *st, struct container *c,
                           bool allow_empty, bool *made, struct layer_created *lc,
                           mk_error **err);
/* Removes a step container (unmount, runtime state, files). */
void step_container_remove (struct builder *b, struct container *c, bool teardown);
/* The other instructions (instr.c): 1 when ins was not one of them. */
int build_meta_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                     mk_error **err);

#endif
