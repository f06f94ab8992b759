build/mocker-runtime/main.o: mocker-runtime/main.c
