"""How coarsely a lossy WebP rounded its colour: the chroma quantizer of its VP8 key frame (RFC 6386).

A lossy WebP (RIFF "WEBP" with a "VP8 " chunk, Google's WebP container specification) is one VP8 key frame. VP8
samples colour at half size both ways (4:2:0), transforms it in blocks of 4 × 4 samples (8 × 8 pixels) and rounds
every AC coefficient of a block to one step, the chroma AC step, looked up from a quantizer index 0–127 in the frame
header (RFC 6386 9.6 and 14.1). The header is read through the boolean entropy decoder (RFC 6386 7.3) as far as the
quantizer indices (9.2–9.6, 19.2); nothing of the picture is decoded. The LED reader compares the step with a JPEG's
colour table (reader._chroma_coarseness) to tell when a dim LED's tint is rounded away.
"""

# RFC 6386 14.1 ac_qlookup: the AC step of each quantizer index.
AC_STEPS = (
    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
    36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,
    52, 53, 54, 55, 56, 57, 58, 60, 62, 64, 66, 68, 70, 72, 74, 76,
    78, 80, 82, 84, 86, 88, 90, 92, 94, 96, 98, 100, 102, 104, 106, 108,
    110, 112, 114, 116, 119, 122, 125, 128, 131, 134, 137, 140, 143, 146, 149, 152,
    155, 158, 161, 164, 167, 170, 173, 177, 181, 185, 189, 193, 197, 201, 205, 209,
    213, 217, 221, 225, 229, 234, 239, 245, 249, 254, 259, 264, 269, 274, 279, 284,
)
CHUNK_LIMIT = 64  # chunks looked through for "VP8 " (an extended file: VP8X, ICCP, ANIM, ALPH … before it)
HEADER_BYTES = 4096  # of the VP8 chunk: its frame header's first fields are within the first few dozen


class _BoolDecoder:
    """RFC 6386 7.3's boolean decoder over `data` from `start`; past the end it reads zeros (7.3: "as if padded")."""

    def __init__(self, data, start):
        self.data, self.at = data, start
        self.value = (self._byte() << 8) | self._byte()
        self.range, self.bits = 255, 0

    def _byte(self):
        byte = self.data[self.at] if self.at < len(self.data) else 0
        self.at += 1
        return byte

    def bool(self, probability=128):
        split = 1 + (((self.range - 1) * probability) >> 8)
        big_split = split << 8
        if self.value >= big_split:
            bit, self.range, self.value = 1, self.range - split, self.value - big_split
        else:
            bit, self.range = 0, split
        while self.range < 128:
            self.value <<= 1
            self.range <<= 1
            self.bits += 1
            if self.bits == 8:
                self.bits = 0
                self.value |= self._byte()
        return bit

    def literal(self, n):
        """An n-bit unsigned number, most significant bit first (RFC 6386 19.2 L(n))."""
        number = 0
        for _ in range(n):
            number = (number << 1) | self.bool()
        return number

    def signed(self, n):
        """A flagged n-bit magnitude and its sign, 0 when the flag is clear (the header's optional deltas)."""
        if not self.bool():
            return 0
        magnitude = self.literal(n)
        return -magnitude if self.bool() else magnitude


def _vp8_chunk(data):
    """The first bytes (HEADER_BYTES at most) of a WebP file's first "VP8 " chunk, or None: not a RIFF WEBP, lossless
    ("VP8L"), or cut short. Chunks are walked by their sizes through the whole file (an ICC profile before the image
    may be larger than any fixed look-ahead, review r68); an animation's first frame is the one in its first "ANMF"
    chunk, after that frame's 16-byte header (the WebP container specification)."""
    if len(data) < 20 or bytes(data[:4]) != b"RIFF" or bytes(data[8:12]) != b"WEBP":
        return None
    at, end, seen = 12, len(data), 0
    while at + 8 <= end and seen < CHUNK_LIMIT:
        kind, size = bytes(data[at:at + 4]), int.from_bytes(data[at + 4:at + 8], "little")
        if kind == b"VP8 ":
            return bytes(data[at + 8:min(at + 8 + size, at + 8 + HEADER_BYTES)])
        if kind == b"VP8L":
            return None
        if kind == b"ANMF":  # look inside the first frame, not past it
            at, end = at + 8 + 16, min(end, at + 8 + size)
        else:
            at += 8 + size + (size & 1)  # chunks are padded to an even size
        seen += 1
    return None


def chroma_ac_steps(data):
    """The chroma AC steps (ints, RFC 6386 14.1) a lossy WebP rounds its colour with: one per segment its header sets
    a quantizer for (up to 4, 9.3), else the frame's one. None for anything else: not a WebP, lossless, not a key frame,
    or a header too short or wrong to read (a start code other than 9d 01 2a, 9.1; a first partition starting FF).

    `data`: the file's bytes. Only the frame header's first fields are read (9.2–9.6), never the picture."""
    frame = _vp8_chunk(memoryview(data))
    if frame is None or len(frame) < 10:
        return None
    tag = frame[0] | (frame[1] << 8) | (frame[2] << 16)
    if tag & 1 or frame[3:6] != b"\x9d\x01\x2a":  # bit 0 set: an inter frame, which a WebP never is
        return None
    if len(frame) > 10 and frame[10] == 0xFF:  # the decoder's value would start past its range (7.3): no encoder
        return None  # writes that, and libwebp refuses it (review r68: the phone's 32-bit value and this one parted)
    header = _BoolDecoder(frame, 10)
    header.literal(2)  # colour space, clamping type (9.2)
    segment_q, absolute = [], False
    if header.bool():  # segmentation enabled (9.3)
        update_map, update_data = header.bool(), header.bool()
        if update_data:
            absolute = bool(header.bool())
            segment_q = [header.signed(7) for _ in range(4)]
            for _ in range(4):
                header.signed(6)  # loop filter level per segment
        if update_map:
            for _ in range(3):
                if header.bool():
                    header.literal(8)  # segment tree probabilities
    header.literal(1 + 6 + 3)  # filter type, loop filter level, sharpness (9.6 of 19.2)
    if header.bool() and header.bool():  # loop filter deltas enabled, and updated (9.6)
        for _ in range(8):
            header.signed(6)
    header.literal(2)  # log2 of the DCT partitions (9.5)
    y_ac = header.literal(7)  # quantizer indices (9.6)
    header.signed(4)  # y_dc
    header.signed(4)  # y2_dc
    header.signed(4)  # y2_ac
    header.signed(4)  # uv_dc
    uv_ac = header.signed(4)
    bases = [q if absolute else y_ac + q for q in segment_q] or [y_ac]
    return [AC_STEPS[min(127, max(0, base + uv_ac))] for base in bases]
