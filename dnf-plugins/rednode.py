# SPDX-License-Identifier: Apache-2.0
"""dnf node NODE install|remove|upgrade|list|info|sync [PACKAGE...]

DNF 4's extension for REDNODEs (docs/packages.md). Thin on purpose: the node
is read only through `rednode-config plan --json` (never by parsing YAML
here), and the transaction is not run by this process. It is run by a second
dnf, with the node's root as install root, inside a redwrap sandbox: a user
namespace with the private id range redwrap picks, where uid 0 is no host
user, so rpm's chroot and the packages' scriptlets happen there and never as
the host's root. The host's rpm database and / are never opened for writing:
the sandbox sees the host's /usr read-only, the node's repositories and one
writable folder, a copy of the node's root.

A writing transaction works on that copy (cp --reflink=auto -a) and swaps it
in with renameat2(RENAME_EXCHANGE), so that a kill at any point leaves the
root as it was or as it would be; the next run removes the leftover and says
which of the two happened. The node's lock (libredpak core/node_lock.c: flock
on DIR/.NAME.lock, taken shared by every redwrap start of the node) is held
exclusively for the whole transaction, and by the sandbox too, so a
transaction and a start of the node never overlap.
"""

import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import dnf
import dnf.cli
import dnf.exceptions

_CONF = {"rednode_config": "rednode-config", "redwrap": "redwrap"}

ACTIONS = ("install", "remove", "upgrade", "list", "info", "sync")
WRITES = ("install", "remove", "upgrade", "sync")

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class Error(dnf.exceptions.Error):
    pass


def _exchange(a, b):
    """renameat2(RENAME_EXCHANGE): both names stay, their trees trade
    places in one step. os.rename cannot do it."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                      _RENAME_EXCHANGE) != 0:
        e = ctypes.get_errno()
        raise Error("cannot swap %s and %s: %s" % (a, b, os.strerror(e)))


def _plan(node_file):
    """The node as rednode-config sees it, checked and planned."""
    try:
        out = subprocess.run([_CONF["rednode_config"], "plan", "--json", node_file],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    except OSError as e:
        raise Error("cannot run %s: %s" % (_CONF["rednode_config"], e.strerror))
    if out.returncode != 0:
        msg = out.stderr.decode(errors="replace").strip()
        raise Error("node file %s has errors:\n%s" % (node_file, msg))
    plan = json.loads(out.stdout)
    if not plan.get("packages"):
        raise Error("node %s has no packages section: DNF manages only a node that owns its "
                    "root (root.source) and says what it installs (docs/packages.md)"
                    % plan["node"])
    return plan


class _Txn:
    """One node's transaction: its lock, its state file, its copy."""

    def __init__(self, plan, exclusive):
        pk = plan["packages"]
        self.node = plan["node"]
        self.file = plan["file"]
        self.pk = pk
        self.root = pk["root"]
        parent, name = os.path.split(self.root)
        self.copy = os.path.join(parent, ".%s.new" % name)
        self.old_prefix = ".%s.old." % name
        # The sandbox's files (dnf.conf, the .repo, its node file) live in a
        # root-only folder of the host's /tmp named after this root, so
        # that a run under the exclusive lock can remove what a killed one
        # left there.
        self.work_prefix = "rednode-dnf.%s.%s." % (
            self.node, hashlib.sha256(self.root.encode()).hexdigest()[:16])
        self.lock_path = pk["lock"]
        if not os.path.isdir(self.root):
            raise Error("node %s: its root %s is not a folder" % (self.node, self.root))
        self.fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                          0o600)
        try:
            fcntl.flock(self.fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise Error("node %s is in use: it is running, or another transaction holds its "
                        "lock %s; nothing was changed" % (self.node, self.lock_path))

    def _state(self, text):
        """What a kill would leave, written where the next run looks."""
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, text.encode(), 0)
        os.fsync(self.fd)

    def recover(self):
        """A transaction killed earlier left its copy: which tree is the
        root now, the old or the new one, is told by the copy's inode."""
        state = os.pread(self.fd, 4096, 0).decode(errors="replace").split()
        tmp = tempfile.gettempdir()
        for left in os.listdir(tmp):
            if left.startswith(self.work_prefix):
                shutil.rmtree(os.path.join(tmp, left), ignore_errors=True)
        parent = os.path.dirname(self.root)
        for left in os.listdir(parent):
            if left.startswith(self.old_prefix):
                print("rednode: node %s: removing %s, a replaced root an interrupted "
                      "transaction did not finish removing" % (self.node, left), file=sys.stderr)
                shutil.rmtree(os.path.join(parent, left))
        if not os.path.lexists(self.copy):
            if state:
                self._state("")
            return
        swapped = (len(state) == 2 and state[0] == "copy"
                   and str(os.lstat(self.root).st_ino) == state[1])
        if swapped:
            print("rednode: node %s: the last transaction was interrupted after its result was "
                  "in place: the root has the new packages; removing the old copy %s"
                  % (self.node, self.copy), file=sys.stderr)
        else:
            print("rednode: node %s: the last transaction was interrupted before it finished: "
                  "the root is as it was; removing the unfinished copy %s"
                  % (self.node, self.copy), file=sys.stderr)
        shutil.rmtree(self.copy)
        self._state("")

    def make_copy(self):
        subprocess.run(["cp", "--reflink=auto", "-a", "--", self.root, self.copy], check=True)
        self._state("copy %d" % os.lstat(self.copy).st_ino)

    def commit(self):
        # The copy reaches the disk before it becomes the root: after a
        # crash the root is never a tree whose data was still in memory.
        subprocess.run(["sync", "-f", self.copy], check=False)
        _exchange(self.copy, self.root)
        # The old tree goes under a name of its own, so that the node is
        # free again before its removal, the longest part for a big root.
        old = tempfile.mkdtemp(prefix=self.old_prefix, dir=os.path.dirname(self.root))
        os.rename(self.copy, os.path.join(old, "root"))
        self._state("")
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        shutil.rmtree(old)

    def abort(self):
        if os.path.lexists(self.copy):
            shutil.rmtree(self.copy)
        self._state("")


