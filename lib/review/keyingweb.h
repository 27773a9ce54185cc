/*
 * The keying pages of the review application (keyingweb.c), reached from reviewweb.c's
 * route() for every path under /key; see keyingweb.c for the routes.
 */
#ifndef SO_KEYINGWEB_H
#define SO_KEYINGWEB_H

#include <microhttpd.h>

struct call;

/* Answers the request K for URL, /key or a path under it (a session is live; GET when GET,
 * POST when POST). */
enum MHD_Result so_keying_route(struct call *k, const char *url, int get, int post);

#endif
