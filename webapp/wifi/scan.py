"""Live scans with pywifi on a technician's Linux laptop, with its known defects handled.

pywifi 1.1.12 talks to wpa_supplicant's control socket (research/anchors-wifi.md §1). What it
gets wrong, and what happens here instead:
  - no socket timeout (a silent wpa_supplicant hangs forever): sockets pywifi creates get a
    default timeout while it runs, and a silence becomes a clear error;
  - a reply over 4096 bytes crashes its parser (IndexError): a clear error;
  - SSIDs come back escaped (\\xe4\\xb8\\xad): decoded here (UTF-8, then GBK);
  - no control directory / no permission: a sentence saying what to change;
  - one client socket path per interface, shared class-level state: one scan at a time
    (a lock), and pywifi's sockets are closed after each scan;
  - open and WPA3-only networks both get an empty AKM list: security left blank.
"""
import os
import socket
import threading
import time

from flask_babel import gettext as _

from .parsers import network, strongest_per_bssid

LOCK = threading.Lock()
AKM_WORDS = {4: "WPA2-PSK", 2: "WPA-PSK", 3: "WPA2-EAP", 1: "WPA-EAP"}


class ScanError(Exception):
    """The scan could not be made; the message says why and what to do."""


def live_scan(iface=None, ctrl_dir=None, wait=3.0, timeout=5.0):
    """Scan with pywifi and return the networks (one per BSSID)."""
    try:
        import pywifi
        from pywifi import _wifiutil_linux
    except NotImplementedError:
        raise ScanError(_("pywifi scans only on Linux and Windows; on this computer export a scan file instead.")) from None
    except ImportError:
        raise ScanError(_("pywifi is not installed.")) from None
    with LOCK:
        old_dir, old_timeout = _wifiutil_linux.CTRL_IFACE_DIR, socket.getdefaulttimeout()
        directory = ctrl_dir or old_dir
        _wifiutil_linux.CTRL_IFACE_DIR = directory
        socket.setdefaulttimeout(timeout)
        try:
            interfaces = pywifi.PyWiFi().interfaces()
            chosen = _choose(interfaces, iface, directory)
            chosen.scan()
            time.sleep(wait)
            results = chosen.scan_results()
        except FileNotFoundError:
            raise ScanError(_("No wpa_supplicant control directory at %(dir)s: wpa_supplicant is not running with a control"
                              " interface (e.g. it runs under NetworkManager only). Start it with ctrl_interface=DIR=%(dir)s,"
                              " or export a scan with nmcli or iw instead.", dir=directory)) from None
        except PermissionError:
            raise ScanError(_("No permission to use %(dir)s: run as root, or add yourself to the group named in"
                              " wpa_supplicant's ctrl_interface GROUP= setting.", dir=directory)) from None
        except (socket.timeout, TimeoutError) as exc:
            _close_abandoned_sockets(exc.__traceback__)
            raise ScanError(_("wpa_supplicant did not answer within %(seconds)s s.", seconds=f"{timeout:g}")) from None
        except IndexError:
            raise ScanError(_("wpa_supplicant's reply was longer than pywifi can read (4096 bytes, about 55 networks); scan with"
                              " 'iw dev IF scan' and import the file instead.")) from None
        except ConnectionRefusedError:
            raise ScanError(_("Nothing listens on the control socket in %(dir)s.", dir=directory)) from None
        finally:
            _close_pywifi_sockets(_wifiutil_linux)
            socket.setdefaulttimeout(old_timeout)
            _wifiutil_linux.CTRL_IFACE_DIR = old_dir
    return strongest_per_bssid([_from_profile(p) for p in results])


def _choose(interfaces, name, directory):
    if not interfaces:
        raise ScanError(_("wpa_supplicant has no interface in %(dir)s.", dir=directory))
    if name is None:
        stations = [i for i in interfaces if not i.name().startswith("p2p-")]
        return (stations or interfaces)[0]
    for candidate in interfaces:
        if candidate.name() == name:
            return candidate
    raise ScanError(_("No interface %(name)s; wpa_supplicant has: %(names)s.", name=repr(name),
                           names=", ".join(i.name() for i in interfaces)))


def _close_abandoned_sockets(traceback):
    """pywifi drops the socket it was connecting with when PING goes unanswered; close it."""
    while traceback is not None:
        for value in list(traceback.tb_frame.f_locals.values()):
            if isinstance(value, socket.socket):
                value.close()
        traceback = traceback.tb_next


def _close_pywifi_sockets(module):
    connections = module.WifiUtil._connections
    for conn in list(connections.values()):
        try:
            conn["sock"].close()
        except OSError:
            pass
        try:
            os.unlink(conn["sock_file"])
        except OSError:
            pass
    connections.clear()


def _from_profile(profile):
    freq = int(profile.freq)
    if freq > 100000:  # the Windows backend reports kHz
        freq //= 1000
    bssid = (profile.bssid or "").rstrip(":")
    security = " ".join(AKM_WORDS[a] for a in profile.akm if a in AKM_WORDS)
    return network(bssid or None, profile.ssid or "", freq=freq, signal=int(profile.signal), security=security)
