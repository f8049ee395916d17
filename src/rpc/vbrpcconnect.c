/*
 * vbrpcconnect.c: the connection-level procedures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vberror.h"
#include "vbrpcconnect.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

/* VIR_DRV_FEATURE_* of libvirt's private libvirt_internal.h (ABI-stable) */
#define VB_DRV_FEATURE_PROGRAM_KEEPALIVE 10
#define VB_DRV_FEATURE_REMOTE_EVENT_CALLBACK 14
#define VB_DRV_FEATURE_REMOTE_CLOSE_CALLBACK 15

/* What virConnectOpen would say for a probe with no URI */
#define VB_RPC_DEFAULT_URI "qemu:///system"

static int
vbRPCConnectOpen(vbRPCClient *client, const void *args, void *ret G_GNUC_UNUSED)
{
    const vbRemoteConnectOpenArgs *a = args;

    return vbRPCClientOpen(client, a->name, a->flags);
}

static int
vbRPCConnectClose(vbRPCClient *client, const void *args G_GNUC_UNUSED, void *ret G_GNUC_UNUSED)
{
    vbRPCClientRequestClose(client);
    return 0;
}

static int
vbRPCConnectGetType(vbRPCClient *client G_GNUC_UNUSED, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteConnectGetTypeRet *r = ret;

    r->str = g_strdup("QEMU");
    return 0;
}

static int
vbRPCConnectGetVersion(vbRPCClient *client, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteConnectGetVersionRet *r = ret;

    r->version = vbRPCServerGetConfig(vbRPCClientGetServer(client))->hypervisorVersion;
    return 0;
}

static int
vbRPCConnectGetHostname(vbRPCClient *client G_GNUC_UNUSED, const void *args G_GNUC_UNUSED,
                        void *ret)
{
    vbRemoteConnectGetHostnameRet *r = ret;

    r->str = g_strdup(g_get_host_name());
    return 0;
}

static int
vbRPCConnectSupportsFeature(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteConnectSupportsFeatureArgs *a = args;
    vbRemoteConnectSupportsFeatureRet *r = ret;

    switch (a->feature) {
    case VB_DRV_FEATURE_PROGRAM_KEEPALIVE:
        /* as libvirtd: a client that asks will answer our PINGs */
        vbRPCClientStartKeepalive(client);
        r->supported = 1;
        break;
    case VB_DRV_FEATURE_REMOTE_EVENT_CALLBACK:
    case VB_DRV_FEATURE_REMOTE_CLOSE_CALLBACK:
        r->supported = 1;
        break;
    default:
        r->supported = 0;
        break;
    }
    return 0;
}

static int
vbRPCAuthList(vbRPCClient *client G_GNUC_UNUSED, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteAuthListRet *r = ret;

    /* UNIX socket permissions are the access control */
    r->types = g_new0(int, 1);
    r->types[0] = VB_REMOTE_AUTH_NONE;
    r->ntypes = 1;
    return 0;
}

static int
vbRPCConnectGetURI(vbRPCClient *client, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteConnectGetURIRet *r = ret;
    g_autofree char *uri = vbRPCClientGetURI(client);

    r->str = g_strdup(uri && *uri ? uri : VB_RPC_DEFAULT_URI);
    return 0;
}

static int
vbRPCConnectIsSecure(vbRPCClient *client G_GNUC_UNUSED, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteConnectIsSecureRet *r = ret;

    /* a local UNIX socket cannot be snooped, as libvirtd says of it */
    r->num = 1;
    return 0;
}

static int
vbRPCConnectGetLibVersion(vbRPCClient *client G_GNUC_UNUSED, const void *args G_GNUC_UNUSED,
                          void *ret)
{
    vbRemoteConnectGetLibVersionRet *r = ret;

    r->version = VB_RPC_LIB_VERSION;
    return 0;
}

static int
vbRPCConnectDomainEventRegisterAny(vbRPCClient *client, const void *args, void *ret G_GNUC_UNUSED)
{
    const vbRemoteConnectDomainEventRegisterAnyArgs *a = args;

    return vbRPCClientAddLegacyEventCallback(client, a->eventID);
}

static int
vbRPCConnectDomainEventDeregisterAny(vbRPCClient *client, const void *args, void *ret G_GNUC_UNUSED)
{
    const vbRemoteConnectDomainEventDeregisterAnyArgs *a = args;

    return vbRPCClientRemoveLegacyEventCallback(client, a->eventID);
}

static int
vbRPCConnectDomainEventCallbackRegisterAny(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteConnectDomainEventCallbackRegisterAnyArgs *a = args;
    vbRemoteConnectDomainEventCallbackRegisterAnyRet *r = ret;

    return vbRPCClientAddEventCallback(client, a->eventID, a->dom, &r->callbackID);
}

static int
vbRPCConnectDomainEventCallbackDeregisterAny(vbRPCClient *client, const void *args,
                                             void *ret G_GNUC_UNUSED)
{
    const vbRemoteConnectDomainEventCallbackDeregisterAnyArgs *a = args;

    return vbRPCClientRemoveEventCallback(client, a->callbackID);
}

static int
vbRPCConnectRegisterCloseCallback(vbRPCClient *client, const void *args G_GNUC_UNUSED,
                                  void *ret G_GNUC_UNUSED)
{
    vbRPCClientSetCloseCallback(client, true);
    return 0;
}

static int
vbRPCConnectUnregisterCloseCallback(vbRPCClient *client, const void *args G_GNUC_UNUSED,
                                    void *ret G_GNUC_UNUSED)
{
    vbRPCClientSetCloseCallback(client, false);
    return 0;
}

#define H(num, func) \
    { \
        VB_REMOTE_PROC_##num, func \
    }

static const vbRPCHandlerEntry vbRPCConnectHandlers[] = {
    H(CONNECT_OPEN, vbRPCConnectOpen),
    H(CONNECT_CLOSE, vbRPCConnectClose),
    H(CONNECT_GET_TYPE, vbRPCConnectGetType),
    H(CONNECT_GET_VERSION, vbRPCConnectGetVersion),
    H(CONNECT_GET_HOSTNAME, vbRPCConnectGetHostname),
    H(CONNECT_SUPPORTS_FEATURE, vbRPCConnectSupportsFeature),
    H(AUTH_LIST, vbRPCAuthList),
    H(CONNECT_GET_URI, vbRPCConnectGetURI),
    H(CONNECT_IS_SECURE, vbRPCConnectIsSecure),
    H(CONNECT_GET_LIB_VERSION, vbRPCConnectGetLibVersion),
    H(CONNECT_DOMAIN_EVENT_REGISTER_ANY, vbRPCConnectDomainEventRegisterAny),
    H(CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, vbRPCConnectDomainEventDeregisterAny),
    H(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, vbRPCConnectDomainEventCallbackRegisterAny),
    H(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, vbRPCConnectDomainEventCallbackDeregisterAny),
    H(CONNECT_REGISTER_CLOSE_CALLBACK, vbRPCConnectRegisterCloseCallback),
    H(CONNECT_UNREGISTER_CLOSE_CALLBACK, vbRPCConnectUnregisterCloseCallback),
};

#undef H

const vbRPCHandlerEntry *
vbRPCConnectGetHandlers(size_t *n)
{
    *n = G_N_ELEMENTS(vbRPCConnectHandlers);
    return vbRPCConnectHandlers;
}
