"""Captures attached to slow-speed runs: screenshots, packet captures and text exports.

Domain reference §2.3 S2.2 and S2.4 (seed 000_41ab61d21fea1cf7.txt): a slow site or game is
captured (HTTPWATCH, IP Radar) and the capture goes with the case to the customer-response fault
desk; §9.1 item 6 asks for "an attachment slot for HTTPWATCH / IP Radar captures". A screenshot is
an image and travels like a photo (re-encoded, webapp/images.py); a packet capture (pcap, pcapng)
or a text export (HTTPWatch's CSV/text, a ping or tracert log) is kept byte for byte after its
content is checked against the type it claims. Plain Python, no Flask.
"""
import struct

MAX_CAPTURE_BYTES = 10 * 1024 * 1024  # a few minutes of one household's traffic; the desk downloads it
CAPTURE_TYPES = {  # content type → file extension the server stores it under
    "application/vnd.tcpdump.pcap": "pcap",
    "application/x-pcapng": "pcapng",
    "text/plain": "txt",
}
PCAP_MAGIC = {b"\xa1\xb2\xc3\xd4", b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\x3c\x4d", b"\x4d\x3c\xb2\xa1"}  # µs and ns, both byte orders
PCAPNG_SECTION = b"\x0a\x0d\x0d\x0a"
PCAPNG_BYTE_ORDER = 0x1A2B3C4D


class CaptureProblem(ValueError):
    """Why bytes are not the capture they claim to be: code "empty", "too_big", "format" or "text"."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_capture(data, content_type):
    """Check a capture's bytes against its claimed type; return the extension to store it under.

    pcap: the libpcap magic number (either byte order, micro- or nanosecond) and a 24-byte header;
    pcapng: a Section Header Block with its byte-order magic; text: UTF-8 or GB18030 (Chinese
    Windows tools write GBK), no NUL bytes. Raises CaptureProblem.
    """
    if not data:
        raise CaptureProblem("empty")
    if len(data) > MAX_CAPTURE_BYTES:
        raise CaptureProblem("too_big")
    if content_type == "application/vnd.tcpdump.pcap":
        if len(data) < 24 or data[:4] not in PCAP_MAGIC:
            raise CaptureProblem("format")
    elif content_type == "application/x-pcapng":
        if len(data) < 28 or data[:4] != PCAPNG_SECTION or PCAPNG_BYTE_ORDER not in (
                struct.unpack("<I", data[8:12])[0], struct.unpack(">I", data[8:12])[0]):
            raise CaptureProblem("format")
    elif content_type == "text/plain":
        if b"\x00" in data:
            raise CaptureProblem("text")
        for encoding in ("utf-8", "gb18030"):
            try:
                data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CaptureProblem("text")
    else:
        raise CaptureProblem("format")
    return CAPTURE_TYPES[content_type]
