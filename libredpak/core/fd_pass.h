/* SPDX-License-Identifier: Apache-2.0 */
/* One file descriptor over a unix socket (fd_pass.c). */
#ifndef REDPAK_FD_PASS_H
#define REDPAK_FD_PASS_H

/* Sends fd with one byte of data; 0, or -1 and errno. */
int rp_fd_send(int sock, int fd);
/* The descriptor the peer sent (close-on-exec), or -1 and errno: 0 when
 * the peer closed the socket without sending one, EPROTO when a message
 * came without it. */
int rp_fd_recv(int sock);

#endif
