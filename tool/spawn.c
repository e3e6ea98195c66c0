// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

static int wait_for(pid_t pid, int *wstatus)
{
	while (waitpid(pid, wstatus, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int spawn_wait(char *const argv[], int *status, int *err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	int fds[2], child_errno = 0, wstatus;
	ssize_t got;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		*err = errno;
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*err = errno;
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		execvp(argv[0], argv);
		child_errno = errno;
		if (write(fds[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(127);
		_exit(127);
	}
	close(fds[1]);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	/* the pipe closes at exec (no data) or carries exec's errno */
	do
		got = read(fds[0], &child_errno, sizeof(child_errno));
	while (got < 0 && errno == EINTR);
	close(fds[0]);
	if (wait_for(pid, &wstatus) < 0 && got != sizeof(child_errno)) {
		*err = errno;
		got = -1;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (got == sizeof(child_errno)) {
		*err = child_errno;
		return -1;
	}
	if (got < 0)
		return -1;
	if (WIFSIGNALED(wstatus))
		*status = 128 + WTERMSIG(wstatus);
	else
		*status = WEXITSTATUS(wstatus);
	return 0;
}
