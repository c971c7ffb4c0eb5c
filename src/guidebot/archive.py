"""A file of named members that can be memory-mapped: the container of the index file.

It is a plain zip (any unzip lists it; every member is stored, never compressed) whose members
start at multiples of 64 bytes, padded by a zip extra field, so that a .npy member's array (numpy
pads its header to 64 bytes) is aligned where it lies in the file. `read` checks each member's
SHA-256 and returns read-only views of one memory map of the file: no member is copied, and every
process that reads the same file shares its pages. Knows nothing of what the members mean.
"""

from __future__ import annotations

import hashlib
import io
import math
import mmap
import struct
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

ALIGNMENT = 64
PADDING_FIELD_ID = 0xD935  # the zip extra-field id Android's zipalign uses for the same padding
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip local file header, up to its name and extra field


class ArchiveError(ValueError):
    """The file is not a readable archive, or a member is missing, compressed or cut short."""


class MemberAltered(ArchiveError):
    """A member's bytes do not match the checksum recorded for it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def write(path: Path, members: Mapping[str, bytes]) -> None:
    """Write `members` in order, each one's data aligned to ALIGNMENT bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, time.localtime()[:6])
            info.extra = _padding(archive.start_dir, name)
            archive.writestr(info, data)


def _padding(header_offset: int, name: str) -> bytes:
    """An extra field that moves the member's data to the next multiple of ALIGNMENT."""
    pad = -(header_offset + _LOCAL_HEADER.size + len(name.encode())) % ALIGNMENT
    if pad == 0:
        return b""
    pad += ALIGNMENT if pad < 4 else 0  # an extra field is at least its 2-byte id and 2-byte length
    return struct.pack("<HH", PADDING_FIELD_ID, pad - 4) + bytes(pad - 4)


def read(path: Path, checksums: Mapping[str, str]) -> dict[str, memoryview]:
    """Read-only views of the members named in `checksums` (name → SHA-256 hex), each verified.

    The checksums are computed by reading the file through a small buffer, not through the map,
    so checking adds nothing to the process's resident memory. The views stay valid while the
    file is replaced by rename (the old file lives on until it is unmapped); a file overwritten
    in place while mapped would change under them, so index files are only ever renamed over.
    """
    try:
        with open(path, "rb") as handle:
            spans = _member_spans(handle, checksums)
            for name, (offset, size) in spans.items():
                if _sha256(handle, offset, size) != checksums[name]:
                    raise MemberAltered(name)
            mapped = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, struct.error) as exc:
        raise ArchiveError(str(exc)) from None
    return {name: mapped[offset: offset + size] for name, (offset, size) in spans.items()}


def _member_spans(handle: BinaryIO, names: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """(offset, size) of each member's bytes in the file, from the zip's headers."""
    spans = {}
    with zipfile.ZipFile(handle) as archive:
        for name in names:
            info = archive.getinfo(name)
            if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
                raise ArchiveError(f"{name} is compressed")
            handle.seek(info.header_offset)
            header = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
            if header[0] != zipfile.stringFileHeader:
                raise ArchiveError(f"no local header for {name}")
            spans[name] = (info.header_offset + _LOCAL_HEADER.size + header[-2] + header[-1], info.file_size)
    return spans


def _sha256(handle: BinaryIO, offset: int, size: int) -> str:
    digest = hashlib.sha256()
    buffer = memoryview(bytearray(1 << 20))
    handle.seek(offset)
    while size > 0:
        got = handle.readinto(buffer[: min(size, len(buffer))])
        if not got:
            raise EOFError("a member ends early")
        digest.update(buffer[:got])
        size -= got
    return digest.hexdigest()


def npy(array: np.ndarray) -> bytes:
    """The .npy bytes of an array (never a pickle)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def array(data: memoryview) -> np.ndarray:
    """A read-only array over a .npy member's bytes, without copying them."""
    header = io.BytesIO(data[:4096])
    version = np.lib.format.read_magic(header)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran_order, dtype = read_header(header)
    if fortran_order or dtype.hasobject:
        raise ArchiveError("an array is not a plain C-ordered array")
    return np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=header.tell()).reshape(shape)
