build/common/fs.o: common/fs.c common/fs.h common/error.h common/util.h
common/fs.h:
common/error.h:
common/util.h:
