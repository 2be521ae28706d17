#!/usr/bin/env python3
"""Write one-patch mbox files from edits of the real 6.12 tree.

usage: mkpatch.py TREE OUT.mbox SUBJECT FILE OLD NEW [FILE OLD NEW ...]

Each (FILE, OLD, NEW) replaces the exact text OLD by NEW in a copy of
TREE/FILE; the diff of all edits (diff -u, a/ b/ prefixes) is wrapped in a
mail. Used to (re)generate the test patches of this directory.
"""
import os, subprocess, sys, tempfile

def main():
    tree, out, subject = sys.argv[1:4]
    edits = sys.argv[4:]
    diffs = []
    for i in range(0, len(edits), 3):
        path, old, new = edits[i:i+3]
        src = open(os.path.join(tree, path)).read()
        if src.count(old) != 1:
            sys.exit(f"{path}: old text found {src.count(old)} times")
        with tempfile.TemporaryDirectory() as d:
            a = os.path.join(d, "a"); b = os.path.join(d, "b")
            open(a, "w").write(src)
            open(b, "w").write(src.replace(old, new))
            r = subprocess.run(["diff", "-u", "-p", a, b], capture_output=True, text=True)
        lines = r.stdout.splitlines(keepends=True)
        lines[0] = f"--- a/{path}\n"
        lines[1] = f"+++ b/{path}\n"
        diffs.append(f"diff --git a/{path} b/{path}\n" + "".join(lines))
    slug = os.path.basename(out).replace(".mbox", "")
    mail = (
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
        "From: Test Author <test@example.org>\n"
        "Date: Mon, 3 Nov 2025 10:00:00 +0000\n"
        f"Subject: [PATCH] {subject}\n"
        f"Message-ID: <{slug}@rcureview.test>\n"
        "\n"
        f"{subject}.\n\n"
        "Signed-off-by: Test Author <test@example.org>\n"
        "---\n"
        + "".join(diffs) +
        "-- \n2.39.5\n\n"
    )
    open(out, "w").write(mail)

main()
