/* The caller's terminal in raw mode while a container's tty is attached
 * (`run -it`, `attach`), and back as it was. */
#ifndef MOCKER_UI_RAWTERM_H
#define MOCKER_UI_RAWTERM_H

/* Puts stdin's terminal in raw mode (output post-processing kept, so our
 * own messages still get \n -> \r\n); nothing when stdin is no terminal. */
void ui_terminal_raw (void);
/* Restores what ui_terminal_raw saved; nothing when it saved nothing. */
void ui_terminal_restore (void);

#endif
