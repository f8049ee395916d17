/*
 * benchrssfloor.c: the resident set of the libraries virtblockd must link
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Links the libraries the daemon links (glib, libxml2 and through it ICU
 * and libstdc++, yajl, libc), starts them up the way the daemon does
 * (locale, gettext domain, XML parser, a main loop) and does nothing else:
 * it prints its pid and waits to be killed.  Its VmRSS is the floor under
 * any daemon built on those libraries; bench/run.py prints it beside the
 * daemons' own figures.
 */

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include <glib.h>
#include <libxml/parser.h>
#include <yajl/yajl_tree.h>

int
main(void)
{
    g_autoptr(GMainLoop) loop = NULL;
    yajl_val val;

    setlocale(LC_ALL, "");
    bindtextdomain("virtblockd", "/usr/share/locale");
    xmlInitParser();
    if ((val = yajl_tree_parse("{}", NULL, 0)))
        yajl_tree_free(val);
    loop = g_main_loop_new(NULL, FALSE);

    printf("%lld\n", (long long) getpid());
    fflush(stdout);
    g_main_loop_run(loop);
    return 0;
}
