/*
 * vbqemudevice.h: the QEMU device of each device family
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each device family (disk, controller, serial port, memballoon) has two
 * functions here, as libvirt's qemu_validate.c and qemuBuild*DevProps():
 *  - a check refusing what QEMU cannot run or we cannot build;
 *  - a builder of the properties of its QEMU device, a JSON object with
 *    "driver" (the QEMU device model) first, then the other properties in
 *    the order our command lines have always shown them.
 * The command line runs the checks of every device before it builds
 * anything, then turns each props object into a -device argument in
 * QEMU's key=value syntax; hotplug will run the check of the device it
 * adds and send the same object as the arguments of device_add.
 *
 * Property types are those of QEMU 7.2's qdev properties, so the object is
 * valid for device_add as it is: strings ("bus", "addr":"0x3", "drive",
 * "serial", "write-cache":"on"), numbers ("bootindex", "index", "lun") and
 * booleans ("share-rw").
 *
 * Every function here reads the aliases and addresses that
 * vbQemuDomainAssignAddresses() gave @def: a device without them is the
 * caller's bug (VIR_ERR_INTERNAL_ERROR).
 */

#pragma once

#include "vbdomainconf.h"
#include "vbjson.h"

/*
 * vbQemuDeviceValidate{Disk,Controller,Chr}:
 * 0 if the device of @def can be built, else -1 with an error:
 * VIR_ERR_CONFIG_UNSUPPORTED naming the device and what is missing (a
 * virtio cdrom, SATA on a 'pc' machine, io='native' without cache='none',
 * a fifth serial port).
 */
int vbQemuDeviceValidateDisk(const vbDomainDef *def, const vbDomainDiskDef *disk);
int vbQemuDeviceValidateController(const vbDomainDef *def, const vbDomainControllerDef *cont);
int vbQemuDeviceValidateChr(const vbDomainDef *def, const vbDomainChrDef *chr);
/* A USB input on a domain without USB bus, a VNC port outside
 * [5900,65535] (libvirt's wording), a video model QEMU lacks. */
int vbQemuDeviceValidateInput(const vbDomainDef *def, const vbDomainInputDef *input);
int vbQemuDeviceValidateGraphics(const vbDomainDef *def, const vbDomainGraphicsDef *graphics);
int vbQemuDeviceValidateVideo(const vbDomainDef *def, const vbDomainVideoDef *video);
int vbQemuDeviceValidateWatchdog(const vbDomainDef *def, const vbDomainWatchdogDef *watchdog);
int vbQemuDeviceValidateMemballoon(const vbDomainDef *def, const vbDomainMemballoonDef *balloon);
int vbQemuDeviceValidateRNG(const vbDomainDef *def, const vbDomainRNGDef *rng);
/* user networking only for now: ethernet and bridge are refused until the
 * daemon creates taps */
int vbQemuDeviceValidateNet(const vbDomainDef *def, const vbDomainNetDef *net);

/* The check of @dev's family; 0 for a family without one. */
int vbQemuDeviceValidate(const vbDomainDef *def, const vbDomainDeviceDef *dev);

/*
 * vbQemuDeviceBuild{Disk,Controller,Chr,Memballoon}Props:
 * Sets *@props to a new object owned by the caller, the properties of the
 * QEMU device of a device of @def that passed its check, e.g.
 *   {"driver":"virtio-blk-pci","bus":"pcie.0","addr":"0x2",
 *    "drive":"libvirt-1-format","id":"virtio-disk0","bootindex":1}
 * or to NULL when the device has no QEMU device of its own: the root PCI
 * bus and q35's AHCI controller are part of the machine, a memballoon of
 * model 'none' is no device at all.
 *
 * A disk's "bootindex" is its <boot order>, or, when no disk of @def has
 * one, the place <os><boot dev> gives it (as libvirt); a disk not in @def
 * (one being hotplugged) gets only its own <boot order>.  A disk with an
 * image refers to the image's format node (vbqemublock.h), which the
 * caller adds first.
 *
 * Returns 0, or -1 with an error reported: VIR_ERR_INTERNAL_ERROR for a
 * device without alias, address or node names, VIR_ERR_CONFIG_UNSUPPORTED
 * for a memballoon model we cannot build.
 */
int vbQemuDeviceBuildDiskProps(const vbDomainDef *def, const vbDomainDiskDef *disk,
                               vbJSONValue **props);
int vbQemuDeviceBuildControllerProps(const vbDomainDef *def, const vbDomainControllerDef *cont,
                                     vbJSONValue **props);
int vbQemuDeviceBuildChrProps(const vbDomainDef *def, const vbDomainChrDef *chr,
                              vbJSONValue **props);
/* An input on ps2 and a video of model 'none' have no QEMU device
 * (NULL); a usb input sits on "usb.0" at its port, e.g.
 *   {"driver":"usb-tablet","id":"input0","bus":"usb.0","port":"1"}
 * and a video carries its sizes as QEMU names them, e.g.
 *   {"driver":"virtio-vga","id":"video0","max_outputs":1,"bus":"pcie.0","addr":"0x1"} */