def _sandbox_node(txn, work, target, writable, net_host):
    """The sandbox's node file, as JSON (a YAML 1.2 document): the host's
    /usr read-only for dnf itself, the transaction's own files, the node's
    file:// repositories read-only, and the one tree dnf changes."""
    mounts = [
        {"type": "bind", "path": "/usr", "source": "/usr"},
        {"type": "symlink", "path": "/bin", "target": "usr/bin"},
        {"type": "symlink", "path": "/sbin", "target": "usr/sbin"},
        {"type": "symlink", "path": "/lib", "target": "usr/lib"},
        {"type": "symlink", "path": "/lib64", "target": "usr/lib64"},
        {"type": "proc", "path": "/proc"},
        {"type": "dev", "path": "/dev"},
        {"type": "bind", "path": "/run/rednode", "source": work},
        # The node's rpm database where rpm-based systems keep it, not
        # where Debian's rpm puts the caller's (~/.rpmdb).
        {"type": "file", "path": "/etc/rpm/macros", "content": "%_dbpath /var/lib/rpm\n"},
    ]
    for url in [r["baseurl"] for r in txn.pk["repos"]] + [r["gpgkey"] for r in txn.pk["repos"]
                                                          if r["gpgkey"]]:
        if url.startswith("file:///"):
            path = url[len("file://"):]
            if os.path.exists(path):
                mounts.append({"type": "bind", "path": path, "source": path})
    if txn.pk["host_repos"]:
        for path in ("/etc/yum.repos.d", "/etc/pki"):
            if os.path.isdir(path):
                mounts.append({"type": "bind", "path": path, "source": path})
    mounts.append({"type": "bind", "path": "/sysroot", "source": target, "readonly": not writable})
    name = (txn.node[:58] + "-dnf")
    return {
        "version": 1,
        "node": name,
        "description": "dnf transaction of node %s" % txn.node,
        "namespaces": {"net": "host"} if net_host else {},
        "root": {"size": "1M"},
        "mounts": mounts,
        "tmpfs": [{"path": "/tmp", "size": "512M"}, {"path": "/var/tmp", "size": "64M"},
                  {"path": "/run/persist", "size": "16M"}],
        "process": {"env": {"set": {"PATH": "/usr/sbin:/usr/bin", "LANG": "C.UTF-8",
                                        "HOME": "/tmp"}}},
    }


def _repo_file(pk):
    lines = []
    for r in pk["repos"]:
        lines += ["[%s]" % r["name"], "name=%s" % r["name"], "baseurl=%s" % r["baseurl"],
                  "gpgcheck=%d" % (1 if r["gpgcheck"] else 0)]
        if r["gpgkey"]:
            lines.append("gpgkey=%s" % r["gpgkey"])
        lines.append("skip_if_unavailable=0")
        lines.append("")
    return "\n".join(lines)


