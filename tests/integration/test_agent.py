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
- libvirt's errors without a connected or a configured agent.

Every wait is on the guest's log or on events, bounded."""

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


if __name__ == "__main__":
    vbtest.main()
