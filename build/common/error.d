build/common/error.o: common/error.c common/error.h common/util.h
common/error.h:
common/util.h:
