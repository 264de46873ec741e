#!/usr/bin/env python3
"""Refresh the npm packages the app serves itself (api/static/vendor/), from the npm registry.

    python3 scripts/vendor_assets.py

reads api/static/vendor/packages.json (package -> exact version and the files of it to keep), fetches
each package with `npm pack NAME@VERSION`, copies those files to api/static/vendor/NAME/VERSION/,
removes the other versions' folders and writes api/static/vendor/README.md (package, version,
licence, the tarball's integrity, a sha256 for every file). To move to another version: change it in
packages.json, run this, and commit the folder, the README and the manifest together.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "api" / "static" / "vendor"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(name: str, version: str, files: list[str], work: Path) -> dict:
    """The package's tarball from npm, unpacked into VENDOR/name/version (only `files`)."""
    done = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(work)],
                          capture_output=True, text=True, check=True)
    packed = json.loads(done.stdout)[0]
    if packed["version"] != version:
        raise SystemExit(f"{name}: npm gave version {packed['version']}, not {version}")
    target = VENDOR / name / version
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tarfile.open(work / packed["filename"]) as tar:
        for file in files:
            member = tar.getmember(f"package/{file}")  # KeyError: a file the package does not have
            if not member.isfile():
                raise SystemExit(f"{name}: {file} is not a regular file in the tarball")
            (target / file).write_bytes(tar.extractfile(member).read())
    for old in (VENDOR / name).iterdir():
        if old.name != version:
            shutil.rmtree(old)
    meta = json.loads((target / "package.json").read_text(encoding="utf-8"))
    return {"name": name, "version": version, "license": meta.get("license", "?"), "integrity": packed["integrity"],
            "files": [(file, sha256(target / file)) for file in files]}


def readme(records: list[dict]) -> str:
    lines = ["# Vendored front-end packages", "",
             "Served by the app itself (no request leaves for another host). Written by "
             "`scripts/vendor_assets.py` from `packages.json`; do not edit by hand.", "",
             "| package | version | licence | npm tarball integrity |", "|---|---|---|---|"]
    lines += [f"| {r['name']} | {r['version']} | {r['license']} | `{r['integrity']}` |" for r in records]
    for r in records:
        lines += ["", f"## {r['name']} {r['version']}", "", "| file | sha256 |", "|---|---|"]
        lines += [f"| `{r['name']}/{r['version']}/{file}` | `{digest}` |" for file, digest in r["files"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    wanted = json.loads((VENDOR / "packages.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as work:
        records = [fetch(name, spec["version"], spec["files"], Path(work)) for name, spec in sorted(wanted.items())]
    (VENDOR / "README.md").write_text(readme(records), encoding="utf-8")
    for r in records:
        print(f"{r['name']} {r['version']} ({r['license']}): {len(r['files'])} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
