"""A stand-in for wpa_supplicant's control socket, so pywifi's real code runs with no Wi-Fi card.

It answers as research/anchors-wifi.md §1.6 specifies: one datagram per request, to the
sender's address; SCAN_RESULTS as wpa_supplicant formats it, cut before 4096 bytes unless told
to overflow; or never a word (`silent`), to test a hung daemon.
"""
import itertools
import os
import socket
import tempfile
import threading

HEADER = "bssid / frequency / signal level / flags / ssid\n"
_names = itertools.count()


def printf_encode(raw):
    """Escape SSID bytes the way wpa_supplicant's printf_encode() does."""
    out = []
    for b in raw:
        if b == 0x22:
            out.append('\\"')
        elif b == 0x5C:
            out.append("\\\\")
        elif 32 <= b <= 126:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


def scan_line(bssid, freq, level, flags, ssid_bytes):
    return f"{bssid}\t{freq}\t{level}\t{flags}\t{printf_encode(ssid_bytes)}\n"


class StandIn:
    def __init__(self, results=(), silent=False, overflow=False):
        self.dir = tempfile.mkdtemp(prefix="wpa", dir="/tmp")
        self.iface = f"wlt{os.getpid() % 10000}x{next(_names)}"
        self.results, self.silent, self.overflow = list(results), silent, overflow
        self.requests = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(os.path.join(self.dir, self.iface))
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _reply(self, command):
        if command == "PING":
            return "PONG\n"
        if command == "SCAN":
            return "OK\n"
        if command == "SCAN_RESULTS":
            text = HEADER
            for line in self.results:
                if not self.overflow and len((text + line).encode()) >= 4096:
                    break  # wpa_supplicant stops at the first line that does not fit
                text += line
            return text
        if command == "STATUS":
            return "wpa_state=COMPLETED\n"
        return "UNKNOWN COMMAND\n"

    def _serve(self):
        while self.running:
            try:
                data, address = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            command = data.decode("utf-8", "replace")
            self.requests.append(command)
            if self.silent:
                continue
            self.sock.sendto(self._reply(command).encode(), address)

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()
        for path in (os.path.join(self.dir, self.iface), f"/tmp/pywifi_{self.iface}"):
            try:
                os.unlink(path)
            except OSError:
                pass
        os.rmdir(self.dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
