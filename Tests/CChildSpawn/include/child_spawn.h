#ifndef GATEHOUSE_CHILD_SPAWN_H
#define GATEHOUSE_CHILD_SPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` (NULL-terminated) and the caller's environment, in `cwd` when it is
/// not NULL. The child's standard input is /dev/null, its standard output and error are
/// `stdout_fd` and `stderr_fd`, and every other descriptor is closed in the child, so a child
/// never holds another child's pipe (or the test runner's) open.
/// Returns 0 and the pid in `*pid`, or an errno value.
int gatehouse_child_spawn(pid_t *pid, const char *path, char *const argv[], const char *cwd,
                          int stdout_fd, int stderr_fd);

/// Creates a pipe whose two ends are close-on-exec; 0 or an errno value.
int gatehouse_child_pipe(int fds[2]);

#endif
