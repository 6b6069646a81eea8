"""Tests of newc.py (the initramfs cpio writer) and of scripts/linux-initramfs.

Run by test/framework/initramfs.sh:
  python3 -m unittest discover -s support/scripts -p newc_test.py
The archive is read back with newc.parse and, when the cpio program is
installed, also listed with `cpio -it` as an independent reader.
"""

import gzip
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, HERE)
import newc  # noqa: E402


class ArchiveTest(unittest.TestCase):
    def test_entries_round_trip_with_types_modes_and_devices(self):
        a = newc.Archive()
        a.add_file("bin/tool", b"#!/bin/sh\n", 0o755)
        a.add_symlink("bin/sh", "/bin/busybox")
        a.add_char_device("dev/console", 5, 1)
        a.add_dir("tmp", 0o1777)
        got = {name: (mode, major, minor, data) for name, mode, major, minor, data in newc.parse(a.to_bytes())}
        self.assertEqual(got["bin/tool"], (stat.S_IFREG | 0o755, 0, 0, b"#!/bin/sh\n"))
        self.assertEqual(got["bin/sh"], (stat.S_IFLNK | 0o777, 0, 0, b"/bin/busybox"))
        self.assertEqual(got["dev/console"][:3], (stat.S_IFCHR | 0o600, 5, 1))
        self.assertEqual(got["tmp"][0], stat.S_IFDIR | 0o1777)
        # Parents the caller did not add exist, as directories.
        self.assertEqual(got["bin"][0], stat.S_IFDIR | 0o755)
        self.assertEqual(got["dev"][0], stat.S_IFDIR | 0o755)

    def test_parents_come_before_children_and_order_is_sorted(self):
        a = newc.Archive()
        for path in ("usr/bin/z", "bin-x", "bin/a", "usr/bin/a"):
            a.add_file(path, b"")
        names = [e[0] for e in newc.parse(a.to_bytes())]
        self.assertEqual(names, ["bin", "bin/a", "bin-x", "usr", "usr/bin", "usr/bin/a", "usr/bin/z"])

    def test_header_fields_and_alignment(self):
        a = newc.Archive()
        a.add_file("abc", b"12345", 0o600)
        blob = a.to_bytes()
        self.assertEqual(blob[:6], b"070701")
        fields = [int(blob[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        ino, mode, uid, gid, nlink, mtime, size = fields[:7]
        self.assertEqual((ino, mode, uid, gid, nlink, mtime, size), (1, 0o100600, 0, 0, 1, 0, 5))
        self.assertEqual(fields[11], 4)  # "abc" and its NUL
        # 110-byte header + 4-byte name = 114, padded to 116; data 5, padded to 8.
        self.assertEqual(blob[116:121], b"12345")
        self.assertEqual(blob[124:130], b"070701")
        self.assertEqual(len(blob) % 4, 0)
        self.assertIn(b"TRAILER!!!\0", blob)

    def test_a_later_entry_replaces_an_earlier_one(self):
        a = newc.Archive()
        a.add_file("etc/motd", b"base")
        a.add_file("etc/motd", b"overlay", 0o600)
        entries = [e for e in newc.parse(a.to_bytes()) if e[0] == "etc/motd"]
        self.assertEqual(entries, [("etc/motd", stat.S_IFREG | 0o600, 0, 0, b"overlay")])

    def test_output_is_deterministic(self):
        def build(order):
            a = newc.Archive()
            for p in order:
                a.add_file(p, p.encode())
            return a.to_gzip()
        self.assertEqual(build(["a", "b/c", "d"]), build(["d", "b/c", "a"]))

    def test_bad_paths_are_refused(self):
        a = newc.Archive()
        for bad in ("", "/", "../x", "a/../../b"):
            with self.assertRaises(ValueError):
                a.add_file(bad, b"")

    def test_parse_rejects_garbage(self):
        with self.assertRaises(ValueError):
            newc.parse(b"not a cpio archive")

    @unittest.skipUnless(shutil.which("cpio"), "cpio is not installed")
    def test_cpio_lists_the_same_entries(self):
        a = newc.Archive()
        a.add_file("bin/tool", b"x" * 1001, 0o755)
        a.add_symlink("bin/sh", "tool")
        a.add_char_device("dev/console", 5, 1)
        out = subprocess.run(["cpio", "-it", "--quiet"], input=a.to_bytes(), stdout=subprocess.PIPE,
                             check=True).stdout.decode().split()
        self.assertEqual(out, [e[0] for e in newc.parse(a.to_bytes())])


class InitramfsTest(unittest.TestCase):
    """scripts/linux-initramfs with a stand-in busybox (the real one is only
    needed to boot)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.busybox = os.path.join(self.tmp, "busybox")
        with open(self.busybox, "wb") as f:
            f.write(b"\x7fELF stand-in")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def build(self, out, *rootfs):
        cmd = [os.path.join(ROOT, "scripts", "linux-initramfs"), "--busybox", self.busybox, "-o", out]
        for r in rootfs:
            cmd += ["--rootfs", r]
        subprocess.run(cmd, check=True)
        with open(out, "rb") as f:
            return {e[0]: e for e in newc.parse(gzip.decompress(f.read()))}

    def test_base_has_init_console_busybox_and_mount_points(self):
        got = self.build(os.path.join(self.tmp, "i.cpio.gz"))
        self.assertEqual(got["init"][1], stat.S_IFREG | 0o755)
        self.assertIn(b"linux: init reached", got["init"][4])
        self.assertEqual(got["dev/console"][1:4], (stat.S_IFCHR | 0o600, 5, 1))
        self.assertEqual(got["bin/busybox"][4], b"\x7fELF stand-in")
        for applet in ("bin/sh", "bin/mount", "bin/setsid", "bin/cttyhack", "sbin/poweroff"):
            self.assertEqual(got[applet][4], b"/bin/busybox", applet)
        for d in ("proc", "sys", "dev", "tmp"):
            self.assertTrue(stat.S_ISDIR(got[d][1]), d)
        self.assertTrue(got["bin/tn-counter"][4].startswith(b"\x7fELF"))

    def test_overlay_replaces_and_adds_keeping_modes(self):
        ov = os.path.join(self.tmp, "rootfs")
        os.makedirs(os.path.join(ov, "usr", "bin"))
        tool = os.path.join(ov, "usr", "bin", "check")
        with open(tool, "w") as f:
            f.write("#!/bin/sh\necho ok\n")
        os.chmod(tool, 0o755)
        with open(os.path.join(ov, "init"), "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(os.path.join(ov, "init"), 0o700)
        os.symlink("check", os.path.join(ov, "usr", "bin", "alias"))
        got = self.build(os.path.join(self.tmp, "i.cpio.gz"), ov)
        self.assertEqual(got["usr/bin/check"][1], stat.S_IFREG | 0o755)
        self.assertEqual(got["usr/bin/alias"][1:], (stat.S_IFLNK | 0o777, 0, 0, b"check"))
        self.assertEqual(got["init"][1:], (stat.S_IFREG | 0o700, 0, 0, b"#!/bin/sh\n"))

    def test_rebuild_is_identical_and_leaves_the_file_alone(self):
        out = os.path.join(self.tmp, "i.cpio.gz")
        self.build(out)
        with open(out, "rb") as f:
            first = f.read()
        os.utime(out, (1, 1))
        self.build(out)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), first)
        self.assertEqual(os.stat(out).st_mtime, 1)


if __name__ == "__main__":
    unittest.main()
