#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The host description as the stock virsh 9.0 and python3-libvirt read it
from virtblockd: capabilities and domain capabilities (parsed, checked
against what QEMU offers, validated with libvirt's RelaxNG schemas),
nodeinfo, freecell, nodememstats, sysinfo, version, and libvirt's answer
for procedures we do not serve."""

import os
import subprocess
import xml.etree.ElementTree as ET

import libvirt

import vbtest

SCHEMAS = "/usr/share/libvirt/schemas"


def meminfo(key, path="/proc/meminfo"):
    with open(path) as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


class HostInfoTest(vbtest.DaemonTestCase):
    def v(self, *args, **kw):
        return self.daemon.virsh(*args, **kw)

    def wait_read_only_socket(self):
        # the daemon listens on the read-write socket first
        vbtest.wait_for(lambda: os.path.exists(self.daemon.sock_ro), 30,
                        "the read-only socket")

    def validate(self, text, schema):
        rng = os.path.join(SCHEMAS, schema)
        # libvirt0 and libxml2-utils are dependencies (scripts/install-deps.sh):
        # a check skipped without them would pass without checking
        self.assertTrue(os.path.exists(rng), rng)
        self.assertTrue(os.path.exists("/usr/bin/xmllint"), "xmllint")
        path = os.path.join(self.tmp, schema + ".xml")
        with open(path, "w") as fh:
            fh.write(text)
        proc = subprocess.run(["xmllint", "--noout", "--relaxng", rng, path],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_define_fills_emulator_from_capabilities(self):
        # as libvirt: a definition without <emulator> (virt-install writes
        # none) gets the emulator the capabilities list for its
        # architecture, in the live and in the persistent definition
        caps = ET.fromstring(self.v("capabilities").stdout)
        emulator = caps.findtext("guest/arch[@name='x86_64']/emulator")
        self.assertTrue(emulator)
        xml = vbtest.domain_xml("noemu", [])
        xml = xml.replace("<emulator>/usr/bin/qemu-system-x86_64</emulator>", "")
        self.assertNotIn("<emulator", xml)
        path = os.path.join(self.tmp, "noemu.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.v("define", path)
        for restarted in (False, True):
            dumped = ET.fromstring(self.v("dumpxml", "noemu").stdout)
            self.assertEqual(dumped.findtext("devices/emulator"), emulator, restarted)
            self.daemon.stop()
            self.daemon.start()

    def test_capabilities(self):
        text = self.v("capabilities").stdout
        self.validate(text, "capability.rng")
        root = ET.fromstring(text)
        host = root.find("host")
        self.assertEqual(host.findtext("cpu/arch"), os.uname().machine)
        topo = host.find("cpu/topology")
        cells = host.findall("topology/cells/cell")
        self.assertGreaterEqual(len(cells), 1)
        ncpus = sum(len(c.findall("cpus/cpu")) for c in cells)
        self.assertEqual(ncpus, os.cpu_count())
        self.assertEqual(int(topo.get("sockets")) * int(topo.get("dies")) *
                         int(topo.get("cores")) * int(topo.get("threads")) * len(cells), ncpus)
        self.assertEqual(host.findtext("secmodel/model"), "none")
        guests = {g.find("arch").get("name"): g for g in root.findall("guest")}
        self.assertIn("x86_64", guests)
        arch = guests["x86_64"].find("arch")
        self.assertEqual(arch.findtext("emulator"), "/usr/bin/qemu-system-x86_64")
        machines = arch.findall("machine")
        # the preferred machine first, its alias right after
        self.assertTrue(machines[0].text.startswith("pc-i440fx-"))
        self.assertEqual((machines[1].text, machines[1].get("canonical")),
                         ("pc", machines[0].text))
        q35 = [m for m in machines if m.text == "q35"]
        self.assertEqual(len(q35), 1)
        self.assertTrue(q35[0].get("canonical").startswith("pc-q35-"))
        self.assertEqual(q35[0].get("maxCpus"), "288")
        types = [d.get("type") for d in arch.findall("domain")]
        self.assertEqual(types[0], "qemu")
        self.assertEqual("kvm" in types, os.access("/dev/kvm", os.R_OK | os.W_OK))
        if os.path.exists("/usr/bin/qemu-system-i386"):
            self.assertEqual(guests["i686"].findtext("arch/wordsize"), "32")

        # python3-libvirt reads the same document
        conn = libvirt.open(self.daemon.uri)
        try:
            self.assertEqual(ET.fromstring(conn.getCapabilities()).find("host/uuid").text,
                             host.findtext("uuid"))
        finally:
            conn.close()

    def test_domcapabilities(self):
        text = self.v("domcapabilities").stdout
        self.validate(text, "domaincaps.rng")
        root = ET.fromstring(text)
        self.assertEqual(root.findtext("path"), "/usr/bin/qemu-system-x86_64")
        self.assertTrue(root.findtext("machine").startswith("pc-i440fx-"))
        self.assertEqual(root.findtext("arch"), "x86_64")
        self.assertEqual(root.find("vcpu").get("max"), "255")
        buses = [v.text for v in root.findall("devices/disk/enum[@name='bus']/value")]
        self.assertEqual(buses, ["scsi", "virtio", "sata"])

        q35 = ET.fromstring(self.v("domcapabilities", "--machine", "q35",
                                   "--virttype", "qemu").stdout)
        self.assertTrue(q35.findtext("machine").startswith("pc-q35-"))
        self.assertEqual(q35.find("vcpu").get("max"), "288")
        self.assertEqual(q35.findtext("domain"), "qemu")

        if os.path.exists("/usr/bin/qemu-system-i386"):
            i686 = ET.fromstring(self.v("domcapabilities", "--arch", "i686").stdout)
            self.assertEqual(i686.findtext("path"), "/usr/bin/qemu-system-i386")
            self.assertEqual(i686.findtext("arch"), "i686")
            proc = self.v("domcapabilities", "--emulatorbin", "/usr/bin/qemu-system-i386",
                          "--arch", "x86_64", check=False)
            self.assertIn("invalid argument: Emulator '/usr/bin/qemu-system-i386' does not "
                          "support arch 'x86_64'", proc.stderr)
        # the x86_64 binary serves i686 too
        both = ET.fromstring(self.v("domcapabilities", "--emulatorbin",
                                    "/usr/bin/qemu-system-x86_64", "--arch", "i686").stdout)
        self.assertEqual(both.findtext("arch"), "i686")

        conn = libvirt.open(self.daemon.uri)
        try:
            doc = conn.getDomainCapabilities(None, "x86_64", "pc", "qemu", 0)
            self.assertEqual(ET.fromstring(doc).findtext("machine"),
                             root.findtext("machine"))
            with self.assertRaises(libvirt.libvirtError) as cm:
                conn.getDomainCapabilities(None, None, "foo", None, 0)
            self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_INVALID_ARG)
            self.assertIn("the machine 'foo' is not supported by emulator "
                          "'/usr/bin/qemu-system-x86_64'", str(cm.exception))
        finally:
            conn.close()

        for args, message in (
                (("--arch", "ppc64"),
                 "unsupported configuration: unable to find any emulator to serve 'ppc64' "
                 "architecture"),
                (("--arch", "bogus"), "invalid argument: unknown architecture: bogus"),
                (("--virttype", "bogus"), "invalid argument: unknown virttype: bogus"),
                (("--emulatorbin", "/nonexistent"),
                 "error: Cannot check QEMU binary /nonexistent: No such file or directory")):
            proc = self.v("domcapabilities", *args, check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn(message, proc.stderr)

    def test_nodeinfo_memory(self):
        out = self.v("nodeinfo").stdout
        self.assertRegex(out, r"CPU model:\s+%s" % os.uname().machine)
        self.assertRegex(out, r"CPU\(s\):\s+%d\n" % os.cpu_count())
        self.assertRegex(out, r"Memory size:\s+%d KiB" % meminfo("MemTotal"))
        conn = libvirt.open(self.daemon.uri)
        try:
            info = conn.getInfo()
            self.assertEqual(info[0], os.uname().machine)
            self.assertEqual(info[2], os.cpu_count())
            self.assertGreater(conn.getFreeMemory(), 0)
            cells = conn.getCellsFreeMemory(0, 64)
            self.assertGreaterEqual(len(cells), 1)
            stats = conn.getMemoryStats(libvirt.VIR_NODE_MEMORY_STATS_ALL_CELLS, 0)
            self.assertEqual(sorted(stats), ["buffers", "cached", "free", "total"])
            self.assertEqual(stats["total"], meminfo("MemTotal"))
        finally:
            conn.close()
        self.assertRegex(self.v("freecell").stdout, r"Total: \d+ KiB")
        self.assertRegex(self.v("freecell", "--all").stdout, r"(?m)^\s+0:\s+\d+ KiB$")
        self.assertRegex(self.v("nodememstats").stdout, r"(?m)^total\s+:\s+%d KiB$" %
                         meminfo("MemTotal"))
        proc = self.v("freecell", "4096", check=False)
        self.assertIn("error: internal error: start cell 4096 out of range", proc.stderr)

    def test_nodecpustats(self):
        out = self.v("nodecpustats").stdout
        for name in ("user", "system", "idle", "iowait"):
            self.assertRegex(out, r"(?m)^%s:\s+\d+$" % name)
        self.assertRegex(self.v("nodecpustats", "0").stdout, r"(?m)^idle:\s+\d+$")
        proc = self.v("nodecpustats", str(os.cpu_count() + 7), check=False)
        self.assertIn("Invalid cpuNum in virHostCPUGetStatsLinux", proc.stderr)

    def test_maxvcpus(self):
        # virsh asks the domain capabilities first: the default machine's
        self.assertEqual(self.v("maxvcpus").stdout.strip(), "255")
        conn = libvirt.open(self.daemon.uri)
        try:
            self.assertEqual(conn.getMaxVcpus(None), 16)
            self.assertEqual(conn.getMaxVcpus("qemu"), 16)
            with self.assertRaises(libvirt.libvirtError) as cm:
                conn.getMaxVcpus("xen")
            self.assertIn("invalid argument: unknown type 'xen'", str(cm.exception))
            if os.path.exists("/dev/kvm"):
                self.assertGreaterEqual(conn.getMaxVcpus("kvm"), 4)
            else:
                with self.assertRaises(libvirt.libvirtError) as cm:
                    conn.getMaxVcpus("kvm")
                self.assertIn("Unable to open /dev/kvm", str(cm.exception))
        finally:
            conn.close()
        # read-only: domain capabilities are refused, virsh falls back
        self.wait_read_only_socket()
        proc = self.v("maxvcpus", ro=True)
        self.assertEqual(proc.stdout.strip(), "16")

    def test_version_sysinfo_hostname(self):
        qemu = subprocess.run(["/usr/bin/qemu-system-x86_64", "--version"], capture_output=True,
                              text=True).stdout.split()[3]
        self.assertIn("Running hypervisor: QEMU %s" % qemu, self.v("version").stdout)
        self.assertEqual(self.v("hostname").stdout.strip(), os.uname().nodename)
        if not os.path.exists("/sys/class/dmi/id/product_uuid"):
            proc = self.v("sysinfo", check=False)
            self.assertIn("error: unsupported configuration: Host SMBIOS information is not "
                          "available", proc.stderr)

    def test_read_only(self):
        self.wait_read_only_socket()
        conn = libvirt.openReadOnly(self.daemon.uri_ro)
        try:
            self.assertTrue(conn.getCapabilities().startswith("<capabilities>"))
            # libvirt refuses these before it looks for a driver, served or not
            for call, api, domain in (
                    (lambda: conn.getDomainCapabilities(None, None, None, None, 0),
                     "virConnectGetDomainCapabilities", libvirt.VIR_FROM_DOMAIN),
                    (lambda: conn.networkCreateXML("<network><name>n</name></network>"),
                     "virNetworkCreateXML", libvirt.VIR_FROM_NETWORK)):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    call()
                self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_DENIED)
                self.assertEqual(cm.exception.get_error_domain(), domain)
                self.assertIn("read only access prevents " + api, str(cm.exception))
            if not os.path.exists("/sys/class/dmi/id"):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    conn.getSysinfo(0)
                self.assertEqual(cm.exception.get_error_domain(), libvirt.VIR_FROM_QEMU)
        finally:
            conn.close()

    def test_unserved_procedures(self):
        # libvirt's words for a call its driver lacks, with the API's name
        for args, api in ((("net-list",), "virConnectNumOfNetworks"),
                          (("secret-list",), "virConnectNumOfSecrets"),
                          (("nodedev-list",), "virNodeNumOfDevices")):
            proc = self.v(*args, check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("error: this function is not supported by the connection driver: " +
                          api, proc.stderr)


if __name__ == "__main__":
    vbtest.main()
