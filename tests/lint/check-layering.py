#!/usr/bin/env python3
# Includes point only down: rpc -> driver -> qemu_glue -> conf -> util,
# and inside src/driver along the file order below (driver_levels).
# (The link graph enforces the layers too; this names the offending line.)
import os
import re
import sys

top = sys.argv[1]
layers = ["util", "conf", "qemu_glue", "driver", "rpc", "daemon"]
owner = {}
for layer in layers:
    d = os.path.join(top, "src", layer)
    for name in os.listdir(d) if os.path.isdir(d) else []:
        if name.endswith(".h"):
            owner[name] = layer

bad = False
for layer in layers:
    d = os.path.join(top, "src", layer)
    if not os.path.isdir(d):
        continue
    for name in sorted(os.listdir(d)):
        if not name.endswith((".c", ".h")):
            continue
        with open(os.path.join(d, name), encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                inc = os.path.basename(m.group(1))
                if inc in owner and layers.index(owner[inc]) > layers.index(layer):
                    print(f"src/{layer}/{name}:{lineno}: includes {inc} from the higher layer "
                          f"'{owner[inc]}'")
                    bad = True

# Inside src/driver the files are ordered too, bottom first, so that calls
# between them only point down: a file (its .c and .h) includes only
# headers of driver files at its own level or below.  Files on one level
# may include each other; each level says why it is where it is.
driver_levels = [
    # client events, queued for the main loop
    ["vbdomainevent"],
    # the domain object and what it holds: the driver's shared state
    # (libvirt's qemu_conf.h), the client's handle, block jobs and their
    # per-type data, the status file, queued work
    ["vbdriverconf", "vbdomainobj", "vbdomainhandle", "vbblockjob", "vbdomainstatus"],
    # the guest's file systems frozen for a snapshot, and thawed after a restart
    ["vbdomainquiesce"],
    # bitmaps carried through a commit
    ["vbblockbitmap"],
    # what the end of a commit job means for the disk
    ["vbblockcommitcomplete"],
    # the block job machine: what QEMU reports, applied
    ["vbblockjobupdate"],
    # the host side of interfaces: taps created, enslaved, removed
    ["vbdomaininterface"],
    # QEMU and storage daemon processes, their monitors and events
    ["vbdomainprocess"],
    # block jobs on a shut-off domain, in a storage daemon
    ["vbblockoffline"],
    # block commit and its entry points
    ["vbblockcommit"],
    # a running guest's memory saved into a file for a snapshot, and restored
    ["vbsnapshotmemory"],
    # disk-only snapshots, and their deletes a restart finishes or undoes
    ["vbsnapshot", "vbsnapshotdeleterecover"],
    # revert to a snapshot: new overlays from vbsnapshot, their bitmaps, the
    # domain stopped and started
    ["vbsnapshotrevert", "vbsnapshotrevertbitmap"],
    # the console of a running domain, as a stream for the RPC layer
    ["vbdomainconsole"],
    # the medium of a cdrom changed, a disk's I/O limits read back
    ["vbdomainmedia", "vbdomainiotune"],
    # the domain entry points; the balloon's, the interfaces' and the guest agent's beside them
    ["vbdomainops", "vbdomainmemory", "vbdomainnet", "vbdomainagent", "vbdomainhotplug"],
    # the host entry points: capabilities, node information
    ["vbhost"],
    # the storage driver's state: pools, volumes, their files (nothing of
    # a domain)
    ["vbstoragepoolobj"],
    # the storage entry points
    ["vbstorage"],
    # the driver: directories, threads, the worker that runs queued work
    ["vbdriver"],
]
driver_level = {name: i for i, names in enumerate(driver_levels) for name in names}

d = os.path.join(top, "src", "driver")
for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    if not name.endswith((".c", ".h")):
        continue
    base = name[:-2]
    if base not in driver_level:
        print(f"src/driver/{name}: not in the driver's file order (driver_levels in "
              f"tests/lint/check-layering.py)")
        bad = True
        continue
    with open(os.path.join(d, name), encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            inc = os.path.basename(m.group(1))
            if owner.get(inc) != "driver":
                continue
            incbase = inc[:-2]
            if incbase not in driver_level:
                continue  # reported above, as a file of its own
            if driver_level[incbase] > driver_level[base]:
                print(f"src/driver/{name}:{lineno}: includes {inc}, which is above it in the "
                      f"driver's file order")
                bad = True

sys.exit(1 if bad else 0)
