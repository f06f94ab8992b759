build/common/json.o: common/json.c common/json.h common/error.h \
 common/fs.h common/util.h
common/json.h:
common/error.h:
common/fs.h:
common/util.h:
