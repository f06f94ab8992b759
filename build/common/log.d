build/common/log.o: common/log.c common/log.h common/error.h \
 common/json.h common/util.h
common/log.h:
common/error.h:
common/json.h:
common/util.h:
