/* SPDX-License-Identifier: Apache-2.0 */
/* Messages on stderr, one line each, prefixed with the name of the program
 * that prints them (rp_set_program_name; "redpak" until a program names
 * itself). */
#ifndef REDPAK_LOG_H
#define REDPAK_LOG_H

void rp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* rp_log when verbose > 0: -v prints one line per applied step. */
void rp_vlog(int verbose, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