int vbQemuDeviceBuildInputProps(const vbDomainDef *def, const vbDomainInputDef *input,
                                vbJSONValue **props);
int vbQemuDeviceBuildVideoProps(const vbDomainDef *def, const vbDomainVideoDef *video,
                                vbJSONValue **props);
int vbQemuDeviceBuildWatchdogProps(const vbDomainDef *def, const vbDomainWatchdogDef *watchdog,
                                   vbJSONValue **props);
int vbQemuDeviceBuildMemballoonProps(const vbDomainDef *def, const vbDomainMemballoonDef *balloon,
                                     vbJSONValue **props);
int vbQemuDeviceBuildRNGProps(const vbDomainDef *def, const vbDomainRNGDef *rng,
                              vbJSONValue **props);
int vbQemuDeviceBuildPanicProps(const vbDomainDef *def, const vbDomainPanicDef *panic,
                                vbJSONValue **props);

/* The props of @dev by its family, as above (device_add of any device). */
int vbQemuDeviceBuildProps(const vbDomainDef *def, const vbDomainDeviceDef *dev,
                           vbJSONValue **props);

/* Names the socket of each listening channel of @def without one, in
 * @dir (libvirt's channel target directory of the domain): the channel's
 * target name, or "vioser-CC-BB-PP.sock" after its virtio-serial address.
 * The live definition only: the persistent one keeps no such path. */
int vbQemuDeviceChrAssignSocketPaths(vbDomainDef *def, const char *dir);
/* Forgets the socket paths vbQemuDeviceChrAssignSocketPaths gave in @dir,
 * so that another start assigns its own (libvirt's
 * qemuDomainChrDefDropDefaultPath, for the migratable XML of a save
 * image). */
void vbQemuDeviceChrDropSocketPaths(vbDomainDef *def, const char *dir);

/* Whether @chr is an ISA serial port (a <serial>, or a <console> of
 * target type serial), not a port of a virtio-serial controller. */
bool vbQemuDeviceChrIsSerialPort(const vbDomainChrDef *chr);

/* The id of the character device behind serial port @chr, "char" + its
 * alias, which the "chardev" property names.  A new string. */
char *vbQemuDeviceChrBackendAlias(const vbDomainChrDef *chr);

/* QEMU's -watchdog-action for @action; libvirt takes a 'dump' as a pause
 * (it then dumps and resumes).  A static string, NULL for no action. */
const char *vbQemuDeviceWatchdogAction(vbDomainWatchdogAction action);

/* The ids of the backend object ("obj" + alias) and, for an EGD backend,
 * the socket chardev ("char" + alias) of @rng.  New strings. */
char *vbQemuDeviceRNGBackendAlias(const vbDomainRNGDef *rng);
/* The id of @net's -netdev ("host" + alias, as libvirt's "hostnet0").  A
 * new string. */
char *vbQemuDeviceNetBackendAlias(const vbDomainNetDef *net);
/* Sets *@props to the -netdev/netdev_add properties of @net:
 * {"type":"user","id":"hostnet0"}.  0, or -1 with an error. */
int vbQemuDeviceBuildNetBackendProps(const vbDomainNetDef *net, vbJSONValue **props);
/* The descriptors QEMU is given for @net's tap: *@ntapfds, one per queue
 * (0 for an interface without a tap), and as many vhost-net descriptors
 * when @vhostNet (/dev/vhost-net can be opened) and the model is virtio
 * (libvirt's qemuInterfaceOpenVhostNet), else none. */
void vbQemuDeviceNetTapFdCount(const vbDomainNetDef *net, bool vhostNet, size_t *ntapfds,
                               size_t *nvhostfds);
/* Sets *@props to the -netdev/netdev_add properties of @net's tap, QEMU
 * finding its queues at @tapfds ("3", or "3:4" for two) and, unless NULL,
 * vhost-net at @vhostfds: {"type":"tap","fd":"3","vhost":true,
 * "vhostfd":"4","id":"hostnet0"} as libvirt writes it.  0, or -1. */
int vbQemuDeviceBuildNetTapBackendProps(const vbDomainNetDef *net, const char *tapfds,
                                        const char *vhostfds, vbJSONValue **props);
/* The -device properties of @net (virtio-net-pci, e1000e, e1000, rtl8139). */
int vbQemuDeviceBuildNetProps(const vbDomainDef *def, const vbDomainNetDef *net,
                              vbJSONValue **props);
char *vbQemuDeviceRNGChardevAlias(const vbDomainRNGDef *rng);

/* Sets *@props to the -object/object-add properties of @rng's backend:
 * {"qom-type":"rng-random","id":"objrng0","filename":"/dev/urandom"}, or
 * rng-egd with the chardev, or rng-builtin.  0, or -1 with an error. */
int vbQemuDeviceBuildRNGBackendProps(const vbDomainRNGDef *rng, vbJSONValue **props);
