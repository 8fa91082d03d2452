/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the NOTIFY_SOCKET proxy's two ends that need no node:
 * reading NOTIFY_SOCKET, the workload's environment, and the relay (a
 * stand-in manager socket receives what a stand-in workload sent to the
 * proxy). Binding inside a node's root is covered by redis_systemd.bats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "notify.h"

struct world {
    char dir[64];
    char manager_path[96];
    char proxy_path[96];
    int manager; /* the stand-in service manager's socket */
    struct rp_notify proxy;
};

static int world_up(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    snprintf(w->dir, sizeof(w->dir), "/tmp/redpak-notify.XXXXXX");
    assert_non_null(mkdtemp(w->dir));
    snprintf(w->manager_path, sizeof(w->manager_path), "%s/manager", w->dir);
    snprintf(w->proxy_path, sizeof(w->proxy_path), "%s/proxy", w->dir);
    w->manager = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", w->manager_path);
    assert_int_equal(bind(w->manager, (struct sockaddr *)&a, sizeof(a)), 0);
    w->proxy.fd = -1;
    *state = w;
    return 0;
}

static int world_down(void **state)
{
    struct world *w = *state;
    rp_notify_close(&w->proxy);
    close(w->manager);
    unlink(w->manager_path);
    unlink(w->proxy_path);
    rmdir(w->dir);
    free(w);
    return 0;
}

/* Opens the proxy towards the manager and binds it at proxy_path, as the
 * node's first process would at /run/redpak/notify. */
