#define _GNU_SOURCE
#include "child_spawn.h"

#include <fcntl.h>
#include <spawn.h>
#include <errno.h>
#include <unistd.h>

extern char **environ;

int gatehouse_child_spawn(pid_t *pid, const char *path, char *const argv[], const char *cwd,
                          int stdout_fd, int stderr_fd) {
    posix_spawn_file_actions_t actions;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    if ((rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)) != 0) goto done;
    if ((rc = posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1)) != 0) goto done;
    if ((rc = posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2)) != 0) goto done;
    // glibc 2.34+: close everything else, whatever other test threads opened meanwhile.
    if ((rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) != 0) goto done;
    if (cwd != NULL && (rc = posix_spawn_file_actions_addchdir_np(&actions, cwd)) != 0) goto done;
    rc = posix_spawn(pid, path, &actions, NULL, argv, environ);
done:
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

int gatehouse_child_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}
