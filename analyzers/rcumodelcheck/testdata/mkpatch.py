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
    order, new_text, old_text = [], {}, {}
    for i in range(0, len(edits), 3):
        path, old, new = edits[i:i+3]
        if path not in new_text:
            order.append(path)
            old_text[path] = new_text[path] = open(os.path.join(tree, path)).read()
        src = new_text[path]
        if src.count(old) != 1:
            sys.exit(f"{path}: old text found {src.count(old)} times")
        new_text[path] = src.replace(old, new)
    for path in order:
        with tempfile.TemporaryDirectory() as d:
            a = os.path.join(d, "a"); b = os.path.join(d, "b")
            open(a, "w").write(old_text[path])
            open(b, "w").write(new_text[path])
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
