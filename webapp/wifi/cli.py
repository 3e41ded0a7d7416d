"""flask --app wsgi wifi analyze FILE … / wifi scan …: the Wi-Fi guidance for scripts and laptops."""
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..textclean import visible_tree
from . import guidance, parsers, scan

wifi_cli = AppGroup("wifi", help="Analyse Wi-Fi scans and scan with pywifi.")


def _lang():
    return "en" if current_app.config.get("BABEL_DEFAULT_LOCALE") == "en" else "zh"


def _fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _print(result, as_json):
    # A scanned SSID is anyone's choice of bytes: no escape sequence reaches the terminal.
    result = visible_tree({k: v for k, v in result.items() if k != "channels"}, one_line=True)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False))
        return
    click.echo(f"{result['format']}: {len(result['networks'])} networks ({result['country']})")
    for n in result["networks"]:
        click.echo(f"  {n['band'] or '?':>3} GHz ch {n['channel'] or '?':>3} {n['width_mhz']:>3} MHz "
                   f"{n['signal_dbm'] if n['signal_dbm'] is not None else '?':>6} dBm  {n['bssid'] or '-':17}  {n['ssid'] or '(hidden)'}")
    for band, rec in result["recommendation"].items():
        if rec:
            click.echo(f"{band} GHz → channel {rec['channel']} ({rec['width_mhz']} MHz): {rec['reason']}")
    for f in result["findings"]:
        click.echo(f"[{f['severity']}] {f['message']}")


@wifi_cli.command("analyze")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default="auto", type=click.Choice(("auto",) + parsers.FORMATS))
@click.option("--country", default="CN", show_default=True)
@click.option("--own-ssid", default=None, help="The customer's own network, left out of the interference.")
@click.option("--json", "as_json", is_flag=True)
def analyze_command(file, fmt, country, own_ssid, as_json):
    """Read a scan FILE and recommend channels."""
    try:
        with open(file, "rb") as handle:
            text = parsers.decode_file(handle.read(parsers.MAX_BYTES + 1))
        found, networks, off_band = parsers.read_scan(text, fmt)
        result = guidance.analyze(found, networks, country, own_ssid, _lang(), off_band)
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}")
    except (parsers.ScanFormatError, ValueError) as exc:
        _fail(str(exc))
    _print(result, as_json)


@wifi_cli.command("scan")
@click.option("--iface", default=None, help="Interface name (default: the first station interface).")
@click.option("--country", default="CN", show_default=True)
@click.option("--own-ssid", default=None)
@click.option("--wait", default=3.0, show_default=True, help="Seconds between starting the scan and reading it.")
@click.option("--json", "as_json", is_flag=True)
def scan_command(iface, country, own_ssid, wait, as_json):
    """Scan now with pywifi (Linux, wpa_supplicant) and recommend channels."""
    try:
        networks = scan.live_scan(iface, current_app.config.get("WIFI_CTRL_DIR"), wait=wait)
        result = guidance.analyze("pywifi", networks, country, own_ssid, _lang())
    except (scan.ScanError, ValueError) as exc:
        _fail(str(exc))
    _print(result, as_json)
