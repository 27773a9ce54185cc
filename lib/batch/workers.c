/* Exit codes, clean stops and the worker pool (see workers.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "batch/workers.h"

/* Signals ---------------------------------------------------------------------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	if (!got_signal)
		got_signal = sig;
}

void so_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int so_signal_received(void)
{
	return got_signal;
}

int so_signal_exit_code(int sig)
{
	return sig == SIGTERM ? SO_EXIT_SIGTERM : SO_EXIT_SIGINT;
}

/* Workers ---------------------------------------------------------------------------------- */

int so_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int exit_rank(int code)
{
	switch (code) {
	case SO_EXIT_SIGINT:
	case SO_EXIT_SIGTERM: return 5;
	case SO_EXIT_ENV: return 4;
	case SO_EXIT_USAGE: return 3;
	case SO_EXIT_PARTIAL: return 2;
	case SO_EXIT_OK: return 0;
	default: return 1;
	}
}

static pid_t spawn(int (*fn)(void *), void *ctx)
{
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		/* a worker does not outlive its supervisor: a run killed whole leaves no one
		 * working, and its units go back to the queue */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(SO_EXIT_ENV);
		int code = fn(ctx);
		fflush(stdout);
		fflush(stderr);
		_exit(code);
	}
	return pid;
}

int so_workers_run(const struct so_workers *w)
{
	int n = w->n < 1 ? 1 : w->n;
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	if (!pids) {
		so_log_err("out of memory");
		return SO_EXIT_ENV;
	}
	int worst = SO_EXIT_OK, running = 0, respawns = 0, forwarded = 0;
	for (int i = 0; i < n; i++) {
		pids[i] = spawn(w->work, w->ctx);
		if (pids[i] < 0) {
			so_log_err("cannot start a worker process: %s", strerror(errno));
			worst = SO_EXIT_ENV;
			break;
		}
		running++;
	}
	while (running > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno != EINTR)
			break;
		if (pid <= 0) {
			int sig = so_signal_received();
			if (sig && !forwarded) {
				for (int i = 0; i < n; i++)
					if (pids[i] > 0)
						kill(pids[i], sig);
				forwarded = 1;
			}
			if (w->tick)
				w->tick(w->ctx);
			struct timespec ts = { 0, 200 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			continue;
		}
		int slot = -1;
		for (int i = 0; i < n; i++)
			if (pids[i] == pid)
				slot = i;
		if (slot < 0)
			continue;
		pids[slot] = 0;
		running--;
		int code;
		if (WIFEXITED(status)) {
			code = WEXITSTATUS(status);
		} else {
			int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
			code = SO_EXIT_PARTIAL;
			if ((sig == SIGINT || sig == SIGTERM) && so_signal_received()) {
				code = so_signal_exit_code(sig);
			} else {
				char reason[96];
				if (sigabbrev_np(sig))
					snprintf(reason, sizeof(reason), "killed by SIG%s", sigabbrev_np(sig));
				else
					snprintf(reason, sizeof(reason), "killed by signal %d", sig);
				so_log_msg("a worker process was %s; its unit is taken back", reason);
				if (w->crashed)
					w->crashed(w->ctx, (long)pid, reason);
				if (!so_signal_received() && respawns < 10 * n) {
					pids[slot] = spawn(w->work, w->ctx);
					if (pids[slot] > 0) {
						running++;
						respawns++;
					} else {
						pids[slot] = 0;
					}
				}
			}
		}
		if (exit_rank(code) > exit_rank(worst))
			worst = code;
	}
	if (w->tick)
		w->tick(w->ctx);
	free(pids);
	return worst;
}
