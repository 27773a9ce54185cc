/*
 * What reviewweb.c lends the pages written in other files of the review application (the
 * keying pages, keyingweb.c): the request's store, reviewer, language, query and form, the
 * one way text gets into a page, and the answers. K is the request being answered, valid
 * during the route's call only.
 */
#ifndef SO_REVIEWWEB_INTERNAL_H
#define SO_REVIEWWEB_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

#include "batch/store.h"

struct call;
struct so_keying_policy;

struct so_store *so_web_store(const struct call *k);
const struct so_keying_policy *so_web_keying_policy(const struct call *k);
/* The signed-in reviewer. */
const char *so_web_user(const struct call *k);
/* 1 when the page speaks English, 0 Vietnamese. */
int so_web_english(const struct call *k);
/* A query argument or a POST form field (one of the server's known form keys), or NULL. */
const char *so_web_query(const struct call *k, const char *name);
const char *so_web_form(const struct call *k, const char *name);
/* 1 when the form's csrf is the session's. */
int so_web_csrf_ok(const struct call *k);
/* 1 when S is valid UTF-8 without control characters and at most MAX bytes. */
int so_web_text_ok(const char *s, size_t max);
/* The part of a two-language message ("vi — en") in the page's language, into OUT. */
const char *so_web_one_language(const struct call *k, const char *msg, char *out, size_t size);
/* Writes FMT into the page: %s text (escaped), %u a URL query value, %d int, %D int64_t, %f
 * double, %% a percent sign. */
void so_web_put(struct call *k, const char *fmt, ...);
/* The page's head (BODY_CLASS "page-key…" brings keying.js and keying.css) and the signed-in
 * header; PAGE is the path the language link leads back to (a literal). */
void so_web_page_begin(struct call *k, const char *page, const char *title,
		       const char *body_class);
enum MHD_Result so_web_send_page(struct call *k, unsigned status);
/* Sends BODY (taken) as JSON. */
enum MHD_Result so_web_send_json(struct call *k, unsigned status, json_t *body);
int so_web_wants_json(const struct call *k);
/* A problem page, or {"ok": false, "message"} for a script. */
enum MHD_Result so_web_problem(struct call *k, unsigned status, const char *message);
enum MHD_Result so_web_store_error(struct call *k);
enum MHD_Result so_web_not_found(struct call *k);
enum MHD_Result so_web_bad_request(struct call *k);
enum MHD_Result so_web_csrf_refused(struct call *k);
/* N random bytes into BUF: 0 or -1. */
int so_web_random(void *buf, size_t n);

#endif
