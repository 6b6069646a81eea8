"""A cpio archive in the "new ASCII" (newc) format, as the Linux initramfs
unpacker reads it (Documentation/driver-api/early-userspace/buffer-format.rst).

Each entry is a 110-byte header ("070701" and thirteen 8-digit hex fields),
the NUL-terminated name padded to a multiple of 4 bytes (counting the header),
then the data padded likewise; the archive ends with the entry "TRAILER!!!".
Entries are written sorted with parents before children, owned by root, with
mtime 0 and inode numbers in order, so equal inputs give equal bytes.
"""

import gzip
import stat

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


class Archive:
    """Entries by path (relative, no leading "/"); a later add replaces an
    earlier one, as an overlay replaces the base."""

    def __init__(self):
        self._entries = {}

    def add_dir(self, path, mode=0o755):
        self._add(path, stat.S_IFDIR | mode, b"")

    def add_file(self, path, data, mode=0o644):
        self._add(path, stat.S_IFREG | mode, data)

    def add_symlink(self, path, target):
        self._add(path, stat.S_IFLNK | 0o777, target.encode())

    def add_char_device(self, path, major, minor, mode=0o600):
        self._add(path, stat.S_IFCHR | mode, b"", (major, minor))

    def paths(self):
        return sorted(self._entries, key=lambda p: p.split("/"))

    def _add(self, path, mode, data, rdev=(0, 0)):
        path = path.strip("/")
        if not path or ".." in path.split("/"):
            raise ValueError("bad archive path '{}'".format(path))
        self._entries[path] = (mode, data, rdev)

    def to_bytes(self):
        """The uncompressed archive. Parent directories the caller did not add
        are added (mode 0755), since the kernel does not create them."""
        for path in list(self._entries):
            parts = path.split("/")
            for i in range(1, len(parts)):
                self._entries.setdefault("/".join(parts[:i]), (stat.S_IFDIR | 0o755, b"", (0, 0)))
        out = bytearray()
        for ino, path in enumerate(self.paths(), 1):
            mode, data, rdev = self._entries[path]
            nlink = 2 if stat.S_ISDIR(mode) else 1
            _entry(out, path, ino, mode, nlink, data, rdev)
        _entry(out, TRAILER, 0, 0, 1, b"", (0, 0))
        return bytes(out)

    def to_gzip(self):
        """gzip at level 9 with mtime 0 and no file name: deterministic."""
        return gzip.compress(self.to_bytes(), compresslevel=9, mtime=0)


def _pad4(out):
    out += b"\0" * (-len(out) % 4)


def _entry(out, name, ino, mode, nlink, data, rdev):
    raw = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(raw), 0)
    out += MAGIC + b"".join(b"%08x" % f for f in fields)
    out += raw
    _pad4(out)
    out += data
    _pad4(out)


def parse(blob):
    """The entries of an uncompressed newc archive, in order, as (name, mode,
    rdev major, rdev minor, data) up to the trailer. For tests and for
    inspecting an initramfs; raises ValueError on a malformed archive."""
    entries, pos = [], 0
    while True:
        if blob[pos:pos + 6] != MAGIC:
            raise ValueError("no newc magic at offset {}".format(pos))
        f = [int(blob[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = f[11], f[6]
        name_end = pos + 110 + namesize
        if blob[name_end - 1:name_end] != b"\0":
            raise ValueError("name at offset {} is not NUL-terminated".format(pos))
        name = blob[pos + 110:name_end - 1].decode()
        data_start = name_end + (-name_end % 4)
        data = blob[data_start:data_start + filesize]
        if len(data) != filesize:
            raise ValueError("{}: truncated data".format(name))
        if name == TRAILER:
            return entries
        entries.append((name, f[1], f[9], f[10], bytes(data)))
        pos = data_start + filesize
        pos += -pos % 4
