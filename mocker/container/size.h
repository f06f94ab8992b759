/* Disk use for `ps -s`, as Docker's directory.Size: the bytes of every file
 * but directories under a path, a hard-linked file counted once, without
 * crossing into other mounts. */
#ifndef MOCKER_CONTAINER_SIZE_H
#define MOCKER_CONTAINER_SIZE_H

long long ctr_dir_size (const char *path);

#endif