static void open_proxy(struct world *w)
{
    char env_entry[160];
    snprintf(env_entry, sizeof(env_entry), "NOTIFY_SOCKET=%s", w->manager_path);
    char *env[] = {"PATH=/usr/bin", env_entry, NULL};
    struct rp_error err = {0};
    assert_int_equal(rp_notify_open(&w->proxy, env, &err), 0);
    assert_true(w->proxy.fd >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", w->proxy_path);
    assert_int_equal(bind(w->proxy.fd, (struct sockaddr *)&a, sizeof(a)), 0);
}

/* What a workload does: one datagram to the proxy. */
static void workload_sends(struct world *w, const char *msg, int pass_fd)
{
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", w->proxy_path);
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr mh = {.msg_name = &a,
                        .msg_namelen = sizeof(a),
                        .msg_iov = &(struct iovec){.iov_base = (void *)msg, .iov_len = strlen(msg)},
                        .msg_iovlen = 1};
    if (pass_fd >= 0) {
        mh.msg_control = control.buf;
        mh.msg_controllen = sizeof(control.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    assert_int_equal(sendmsg(s, &mh, 0), (ssize_t)strlen(msg));
    close(s);
}

/* What the manager got, without waiting: "" when nothing; *fd a passed fd. */
static void manager_receives(struct world *w, char *buf, size_t len, int *fd)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr mh = {.msg_iov = &(struct iovec){.iov_base = buf, .iov_len = len - 1},
                        .msg_iovlen = 1,
                        .msg_control = control.buf,
                        .msg_controllen = sizeof(control.buf)};
    ssize_t n = recvmsg(w->manager, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    buf[n > 0 ? n : 0] = '\0';
    if (fd) {
        *fd = -1;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        if (n > 0 && c && c->cmsg_type == SCM_RIGHTS)
            memcpy(fd, CMSG_DATA(c), sizeof(int));
    }
}

static void test_no_notify_socket_means_no_proxy(void **state)
{
    struct rp_notify n;
    struct rp_error err = {0};
    char *env[] = {"PATH=/usr/bin", NULL};
    assert_int_equal(rp_notify_open(&n, env, &err), 0);
    assert_int_equal(n.fd, -1);
    char *empty[] = {"NOTIFY_SOCKET=", NULL};
    assert_int_equal(rp_notify_open(&n, empty, &err), 0);
    assert_int_equal(n.fd, -1);
}

static void test_only_paths_and_abstract_names_are_relayed(void **state)
{
    struct rp_notify n;
    struct rp_error err = {0};
    char *vsock[] = {"NOTIFY_SOCKET=vsock:2:1234", NULL};
    assert_true(rp_notify_open(&n, vsock, &err) < 0);
    assert_non_null(strstr(err.msg, "NOTIFY_SOCKET=vsock:2:1234"));
    assert_int_equal(n.fd, -1);

    char *abstract[] = {"NOTIFY_SOCKET=@redpak/test", NULL};
    assert_int_equal(rp_notify_open(&n, abstract, &err), 0);
    /* A leading NUL, and a length without a terminating one. */
    assert_int_equal(n.target.sun_path[0], '\0');
    assert_memory_equal(n.target.sun_path + 1, "redpak/test", 11);
    assert_int_equal(n.target_len, offsetof(struct sockaddr_un, sun_path) + 12);
    rp_notify_close(&n);

    char too_long[160] = "NOTIFY_SOCKET=/";
    memset(too_long + 15, 'x', sizeof(too_long) - 16);
    char *longer[] = {too_long, NULL};
    assert_true(rp_notify_open(&n, longer, &err) < 0);
}

static void test_workload_env_points_at_the_proxy(void **state)
{
    struct rp_notify n = {.fd = 99};
    char **env = calloc(3, sizeof(*env));
    env[0] = "PATH=/usr/bin";
    env = rp_notify_env(&n, env);
    assert_string_equal(env[0], "PATH=/usr/bin");
    assert_string_equal(env[1], "NOTIFY_SOCKET=/run/redpak/notify");
    assert_null(env[2]);
    free(env);
    /* One passed in from the host (env.clear: false) is replaced, not doubled. */
    env = calloc(3, sizeof(*env));
    env[0] = "NOTIFY_SOCKET=/run/systemd/notify";
    env[1] = "PATH=/usr/bin";
    env = rp_notify_env(&n, env);
    assert_string_equal(env[0], "NOTIFY_SOCKET=/run/redpak/notify");
    assert_string_equal(env[1], "PATH=/usr/bin");
    assert_null(env[2]);
    free(env);
}

static void test_without_proxy_the_env_is_untouched(void **state)
{
    struct rp_notify n = {.fd = -1};
    char **env = calloc(2, sizeof(*env));
    env[0] = "PATH=/usr/bin";
    assert_ptr_equal(rp_notify_env(&n, env), env);
    assert_null(env[1]);
    free(env);
}

static void test_ready_and_status_are_relayed_as_sent(void **state)
{
    struct world *w = *state;
    open_proxy(w);
    workload_sends(w, "STATUS=Ready to accept connections\nREADY=1\n", -1);
    rp_notify_relay(&w->proxy, 0);
    char got[256];
    manager_receives(w, got, sizeof(got), NULL);
    assert_string_equal(got, "STATUS=Ready to accept connections\nREADY=1\n");
    /* One message relayed once. */
    manager_receives(w, got, sizeof(got), NULL);
    assert_string_equal(got, "");
}

static void test_mainpid_becomes_redwraps_pid(void **state)
{
    struct world *w = *state;
    open_proxy(w);
    workload_sends(w, "MAINPID=2\nREADY=1", -1);
    rp_notify_relay(&w->proxy, 0);
    char got[256], want[64];
    manager_receives(w, got, sizeof(got), NULL);
    snprintf(want, sizeof(want), "MAINPID=%d\nREADY=1", (int)getpid());
    assert_string_equal(got, want);
}

static void test_every_waiting_message_is_relayed_in_order(void **state)
{
    struct world *w = *state;
    open_proxy(w);
    workload_sends(w, "STATUS=loading", -1);
    workload_sends(w, "READY=1", -1);
    rp_notify_relay(&w->proxy, 0);
    char got[256];
    manager_receives(w, got, sizeof(got), NULL);
    assert_string_equal(got, "STATUS=loading");
    manager_receives(w, got, sizeof(got), NULL);
    assert_string_equal(got, "READY=1");
}

static void test_passed_descriptors_travel_on(void **state)
{
    struct world *w = *state;
    open_proxy(w);
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    workload_sends(w, "BARRIER=1", p[1]);
    close(p[1]);
    rp_notify_relay(&w->proxy, 0);
    char got[64];
    int fd;
    manager_receives(w, got, sizeof(got), &fd);
    assert_string_equal(got, "BARRIER=1");
    assert_true(fd >= 0);
    /* The barrier's pipe: its write end now only the manager holds, so
     * closing it is what ends the workload's wait (EOF on the read end). */
    close(fd);
    char c;
    assert_int_equal(read(p[0], &c, 1), 0);
    close(p[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_notify_socket_means_no_proxy),
        cmocka_unit_test(test_only_paths_and_abstract_names_are_relayed),
        cmocka_unit_test(test_workload_env_points_at_the_proxy),
        cmocka_unit_test(test_without_proxy_the_env_is_untouched),
        cmocka_unit_test_setup_teardown(test_ready_and_status_are_relayed_as_sent, world_up,
                                        world_down),
        cmocka_unit_test_setup_teardown(test_mainpid_becomes_redwraps_pid, world_up, world_down),
        cmocka_unit_test_setup_teardown(test_every_waiting_message_is_relayed_in_order, world_up,
                                        world_down),
        cmocka_unit_test_setup_teardown(test_passed_descriptors_travel_on, world_up, world_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
