/* SPDX-License-Identifier: Apache-2.0 */
/* A node that runs on keeps two processes of redpak's around for its whole
 * life: redwrap (the supervisor) and the node's init. Both ran most of
 * their code once, to build the node; what they run afterwards is a small
 * loop (wait, forward a signal, reap). init always lets go of the rest; the
 * supervisor when its caller asks (rp_run_opts.trim_when_running, which
 * redwrap sets: in another program the pages are that program's too). */
#ifndef REDPAK_TRIM_H
#define REDPAK_TRIM_H

/* How long a node must have run before its supervisor and init let go of
 * the pages of code they ran to build it: a short command ends before
 * that and pays nothing. */
#define RP_TRIM_AFTER_MS 100

/* Unmaps the resident pages of every loaded object's read-only segments
 * (code and constants of the program, libredpak, libc, ...) and returns
 * free heap to the kernel. Those pages are the file's, unchanged: what the
 * process uses later faults back in from the page cache. A breakpoint a
 * debugger wrote into the code is dropped with its page. Best effort. */
void rp_trim_pages(void);

#endif
