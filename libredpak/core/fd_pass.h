/* SPDX-License-Identifier: Apache-2.0 */
/* A message and at most one file descriptor over a unix socket (fd_pass.c). */
#ifndef REDPAK_FD_PASS_H
#define REDPAK_FD_PASS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends the len bytes at data (len > 0) with fd (-1: none); 0, or -1 and
 * errno. */
int rp_fd_send(int sock, const void *data, size_t len, int fd);
/* Receives one message of at most len bytes into data and the descriptor
 * it carried into *fd (close-on-exec; -1: none). Returns the bytes read:
 * 0 when the peer closed the socket, -1 and errno on an error. */
ssize_t rp_fd_recv(int sock, void *data, size_t len, int *fd);

#endif
