/* Drops from a container's capability sets those missing from mocker's own
 * bounding set (a capability we lack cannot be granted). */
#ifndef MOCKER_CONTAINER_CAPS_FILTER_H
#define MOCKER_CONTAINER_CAPS_FILTER_H

#include "spec/spec.h"

void caps_filter_bounding (struct spec_capabilities *c);

#endif
