#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The README's first command: install what membal needs on Debian 12, build
# it, and run the main job on an embedded default.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
make -j"$(nproc)"
exec make demo
