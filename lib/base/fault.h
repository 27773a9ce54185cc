/*
 * Fault injection for tests, in the manner of SQLite's and curl's test hooks: a named point in
 * the code asks whether it should fail, and the SOHOA_FAULT environment variable answers.
 *
 *   SOHOA_FAULT="POINT@DETAIL=ACTION[,...]"    e.g. "scan-page@ks.tif#2=crash"
 *
 * ACTION is crash (abort), hang (sleep until killed) or fail (an error return). Without the
 * variable every point is a no-op costing one getenv.
 */
#ifndef SO_FAULT_H
#define SO_FAULT_H

/* 0 normally; -1 with the error set when told to fail; does not return when told to crash
 * or hang. */
int so_fault(const char *point, const char *detail);

#endif
