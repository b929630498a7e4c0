#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 Field Notes authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifests offline: they parse, flatpak-builder accepts
them (--show-manifest), the permissions are exactly the ones we need, every
archive is pinned by sha256, and the app is built from this tree."""
import json
import os
import re
import shutil
import subprocess
import sys

ALLOWED = {
    "--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
    "--device=dri", "--talk-name=org.freedesktop.secrets",
    "--system-talk-name=org.freedesktop.NetworkManager",
}


def check(path):
    problems = []
    with open(path) as f:
        manifest = json.load(f)
    base = "io.github.fieldnotes.FieldNotes"
    if manifest.get("id") not in (base, base + ".Devel"):
        problems.append("unexpected app id")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("not the GNOME runtime and SDK")
    if set(manifest.get("finish-args", [])) != ALLOWED:
        problems.append(f"finish-args differ from the allowed set: {manifest.get('finish-args')}")
    modules = manifest.get("modules", [])
    names = [m.get("name") for m in modules]
    if names[-1:] != ["field-notes"] or "libnm" not in names:
        problems.append(f"modules should be libnm then field-notes: {names}")
    for module in modules:
        for source in module.get("sources", []):
            if source.get("type") == "archive":
                if not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
                    problems.append(f"{module['name']}: archive without a sha256")
                if not source.get("url", "").startswith("https://"):
                    problems.append(f"{module['name']}: archive not fetched over https")
    app = modules[-1] if modules else {}
    if app.get("buildsystem") != "meson" or not app.get("builddir") or not app.get("run-tests"):
        problems.append("the app module must be meson, builddir, run-tests")
    if {"type": "dir", "path": ".."} not in app.get("sources", []):
        problems.append("the app must be built from the local tree")
    if "-Dserver=false" not in app.get("config-opts", []):
        problems.append("the reference server has no place in the Flatpak")
    if manifest["id"].endswith(".Devel") != ("-Dprofile=development" in app.get("config-opts", [])):
        problems.append("the .Devel manifest and the development profile go together")

    builder = shutil.which("flatpak-builder")
    if builder:
        r = subprocess.run([builder, "--show-manifest", path], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("flatpak-builder --show-manifest failed: " + r.stderr.strip())
        if "Unknown property" in r.stderr:
            problems.append("flatpak-builder: " + r.stderr.strip())
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    failed = 0
    paths = sorted(p for p in os.listdir(here) if p.endswith(".json"))
    print(f"1..{len(paths)}")
    for i, name in enumerate(paths, 1):
        problems = check(os.path.join(here, name))
        if problems:
            failed += 1
            print(f"not ok {i} {name}")
            for p in problems:
                print(f"# {p}")
        else:
            print(f"ok {i} {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
