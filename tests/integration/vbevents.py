# SPDX-License-Identifier: LGPL-2.1-or-later
"""A python3-libvirt connection with its event loop in a thread, and a
recorder of domain events, for tests that wait on what clients see."""

import threading
import time

import libvirt

_loop_started = False
_loop_lock = threading.Lock()


def _start_event_loop():
    global _loop_started
    with _loop_lock:
        if _loop_started:
            return
        libvirt.virEventRegisterDefaultImpl()

        def run():
            while True:
                libvirt.virEventRunDefaultImpl()

        threading.Thread(target=run, daemon=True, name="libvirt-events").start()
        _loop_started = True


class EventRecorder:
    """Records lifecycle, block job, control error and reboot events of one
    connection."""

    def __init__(self, uri):
        _start_event_loop()
        self.conn = libvirt.open(uri)
        self.cond = threading.Condition()
        self.events = []
        self.ids = []
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self._lifecycle, None))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB, self._blockjob, "block-job"))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, self._blockjob, "block-job-2"))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_CONTROL_ERROR, self._control_error, None))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, self._reboot, None))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, self._tray_change, None))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_IO_ERROR, self._io_error, None))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, self._io_error_reason, None))

    def _record(self, ev):
        with self.cond:
            self.events.append(ev)
            self.cond.notify_all()

    def _lifecycle(self, conn, dom, event, detail, opaque):
        self._record(("lifecycle", dom.name(), event, detail))

    def _blockjob(self, conn, dom, disk, jobtype, status, opaque):
        self._record((opaque, dom.name(), disk, jobtype, status))

    def _control_error(self, conn, dom, opaque):
        self._record(("control-error", dom.name()))

    def _reboot(self, conn, dom, opaque):
        self._record(("reboot", dom.name()))

    def _tray_change(self, conn, dom, dev_alias, reason, opaque):
        self._record(("tray-change", dom.name(), dev_alias, reason))

    def _io_error(self, conn, dom, src_path, dev_alias, action, opaque):
        self._record(("io-error", dom.name(), src_path, dev_alias, action))

    def _io_error_reason(self, conn, dom, src_path, dev_alias, action, reason, opaque):
        self._record(("io-error-reason", dom.name(), src_path, dev_alias, action, reason))

    def wait(self, match, timeout=60):
        """Waits for an event for which @match(event) is true; returns it."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for ev in self.events:
                    if match(ev):
                        return ev
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no matching event within %d s; got %r" %
                                         (timeout, self.events))
                self.cond.wait(left)

    def of_kind(self, kind, name=None):
        with self.cond:
            return [e for e in self.events if e[0] == kind and (name is None or e[1] == name)]

    def close(self):
        if self.conn is None:
            return
        for cid in self.ids:
            try:
                self.conn.domainEventDeregisterAny(cid)
            except libvirt.libvirtError:
                pass
        try:
            self.conn.close()
        except libvirt.libvirtError:
            pass
        self.conn = None
