#!/bin/sh
# Rebuilds parity/*.png, parity/expected.json and repository/nsfwjs_mobilenet_v2/1/model.onnx from the
# nsfwjs npm package (versions pinned in package-lock.json). Run from anywhere; needs node, npm (registry
# reachable for npm ci, or node_modules already there) and Debian's python3-onnx, python3-numpy, python3-skimage.
set -eu
cd "$(dirname "$0")"
[ -d node_modules/nsfwjs ] || npm ci --ignore-scripts --no-audit --no-fund
/usr/bin/python3 make_parity_images.py
node convert.cjs
/usr/bin/python3 build_onnx.py
sha256sum parity/*.png parity/expected.json repository/nsfwjs_mobilenet_v2/1/model.onnx
