#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The QEMU guest agent: the test guest runs Debian's qemu-ga on the
org.qemu.guest_agent.0 channel, and the stock virsh and python3-libvirt
drive it through the daemon.

- the agent connects: AGENT_LIFECYCLE events (disconnected at start with
  reason domain-started, then connected by the channel) and the channel's
  state='connected' in the live XML only; qemu-agent-command, domfsfreeze
  and domfsthaw, domtime answer; shutdown --mode agent powers the guest off;
- an agent that holds its port open and never answers (stopped in the
  guest) makes a command fail with libvirt's timeout error while other
  calls and the monitor keep answering;
- libvirt's errors without a connected or a configured agent;
- set-user-password, clear and --encrypted, changes the guest's
  /etc/shadow (read back through the agent's guest-file-* commands) as
  Debian's chpasswd does, and unknown or hostile user names get the
  agent's own errors.

Every wait is on the guest's log or on events, bounded."""

import base64
import json
import os
import re
import subprocess
import time

import libvirt

import test_realguest
import vbevents
import vbguest
import vbtest

AGENT_CHANNEL = """
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>"""

STARTED_RE = re.compile(r"^vbguest: agent (started|frozen|absent)\s*$", re.M)
CONNECTED = libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED
DISCONNECTED = libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_DISCONNECTED
REASON_STARTED = libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_DOMAIN_STARTED
REASON_CHANNEL = libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_CHANNEL


class AgentTest(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if not vbtest.SKIP_NO_QEMU:
            cls.guest = vbguest.build()
    define = test_realguest.RealGuestTest.define
    wait_log = test_realguest.RealGuestTest.wait_log
    wait_stopped = test_realguest.RealGuestTest.wait_stopped

    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.agent_id = self.events.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, self._agent_lifecycle, None)

    def _agent_lifecycle(self, conn, dom, state, reason, opaque):
        self.events._record(("agent", dom.name(), state, reason))

    def start_guest(self, agent="on", channel=True):
        cmdline = vbguest.cmdline("idle", agent=agent)
        xml = test_realguest.guest_xml("vm", self.guest, cmdline, serial_log=self.log)
        if channel:
            xml = xml.replace("\n  </devices>", AGENT_CHANNEL + "\n  </devices>")
        self.define(xml)

    def agent_command(self, cmd, *extra, check=True):
        return self.daemon.virsh("qemu-agent-command", "vm", cmd, *extra, check=check)

    def guest_file(self, path):
        """The content of @path in the guest, through the agent's
        guest-file-open/read/close and virsh qemu-agent-command"""
        handle = json.loads(self.agent_command(json.dumps(
            {"execute": "guest-file-open", "arguments": {"path": path, "mode": "r"}})).stdout)
        handle = handle["return"]
        data = b""
        try:
            while True:
                ret = json.loads(self.agent_command(json.dumps(
                    {"execute": "guest-file-read",
                     "arguments": {"handle": handle, "count": 4096}})).stdout)["return"]
                data += base64.b64decode(ret["buf-b64"])
                if ret["eof"] or not ret["count"]:
                    return data.decode()
        finally:
            self.agent_command(json.dumps({"execute": "guest-file-close",
                                           "arguments": {"handle": handle}}))

    def shadow(self):
        """The guest's /etc/shadow as {user: password field}"""
        return {line.split(":")[0]: line.split(":")[1]
                for line in self.guest_file("/etc/shadow").splitlines()}

    def test_agent_connects_and_answers(self):
        self.start_guest()
        # QEMU just started: the port is closed, as libvirt says at start
        self.events.wait(lambda e: e == ("agent", "vm", DISCONNECTED, REASON_STARTED), 30)
        self.assertIn("state='disconnected'", self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
                         .group(1), "started")
        self.events.wait(lambda e: e == ("agent", "vm", CONNECTED, REASON_CHANNEL), 60)
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertRegex(xml, r"<target type='virtio' name='org\.qemu\.guest_agent\.0' "
                              r"state='connected'/>")
        # the socket path the daemon chose, and no state, in the definition
        inactive = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        self.assertNotIn("state=", inactive)

        out = self.agent_command('{"execute":"guest-info"}').stdout
        self.assertRegex(out, r'^\{"return":\{"version":"[0-9.]+",')
        out = self.agent_command('{"execute":"guest-ping"}', "--timeout", "10").stdout
        self.assertEqual(out.strip(), '{"return":{}}')
        # an agent error is libvirt's internal error with the agent's text
        proc = self.agent_command('{"execute":"guest-nonexistent"}', check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("internal error: unable to execute QEMU agent command "
                      "'guest-nonexistent':", proc.stderr)

        # the initramfs has no file system to freeze: the round trip counts 0
        self.assertIn("Froze 0 filesystem(s)", self.daemon.virsh("domfsfreeze", "vm", quiet=False).stdout)
        self.assertIn("Thawed 0 filesystem(s)", self.daemon.virsh("domfsthaw", "vm", quiet=False).stdout)
        proc = self.daemon.virsh("domfsthaw", "vm", "--mountpoint", "/", check=False)
        self.assertIn("argument unsupported: specifying mountpoints is not supported",
                      proc.stderr)
        m = re.search(r"Time: (\d+)", self.daemon.virsh("domtime", "vm").stdout)
        self.assertIsNotNone(m)
        self.assertLess(abs(int(m.group(1)) - time.time()), 3600)

        # setting the clock: to a time, from the guest's RTC, to the host's
        self.daemon.virsh("domtime", "vm", "--time", "1700000000")
        m = re.search(r"Time: (\d+)", self.daemon.virsh("domtime", "vm").stdout)
        self.assertLess(abs(int(m.group(1)) - 1700000000), 60)
        self.daemon.virsh("domtime", "vm", "--sync")
        self.daemon.virsh("domtime", "vm", "--now")
        m = re.search(r"Time: (\d+)", self.daemon.virsh("domtime", "vm").stdout)
        self.assertLess(abs(int(m.group(1)) - time.time()), 60)

        # the same through python3-libvirt's libvirt_qemu
        import libvirt_qemu
        reply = libvirt_qemu.qemuAgentCommand(self.dom, '{"execute":"guest-ping"}', 10, 0)
        self.assertEqual(reply, '{"return":{}}')

        self.daemon.virsh("shutdown", "vm", "--mode", "agent")
        self.wait_log(re.compile(r"^vbguest: agent poweroff\s*$", re.M), "the agent's poweroff",
                      test_realguest.EXIT_TIMEOUT)
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)

    def test_agent_after_daemon_restart(self):
        # a daemon killed and started again takes the agent back from the
        # channel's state QEMU reports, and a reboot through the agent
        # brings the guest and its agent back
        self.start_guest()
        self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
        self.events.wait(lambda e: e == ("agent", "vm", CONNECTED, REASON_CHANNEL), 60)
        self.events.close()
        self.daemon.kill9()
        self.daemon.start()
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.events.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, self._agent_lifecycle, None)
        self.dom = self.events.conn.lookupByName("vm")
        self.assertIn("state='connected'", self.daemon.virsh("dumpxml", "vm").stdout)
        out = self.agent_command('{"execute":"guest-ping"}').stdout
        self.assertEqual(out.strip(), '{"return":{}}')

        self.daemon.virsh("reboot", "vm", "--mode", "agent")
        self.wait_log(re.compile(r"^vbguest: agent reboot\s*$", re.M), "the agent's reboot",
                      test_realguest.EXIT_TIMEOUT)
        self.events.wait(lambda e: e == ("reboot", "vm"), test_realguest.EXIT_TIMEOUT)
        self.events.wait(lambda e: e == ("agent", "vm", DISCONNECTED, REASON_CHANNEL), 60)
        self.events.wait(lambda e: e == ("agent", "vm", CONNECTED, REASON_CHANNEL), 120)
        out = self.agent_command('{"execute":"guest-ping"}').stdout
        self.assertEqual(out.strip(), '{"return":{}}')
        self.daemon.virsh("destroy", "vm")

    def test_agent_never_answers(self):
        self.start_guest(agent="frozen")
        self.assertEqual(self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
                         .group(1), "frozen")
        self.events.wait(lambda e: e == ("agent", "vm", CONNECTED, REASON_CHANNEL), 60)
        # Never synced with the agent: the command fails when the sync's
        # 5 s are over.
        t0 = time.monotonic()
        proc = self.agent_command('{"execute":"guest-info"}', check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Guest agent is not responding: Guest agent not available for now",
                      proc.stderr)
        self.assertGreaterEqual(time.monotonic() - t0, 4.5)
        self.daemon.virsh("destroy", "vm")

    def test_agent_stops_answering(self):
        # In sync with the agent, which then stops (SIGSTOP from a child it
        # spawned, after its answer to guest-exec reached us): a blocking
        # command waits for ever, until the domain goes.
        self.start_guest()
        self.assertEqual(self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
                         .group(1), "started")
        self.events.wait(lambda e: e == ("agent", "vm", CONNECTED, REASON_CHANNEL), 60)
        self.agent_command('{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":'
                           '["-c","sleep 2; kill -STOP $PPID && '
                           'echo vbguest: agent stopped >/dev/console"]}}')
        self.wait_log(re.compile(r"^vbguest: agent stopped\s*$", re.M), "the agent's stop", 120)
        cmd = ["virsh", "-q", "-c", self.daemon.uri, "qemu-agent-command", "vm",
               '{"execute":"guest-get-osinfo"}', "--block"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(proc.kill)
        vbtest.wait_for(lambda: re.search(r"send: guest-get-osinfo ",
                                          self.daemon.log(tail=200000)),
                        60, "the blocking command at the agent")
        # the domain's other calls and its monitor answer meanwhile
        self.daemon.virsh("dominfo", "vm")
        self.daemon.virsh("qemu-monitor-command", "vm", '{"execute":"query-status"}')
        self.daemon.virsh("domstate", "vm")
        self.assertIsNone(proc.poll(), "the blocking command ended before the domain went")
        # another agent command gives up after its own timeout
        t0 = time.monotonic()
        queued = self.agent_command('{"execute":"guest-ping"}', "--timeout", "2", check=False)
        self.assertIn("Timed out during operation: cannot acquire state change lock "
                      "(held by agent=guest-get-osinfo)", queued.stderr)
        self.assertLess(time.monotonic() - t0, 25)
        self.daemon.virsh("destroy", "vm")
        out, err = proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Guest agent is not responding", err)

    def test_agent_absent(self):
        # configured, but nobody in the guest opens the port
        self.start_guest(agent="off")
        self.assertEqual(self.wait_log(STARTED_RE, "the guest", test_realguest.BOOT_TIMEOUT)
                         .group(1), "absent")
        proc = self.agent_command('{"execute":"guest-info"}', check=False)
        self.assertIn("error: Guest agent is not responding: QEMU guest agent is not connected",
                      proc.stderr)
        proc = self.daemon.virsh("domtime", "vm", check=False)
        self.assertIn("QEMU guest agent is not connected", proc.stderr)
        self.daemon.virsh("destroy", "vm")
        # not configured at all
        self.daemon.virsh("undefine", "vm")
        self.start_guest(agent="off", channel=False)
        proc = self.daemon.virsh("domfsfreeze", "vm", check=False)
        self.assertIn("error: argument unsupported: QEMU guest agent is not configured",
                      proc.stderr)
        self.daemon.virsh("destroy", "vm")
        # a shut-off domain
        proc = self.agent_command('{"execute":"guest-info"}', check=False)
        self.assertIn("Requested operation is not valid: domain is not running", proc.stderr)

    def guestinfo(self, *args, check=True):
        proc = self.daemon.virsh("guestinfo", "vm", *args, check=check)
        return [tuple(part.strip() for part in line.split(":", 1))
                for line in proc.stdout.splitlines() if line.strip()] if check else proc

    def test_guest_info_and_addresses(self):
        # what libvirtd 9.0 answers for this guest (its initramfs: nobody
        # logged in, no os-release, lo down), key for key and in its order
        self.start_guest()
        self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
        self.events.wait(lambda e: e == ("agent", "vm", CONNECTED, REASON_CHANNEL), 60)
        uname = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
        info = self.guestinfo()
        self.assertEqual([k for k, v in info],
                         ["user.count", "os.machine", "os.kernel-release", "os.kernel-version",
                          "timezone.name", "timezone.offset", "hostname", "if.count",
                          "if.0.name", "if.0.hwaddr", "if.0.addr.count"])
        values = dict(info)
        self.assertEqual(values["user.count"], "0")
        self.assertEqual(values["os.machine"], uname)
        self.assertRegex(values["os.kernel-release"], r"-cloud-amd64$")
        self.assertEqual((values["timezone.name"], values["timezone.offset"]), ("UTC", "0"))
        self.assertEqual(values["hostname"], "(none)")
        self.assertEqual((values["if.0.name"], values["if.0.hwaddr"], values["if.0.addr.count"]),
                         ("lo", "00:00:00:00:00:00", "0"))
        self.assertEqual(self.guestinfo("--hostname"), [("hostname", "(none)")])
        # the types through python3-libvirt
        self.assertEqual(self.dom.guestInfo(libvirt.VIR_DOMAIN_GUEST_INFO_TIMEZONE),
                         {"timezone.name": "UTC", "timezone.offset": 0})
        # no file system, no disk here (test_quiesce.py mounts one): nothing
        self.assertEqual(self.guestinfo("--filesystem"), [])
        self.assertEqual(self.guestinfo("--disk"), [])
        self.assertIn("No filesystems are mounted in the domain",
                      self.daemon.virsh("domfsinfo", "vm", quiet=False).stdout)
        # a group libvirt 9.0 does not know, and read-only connections, refused as libvirt
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.guestInfo(0x80)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_INVALID_ARG)
        self.assertIn("unsupported guest information types '0x80'", str(cm.exception))
        proc = self.daemon.virsh("domfsinfo", "vm", ro=True, check=False)
        self.assertIn("read only access prevents virDomainGetFSInfo", proc.stderr)
        proc = self.daemon.virsh("guestinfo", "vm", ro=True, check=False)
        self.assertIn("operation forbidden: read only access prevents virDomainGetGuestInfo",
                      proc.stderr)

        # domifaddr: the agent's interfaces (lo only, down), as libvirtd 9.0
        # prints them; the default source, leases, has none here
        out = self.daemon.virsh("domifaddr", "vm", "--source", "agent", quiet=False).stdout
        self.assertRegex(out, r"\n lo +00:00:00:00:00:00 +N/A +N/A\n")
        ifaces = self.dom.interfaceAddresses(libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT)
        self.assertEqual(ifaces, {"lo": {"hwaddr": "00:00:00:00:00:00", "addrs": None}})
        self.assertEqual(self.daemon.virsh("domifaddr", "vm").stdout.strip(), "")
        proc = self.daemon.virsh("domifaddr", "vm", "--source", "agent", ro=True, check=False)
        self.assertIn("read only access prevents virDomainInterfaceAddresses", proc.stderr)
        self.assertEqual(self.daemon.virsh("domifaddr", "vm", ro=True).stdout.strip(), "")
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.interfaceAddresses(7)
        self.assertIn("Unknown IP address data source 7", str(cm.exception))

        self.daemon.virsh("destroy", "vm")
        proc = self.guestinfo(check=False)
        self.assertIn("domain is not running", proc.stderr)


    def openssl_sha512(self, salt, password):
        return subprocess.run(["openssl", "passwd", "-6", "-salt", salt, "-stdin"],
                              input=password, capture_output=True, text=True,
                              check=True).stdout.strip()

    def test_set_user_password(self):
        # the guest's chpasswd is Debian's, with pam_unix making SHA-512
        # hashes; vbuser starts locked
        self.start_guest()
        self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
        self.events.wait(lambda e: e == ("agent", "vm", CONNECTED, REASON_CHANNEL), 60)
        before = self.shadow()
        self.assertEqual(before, {"root": "*", "vbuser": "!"})

        # a clear password, with characters chpasswd and JSON care about:
        # the guest hashed exactly it (recomputed from the salt it chose)
        clear = 'Tr1ck:y "pa$$" \\ w\u00f6rd'
        self.daemon.virsh("set-user-password", "vm", "vbuser", clear)
        hashed = self.shadow()["vbuser"]
        m = re.fullmatch(r"\$6\$([^$]+)\$[./0-9A-Za-z]+", hashed)
        self.assertIsNotNone(m, hashed)
        self.assertEqual(self.openssl_sha512(m.group(1), clear), hashed)
        self.assertNotEqual(self.openssl_sha512(m.group(1), clear[:-1]), hashed)

        # --encrypted: the crypt string lands in /etc/shadow as it is
        crypted = self.openssl_sha512("vbSalt.42", "another secret")
        self.daemon.virsh("set-user-password", "vm", "vbuser", crypted, "--encrypted")
        # (checked before the test reads it back through the agent)
        log = self.daemon.log(None)
        self.assertIn("send: guest-set-user-password (seconds=", log)
        self.assertNotIn(crypted, log)
        self.assertNotIn(base64.b64encode(crypted.encode()).decode(), log)
        self.assertEqual(self.shadow(), {"root": "*", "vbuser": crypted})
        # and through python3-libvirt, for root, clear then crypted
        self.dom.setUserPassword("root", "r00t secret", 0)
        hashed = self.shadow()["root"]
        salt = hashed.split("$")[2]
        self.assertEqual(self.openssl_sha512(salt, "r00t secret"), hashed)
        self.dom.setUserPassword("root", "*", libvirt.VIR_DOMAIN_PASSWORD_ENCRYPTED)
        after = {"root": "*", "vbuser": crypted}
        self.assertEqual(self.shadow(), after)

        # the agent's errors, as libvirtd 9.0 reports them: a user the
        # guest does not know (chpasswd fails), names chpasswd's input
        # cannot carry and a password with a newline (the agent refuses
        # them); names with shell or JSON syntax are only unknown users
        prefix = ("internal error: unable to execute QEMU agent command "
                  "'guest-set-user-password': ")
        cases = [("nosuchuser", "pw", "child process has failed to set user password"),
                 ('vb"user\\', "pw", "child process has failed to set user password"),
                 ("vbuser;touch /pwned", "pw", "child process has failed to set user password"),
                 ("$(touch /pwned)", "pw", "child process has failed to set user password"),
                 ("vbuser:0", "pw", "forbidden characters in username"),
                 ("vbuser\nroot", "pw", "forbidden characters in username"),
                 ("vbuser", "pw\nroot:pw", "forbidden characters in raw password")]
        for user, password, desc in cases:
            for flags in (0, libvirt.VIR_DOMAIN_PASSWORD_ENCRYPTED):
                with self.subTest(user=user, password=password, flags=flags):
                    with self.assertRaises(libvirt.libvirtError) as cm:
                        self.dom.setUserPassword(user, password, flags)
                    err = cm.exception
                    self.assertEqual((err.get_error_code(), err.get_error_domain()),
                                     (libvirt.VIR_ERR_INTERNAL_ERROR, libvirt.VIR_FROM_QEMU))
                    self.assertEqual(str(cm.exception), prefix + desc)
        proc = self.daemon.virsh("set-user-password", "vm", "nosuchuser", "pw", "--encrypted",
                                 check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("error: " + prefix + "child process has failed to set user password",
                      proc.stderr)
        # nothing changed, nothing ran
        self.assertEqual(self.shadow(), after)
        proc = self.agent_command(json.dumps({"execute": "guest-file-open",
                                              "arguments": {"path": "/pwned"}}), check=False)
        self.assertIn("No such file or directory", proc.stderr)

        # the password never reaches the daemon's log (a crypted one is
        # checked above); a read-only connection may not set one
        log = self.daemon.log(None)
        for secret in (clear, "r00t secret", base64.b64encode(clear.encode()).decode(),
                       base64.b64encode(b"r00t secret").decode()):
            self.assertNotIn(secret, log)
        proc = self.daemon.virsh("set-user-password", "vm", "vbuser", "pw", ro=True, check=False)
        self.assertIn("read only access prevents virDomainSetUserPassword", proc.stderr)
        self.assertEqual(self.shadow(), after)
        self.daemon.virsh("destroy", "vm")


if __name__ == "__main__":
    vbtest.main()
