/*
 * Processes at work on a batch: the exit codes every sohoa process returns (a worker's tell
 * its supervisor how it ended, a stage's tell the operator), stopping cleanly on SIGINT or
 * SIGTERM (after the unit in flight), and the pool of forked worker processes a stage
 * supervises — replacing crashed ones, passing a stop signal on.
 */
#ifndef SO_WORKERS_H
#define SO_WORKERS_H

enum {
	SO_EXIT_OK = 0,          /* all done */
	SO_EXIT_USAGE = 1,       /* bad command line */
	SO_EXIT_PARTIAL = 2,     /* some units failed and were recorded; the rest done */
	SO_EXIT_ENV = 3,         /* configuration or environment error */
	SO_EXIT_SIGINT = 130,    /* interrupted by Ctrl-C after a clean stop */
	SO_EXIT_SIGTERM = 143,   /* terminated after a clean stop */
};

/* Stopping cleanly ------------------------------------------------------------------------ */
/* Installs SIGINT/SIGTERM handlers that only record the signal. */
void so_signals_install(void);
/* The signal received (0 if none). */
int so_signal_received(void);
/* The exit code for a stop by that signal (130 or 143). */
int so_signal_exit_code(int sig);

/* Worker processes ------------------------------------------------------------------------ */
/* WORK runs in N forked children while this process waits, calling TICK about five times a
 * second. A child that dies abnormally (a crash, or killed by someone else) is reported to
 * CRASHED with a reason ("killed by SIGSEGV") — so that the unit it held can be counted
 * against — and replaced, a bounded number of times. A stop signal received here is passed on
 * to the children. CTX is the children's own copy after the fork: what a worker needs (its
 * options included) travels there, not through the environment. */
struct so_workers {
	int n;
	int (*work)(void *ctx);
	void (*tick)(void *ctx);                                   /* may be NULL */
	void (*crashed)(void *ctx, long pid, const char *reason);  /* may be NULL */
	void *ctx;
};
/* Returns the worst exit code: an interruption, then 3, then 2 (also for crashed children),
 * then 0. */
int so_workers_run(const struct so_workers *w);
/* The default worker count: the number of online cores. */
int so_cores(void);

#endif
