#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""QEMU behind a QMP proxy that can corrupt what QEMU says, for fault tests.

Used as a domain's <emulator> through a two-line shell script:

    exec /usr/bin/python3 qmpproxy.py CONTROL-SOCKET "$@"

Without the daemon's monitor chardev in the arguments (a capability
probe) it execs QEMU unchanged.  Otherwise it moves QEMU's monitor socket
to PATH.qemu, forks a proxy that listens on PATH and relays every
connection to QEMU's socket line by line, and execs QEMU, so the pid the
daemon records is QEMU's.  The proxy ends when QEMU does.

The proxy takes commands on CONTROL-SOCKET, one line each, answered with
"ok" once done:

    garbage            sends the daemon a line that is not JSON now,
                       between two of QEMU's messages
    corrupt-reply CMD  QEMU's reply to the next command CMD the daemon
                       sends reaches the daemon as a line that is not
                       JSON (QEMU has run the command all the same)
    stop-after-reply CMD
                       QEMU gets SIGSTOP once it has answered the next
                       command CMD, before the answer is passed on: it
                       neither finishes what CMD started nor says more
                       until the test sends SIGCONT
    fake-reply CMD JSON
                       QEMU's reply to the next command CMD reaches the
                       daemon with JSON as its return value instead
    error-reply CMD DESC
                       the next command CMD the daemon sends never reaches
                       QEMU: the daemon gets a GenericError with DESC
    drop-event NAME    the next event NAME never reaches the daemon
    event NAME JSON    sends the daemon QEMU's event NAME with data JSON now,
                       between two of QEMU's messages (an event QEMU
                       cannot be made to send: a watchdog firing)
    hmp LINE           runs the HMP command LINE in QEMU on the current
                       connection, its reply kept from the daemon (for
                       a guest write while the daemon's monitor is
                       failed); answered with "ok" and the output

