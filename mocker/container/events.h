/* Container events (`mocker events`): one JSON line per event, Docker's
 * events.Message, appended to <store>/events.log by the commands and the
 * monitor (linked into both: common/ and yajl only).
 *
 *   {"status":"start","id":ID,"from":IMAGE,"Type":"container","Action":"start",
 *    "Actor":{"ID":ID,"Attributes":{"image":IMAGE,"name":NAME,LABELS...,EXTRA...}},
 *    "scope":"local","time":SECONDS,"timeNano":NANOSECONDS}
 *
 * Each line is one write(2) on an O_APPEND descriptor, under the flock of
 * <store>/events.lock, and kept under CTR_EVENT_LINE_MAX bytes (labels are
 * left out of a line that would be longer): readers never see a torn or
 * mixed line.  The log is bounded: a writer finding it over
 * CTR_EVENTS_LOG_MAX bytes ($MOCKER_EVENTS_LOG_MAX overrides) renames it to
 * events.log.1 first (replacing the older one). */
#ifndef MOCKER_CONTAINER_EVENTS_H
#define MOCKER_CONTAINER_EVENTS_H

#define CTR_EVENTS_LOG "events.log"
#define CTR_EVENTS_LOG_OLD "events.log.1"
#define CTR_EVENTS_LOCK "events.lock"
#define CTR_EVENTS_LOG_MAX (1024 * 1024)
#define CTR_EVENT_LINE_MAX 4096

/* Records ACTION of the container in dir (<store>/containers/<id>): its
 * name, image and labels come from its container.json; extra: NULL or
 * key, value, ..., NULL (exitCode, signal, oldName).  A container without a
 * record (never made) records nothing.  Failures are silent: an event lost
 * never fails the operation. */
void ctr_event (const char *store_root, const char *id, const char *dir, const char *action,
                const char *const *extra);

/* Holds <store>/events.lock (an fd to close, -1 on failure): an event
 * recorded with ctr_event_locked while it is held comes before any other
 * (kill is recorded before the monitor can record the die it causes). */
int ctr_events_lock (const char *store_root);
void ctr_event_locked (int lock_fd, const char *store_root, const char *id, const char *dir,
                       const char *action, const char *const *extra);

#endif
