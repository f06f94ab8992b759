/* Container names (Docker's rules) and generated adjective_surname names. */
#ifndef MOCKER_CONTAINER_NAMES_H
#define MOCKER_CONTAINER_NAMES_H

#include <stdbool.h>

bool ctr_name_valid (const char *name);
/* A random name; attempt > 2 adds a digit (after collisions). Heap. */
char *ctr_name_generate (unsigned attempt);

#endif