What it relays, and each connection's steps, are logged with times to
CONTROL-SOCKET.log for the test to print when it fails.
"""

import json
import os
import signal
import socket
import sys
import threading
import time
import traceback

QEMU = "/usr/bin/qemu-system-x86_64"
GARBAGE = b"this is not QMP: injected by qmpproxy\r\n"

_log_lock = threading.Lock()
_log_file = None


def log(fmt, *args):
    with _log_lock:
        if _log_file:
            _log_file.write("%.3f %s\n" % (time.monotonic(), fmt % args))
            _log_file.flush()


class Session:
    """One daemon connection relayed to QEMU's monitor."""

    def __init__(self, proxy, client, upstream, number):
        self.proxy = proxy
        self.number = number
        self.client = client
        self.upstream = upstream
        self.wlock = threading.Lock()   # whole lines to the daemon
        self.qlock = threading.Lock()   # whole lines to QEMU
        self.injected = {}              # id -> Event, then the reply
        self.corrupt_ids = set()
        self.stop_ids = set()
        self.fake_ids = {}              # id -> return value to send instead

    def to_daemon(self, line):
        with self.wlock:
            self.client.sendall(line)

    def to_qemu(self, line):
        with self.qlock:
            self.upstream.sendall(line)

    def inject(self, hmp):
        """Runs @hmp in QEMU; returns its output, or None on timeout."""
        cmdid = "qmpproxy-%d" % len(self.injected)
        done = self.injected[cmdid] = threading.Event()
        self.to_qemu(json.dumps({"execute": "human-monitor-command", "id": cmdid,
                                 "arguments": {"command-line": hmp}}).encode() + b"\n")
        if not done.wait(30):
            return None
        return self.injected[cmdid]

    def lines(self, sock, who):
        """The lines read from @sock until its end.  A reset ends it too:
        a peer that closes with data unread (the daemon, after the line
        it could not parse) resets the connection, and a relay thread
        dying on that would keep QEMU's side open, so that QEMU never
        takes the daemon's next connection."""
        try:
            yield from sock.makefile("rb")
            log("#%d %s closed", self.number, who)
        except OSError as e:
            log("#%d %s: %s", self.number, who, e)

    def from_daemon(self):
        """Daemon -> QEMU: notes the ids of commands whose reply is to be
        corrupted, faked or followed by a freeze."""
        try:
            for line in self.lines(self.client, "daemon"):
                try:
                    msg = json.loads(line)
                except ValueError:
                    msg = {}
                with self.proxy.lock:
                    if msg.get("execute") and msg.get("execute") == self.proxy.corrupt_cmd:
                        self.proxy.corrupt_cmd = None
                        self.corrupt_ids.add(msg.get("id"))
                    if msg.get("execute") and msg.get("execute") == self.proxy.stop_cmd:
                        self.proxy.stop_cmd = None
                        self.stop_ids.add(msg.get("id"))
                    if msg.get("execute") and self.proxy.fake and \
                            msg.get("execute") == self.proxy.fake[0]:
                        self.fake_ids[msg.get("id")] = self.proxy.fake[1]
                        self.proxy.fake = None
                    refuse = self.proxy.refuse
                    if msg.get("execute") and refuse and msg.get("execute") == refuse[0]:
                        self.proxy.refuse = None
                    else:
                        refuse = None
                log("#%d daemon> %r", self.number, line[:200])
                if refuse:
                    reply = {"error": {"class": "GenericError", "desc": refuse[1]}}
                    if "id" in msg:
                        reply["id"] = msg["id"]
                    log("#%d refused, <daemon %r", self.number, reply)
                    self.to_daemon(json.dumps(reply).encode() + b"\r\n")
                    continue
                self.to_qemu(line)
        except OSError as e:
            log("#%d cannot write to QEMU: %s", self.number, e)
        finally:
            self.close()

    def from_qemu(self):
        try:
            for line in self.lines(self.upstream, "qemu"):
                try:
                    msg = json.loads(line)
                except ValueError:
                    msg = {}
                log("#%d qemu> %r", self.number, line[:200])
                done = self.injected.get(msg.get("id"))
                if ("return" in msg or "error" in msg) and isinstance(done, threading.Event):
                    self.injected[msg["id"]] = json.dumps(msg)
                    done.set()
                    continue
                with self.proxy.lock:
                    drop = msg.get("event") and msg.get("event") == self.proxy.drop_event
                    if drop:
                        self.proxy.drop_event = None
                if drop:
                    continue
                if "return" in msg and msg.get("id") in self.fake_ids:
                    msg["return"] = self.fake_ids.pop(msg["id"])
                    line = json.dumps(msg).encode() + b"\r\n"
                if ("return" in msg or "error" in msg) and msg.get("id") in self.corrupt_ids:
                    self.corrupt_ids.discard(msg.get("id"))
                    line = GARBAGE
                if ("return" in msg or "error" in msg) and msg.get("id") in self.stop_ids:
                    self.stop_ids.discard(msg.get("id"))
                    os.kill(self.proxy.qemu_pid, signal.SIGSTOP)
                self.to_daemon(line)
        except OSError as e:
            log("#%d cannot write to the daemon: %s", self.number, e)
        finally:
            self.close()

    def close(self):
        # called by both relay threads: shutdown wakes the other one, and
        # the second call closes
        with self.proxy.lock:
            closing = getattr(self, "half_closed", False)
            self.half_closed = True
        for s in (self.client, self.upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            if closing:
                s.close()
        log("#%d %s", self.number, "closed" if closing else "shut down")


class Proxy:
    def __init__(self, listen_path, qemu_path, control_path, qemu_pid):
        self.qemu_pid = qemu_pid
        self.listen_path = listen_path
        self.qemu_path = qemu_path
        self.control_path = control_path
        self.lock = threading.Lock()
        self.session = None
        self.sessions = 0
        self.corrupt_cmd = None
        self.stop_cmd = None
        self.fake = None                # (command, return value)
        self.refuse = None              # (command, error description)
        self.drop_event = None

    def connect_qemu(self):
        deadline = time.monotonic() + 30
        while True:
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(self.qemu_path)
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def serve(self, listener):
        while True:
            client, _ = listener.accept()
            self.sessions += 1
            log("#%d accepted, connecting to QEMU", self.sessions)
            try:
                upstream = self.connect_qemu()
            except OSError as e:
                log("#%d cannot connect to QEMU: %s", self.sessions, e)
                client.close()
                continue
            log("#%d connected to QEMU", self.sessions)
            sess = Session(self, client, upstream, self.sessions)
            with self.lock:
                self.session = sess
            threading.Thread(target=sess.from_daemon, daemon=True).start()
            threading.Thread(target=sess.from_qemu, daemon=True).start()

    def control(self, listener):
        while True:
            conn, _ = listener.accept()
            with conn:
                for line in conn.makefile("r"):
                    log("control: %s", line.strip())
                    words = line.split()
                    if words == ["garbage"]:
                        with self.lock:
                            sess = self.session
                        if sess:
                            sess.to_daemon(GARBAGE)
                    elif len(words) == 2 and words[0] == "corrupt-reply":
                        with self.lock:
                            self.corrupt_cmd = words[1]
                    elif len(words) == 2 and words[0] == "stop-after-reply":
                        with self.lock:
                            self.stop_cmd = words[1]
                    elif len(words) > 2 and words[0] == "fake-reply":
                        with self.lock:
                            self.fake = (words[1], json.loads(line.split(None, 2)[2]))
                    elif len(words) > 2 and words[0] == "error-reply":
                        with self.lock:
                            self.refuse = (words[1], line.split(None, 2)[2].strip())
                    elif len(words) == 2 and words[0] == "drop-event":
                        with self.lock:
                            self.drop_event = words[1]
                    elif len(words) > 2 and words[0] == "event":
                        with self.lock:
                            sess = self.session
                        now = time.time()
                        msg = {"event": words[1], "data": json.loads(line.split(None, 2)[2]),
                               "timestamp": {"seconds": int(now),
                                             "microseconds": int(now * 1e6) % 1000000}}
                        if sess:
                            sess.to_daemon(json.dumps(msg).encode() + b"\r\n")
                    elif len(words) > 1 and words[0] == "hmp":
                        with self.lock:
                            sess = self.session
                        out = sess.inject(line.split(None, 1)[1].strip()) if sess else None
                        conn.sendall(b"ok " + out.encode() + b"\n" if out else b"failed\n")
                        continue
                    else:
                        conn.sendall(b"unknown command\n")
                        continue
                    conn.sendall(b"ok\n")


def listen(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        # a proxy of an earlier start of the domain may not have noticed
        # its QEMU's end yet
        os.unlink(path)
    except FileNotFoundError:
        pass
    s.bind(path)
    s.listen(8)
    return s, os.stat(path).st_ino


def run_proxy(listen_path, qemu_path, control_path, qemu_pid):
    global _log_file
    _log_file = open(control_path + ".log", "a")
    threading.excepthook = lambda a: log("thread died: %s", "".join(
        traceback.format_exception(a.exc_type, a.exc_value, a.exc_traceback)))
    log("proxy of QEMU %d", qemu_pid)
    proxy = Proxy(listen_path, qemu_path, control_path, qemu_pid)
    mine = {}
    for path, fn in ((listen_path, proxy.serve), (control_path, proxy.control)):
        sock, mine[path] = listen(path)
        threading.Thread(target=fn, args=(sock,), daemon=True).start()
    while os.getppid() == qemu_pid:
        time.sleep(0.2)
    # only our own sockets: the daemon may have started the domain again
    for path, ino in mine.items():
        try:
            if os.stat(path).st_ino == ino:
                os.unlink(path)
        except OSError:
            pass
    os._exit(0)


def main():
    control_path, args = sys.argv[1], sys.argv[2:]
    for i, arg in enumerate(args):
        if arg.startswith("socket,id=charmonitor,path="):
            break
    else:
        os.execv(QEMU, [QEMU] + args)

    opts = args[i].split(",")
    path = next(o for o in opts if o.startswith("path="))[len("path="):]
    args[i] = ",".join("path=" + path + ".qemu" if o.startswith("path=") else o for o in opts)

    qemu_pid = os.getpid()
    if os.fork() == 0:
        try:
            run_proxy(path, path + ".qemu", control_path, qemu_pid)
        finally:
            os._exit(1)
    os.execv(QEMU, [QEMU] + args)


if __name__ == "__main__":
    main()