def _run_dnf(txn, target, writable, args, capture=False):
    """dnf ARGS with target as its install root, inside the sandbox."""
    pk = txn.pk
    work = tempfile.mkdtemp(prefix=txn.work_prefix)
    try:
        os.mkdir(os.path.join(work, "repos.d"))
        reposdir = "/run/rednode/repos.d"
        if pk["host_repos"]:
            reposdir += ",/etc/yum.repos.d"
        with open(os.path.join(work, "repos.d", "node.repo"), "w") as f:
            f.write(_repo_file(pk))
        with open(os.path.join(work, "dnf.conf"), "w") as f:
            f.write("[main]\ninstall_weak_deps=0\nkeepcache=0\nplugins=0\n")
        net_host = any(not r["baseurl"].startswith("file://") for r in pk["repos"]) \
            or pk["host_repos"]
        with open(os.path.join(work, "node.json"), "w") as f:
            json.dump(_sandbox_node(txn, work, target, writable, net_host), f, indent=1)
        cmd = [_CONF["redwrap"], "--node", os.path.join(work, "node.json"), "--",
               "/usr/bin/dnf", "-c", "/run/rednode/dnf.conf", "--installroot=/sysroot",
               "--noplugins", "--setopt=reposdir=" + reposdir,
               "--setopt=cachedir=/../tmp/cache", "--setopt=install_weak_deps=0"]
        if not writable:
            # Nothing of a read-only look lands in the root.
            cmd += ["--setopt=logdir=/../tmp/log", "--setopt=persistdir=/run/persist"]
        # "/" would make dnf read the release from the root's rpm database,
        # which a fresh root does not have yet.
        cmd.append("--releasever=" + (pk["releasever"] or "none"))
        cmd += args
        # The lock goes with the sandbox: if this process is killed, the
        # transaction it started still holds the node until it ends.
        return subprocess.run(cmd, pass_fds=(txn.fd,), check=False,
                              stdout=subprocess.PIPE if capture else None)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _userinstalled(txn, target):
    """What was asked for in target, not pulled in: its own history says."""
    r = _run_dnf(txn, target, True, ["-q", "repoquery", "--userinstalled", "--qf", "%{name}"],
                 capture=True)
    if r.returncode != 0:
        raise Error("node %s: cannot list its installed packages" % txn.node)
    return sorted(set(r.stdout.decode().split()))


def _on_copy(txn, verbosity, args):
    """One dnf command of a writing transaction, on the copy."""
    r = _run_dnf(txn, txn.copy, True, verbosity + ["-y"] + args)
    if r.returncode != 0:
        raise Error("node %s: the transaction failed (dnf %s, status %d); the root is unchanged"
                    % (txn.node, " ".join(args), r.returncode))


def _sync(txn):
    """The steps that make the copy match packages.install: what is listed
    is installed and marked as asked for, what was asked for before and is
    no longer listed is marked as a mere dependency, and autoremove takes
    away what nothing listed needs. A package a listed one requires stays:
    `dnf remove` would take the listed one with it."""
    want = txn.pk["install"]
    for args in ([["install"] + want, ["mark", "install"] + want] if want else []):
        _on_copy(txn, ["-q"], args)
    extra = [n for n in _userinstalled(txn, txn.copy) if n not in want]
    return [["mark", "remove"] + extra, ["autoremove"]] if extra else []


class NodeCommand(dnf.cli.Command):
    aliases = ("node",)
    summary = "manage the packages of a REDNODE (redpak)"

    @staticmethod
    def set_argparser(parser):
        parser.add_argument("node_file", metavar="NODE", help="the node file")
        parser.add_argument("node_action", metavar="ACTION", choices=ACTIONS,
                            help=", ".join(ACTIONS))
        parser.add_argument("node_args", metavar="PACKAGE", nargs="*")

    def _verbosity(self):
        """The sandbox's dnf is as quiet as the one it was asked of."""
        return ["-q"] if self.base.conf.debuglevel < 2 else []

    def run(self):
        opts = self.opts
        if os.geteuid() != 0:
            raise Error("dnf node needs root: it runs the transaction in a sandbox with a "
                        "private id range")
        for p in opts.node_args:
            if p.startswith("-"):
                raise Error("%s: a package name, not an option" % p)
        plan = _plan(opts.node_file)
        action = opts.node_action
        if action in ("install", "remove") and not opts.node_args:
            raise Error("dnf node %s %s: name the packages" % (opts.node_file, action))
        txn = _Txn(plan, action in WRITES)
        if action in WRITES:
            txn.recover()
        if action in ("list", "info"):
            r = _run_dnf(txn, txn.root, False, self._verbosity() + [action] + opts.node_args)
            if r.returncode != 0:
                raise Error("node %s: dnf %s failed (status %d)"
                            % (txn.node, action, r.returncode))
            return
        txn.make_copy()
        try:
            if action == "sync":
                steps = _sync(txn)
            else:
                steps = [[action] + opts.node_args]
            for args in steps:
                _on_copy(txn, self._verbosity(), args)
        except BaseException:
            txn.abort()
            raise
        txn.commit()


class RedNode(dnf.Plugin):
    name = "rednode"

    def __init__(self, base, cli):
        super(RedNode, self).__init__(base, cli)
        conf = self.read_config(base.conf)
        for key in _CONF:
            if conf.has_section("rednode") and conf.has_option("rednode", key):
                _CONF[key] = conf.get("rednode", key)
        if cli:
            cli.register_command(NodeCommand)
