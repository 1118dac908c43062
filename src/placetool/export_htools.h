/* SPDX-License-Identifier: GPL-2.0-only */
/* membal-place export-htools (export_htools.c). */
#ifndef MEMBAL_PLACETOOL_EXPORT_HTOOLS_H
#define MEMBAL_PLACETOOL_EXPORT_HTOOLS_H

int export_htools_main(int argc, char **argv);

#endif
