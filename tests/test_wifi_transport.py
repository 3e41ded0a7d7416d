"""What happens to a scan file on its way from the tool to ONTrack, applied to every shared sample
and public case: Windows line ends (CRLF, or a PuTTY/Notepad copy), UTF-16 without its BOM, a shell
prompt before the output and one after it (the terminal copy). Each still reads the same networks.
The files are read from ../shared and changed in memory; nothing is copied into the repo."""
import pathlib

import pytest

from webapp.wifi import parsers

SHARED = pathlib.Path(__file__).resolve().parent.parent.parent / "shared"
pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="../shared is not beside the project")

SCANS = {
    "iw": "public-cases/iw-vht160-new-encoding/iw-scan.txt",
    "iwinfo": "public-cases/iwinfo-openwrt-scan/iwinfo-scan.txt",
    "iwinfo-6ghz": "public-cases/iwinfo-openwrt-scan/iwinfo-scan-6ghz.txt",
    "nmcli-table": "public-cases/nmcli-tabular-default/nmcli-dev-wifi.txt",
    "macos-15": "public-cases/macos-system-profiler-json/mac-sp_15.5.json",
    "macos-12": "public-cases/macos-system-profiler-json/mac-sp_12.7.2-AP.json",
    "airport": "wifi-samples/airport-s__schollz_wifiscan__airport01.txt",
    "iw-sample": "wifi-samples/iw-scan__abandonware_wireless-tools.txt",
    "iwlist": "wifi-samples/iwlist-scan__schollz_wifiscan__iwlist01_ubuntu1404.txt",
    "netsh": "wifi-samples/netsh-bssid__schollz_wifiscan__netsh_en_complex01.txt",
    "nmcli-terse": "wifi-samples/nmcli-terse__friedrith_node-wifi.log",
    "termux": "wifi-samples/termux-wifi-scaninfo__kootenpv_access_points.json",
    "wigle": "wifi-samples/wigle-csv__nunii_Kml-Wigle-Wifi__WigleWifi_20171101202350.csv",
    "wpa-cli": "wifi-samples/wpa-cli-scan-results__QiuEamo_wpa_cli_wrapper.txt",
    "wpa-ctrl": "wifi-samples/wpa-ctrl-scan-results__awkman_pywifi_tests.txt",
}
NAMES = [pytest.param(name, marks=pytest.mark.public_case) if path.startswith("public-cases/") else name
         for name, path in SCANS.items()]  # the public cases' scans run with pytest -m public_case
PROMPTS_AFTER = ["tech@laptop:~$ ", "root@OpenWrt:~# ", "[root@host ~]# exit", "PS C:\\Users\\tech> ",
                 "C:\\Users\\tech>", "tech@MacBook-Pro ~ % ", "MacBook:~ tech$ ", "$"]


def original(name):
    text = (SHARED / SCANS[name]).read_bytes().decode("utf-8").replace("\r\n", "\n")
    return text if text.endswith("\n") else text + "\n"


def reading(text):
    fmt, networks = parsers.parse(text)
    return fmt, sorted((n["bssid"] or "", n["ssid"], n["freq_mhz"], n["width_mhz"], n["center_mhz"], n["signal_dbm"])
                       for n in networks)


@pytest.mark.parametrize("name", NAMES)
def test_windows_line_ends_read_the_same(name):
    text = original(name)
    assert reading(text.replace("\n", "\r\n")) == reading(text)


@pytest.mark.parametrize("name", NAMES)
def test_utf16_without_a_bom_reads_the_same(name):
    text = original(name)
    for encoding in ("utf-16-le", "utf-16-be"):
        assert reading(parsers.decode_file(text.encode(encoding))) == reading(text)


@pytest.mark.parametrize("name", NAMES)
def test_a_shell_prompt_after_the_output_is_not_part_of_it(name):
    text = original(name)
    expected = reading(text)
    for prompt in PROMPTS_AFTER:
        assert reading(text + prompt + "\n") == expected, prompt


@pytest.mark.parametrize("name", [n for n in NAMES if getattr(n, "values", (n,))[0] in ("macos-15", "macos-12", "termux")])
def test_json_after_the_command_line_that_made_it(name):
    text = original(name)
    expected = reading(text)
    for before in ("tech@MacBook-Pro ~ % system_profiler -json SPAirPortDataType\n",
                   "~ $ termux-wifi-scaninfo\n", "[root@host ~]# cat scan.json\n"):
        assert reading(before + text) == expected, before
        assert reading(before + text + "tech@MacBook-Pro ~ % \n") == expected, before


def test_a_long_scan_file_uploads_from_the_phone(login):
    """A real iw scan is 3–4 KB per access point (the shared sample: 26 KB for 8), so a block of flats
    gives several hundred KB. Werkzeug reads a multipart body in 64 KB pieces and refused every scan
    file over ~100 KB with 413 while MAX_FORM_MEMORY_SIZE was 64 KB."""
    import io
    text = original("iw-sample") * 24  # ~630 KB; the same 8 access points heard again
    phone = login("techa")
    response = phone.client.post("/api/wifi/analyze", data={"scan": (io.BytesIO(text.encode()), "iw-scan.txt")},
                                 headers={"X-CSRFToken": phone.token}, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # the test client spools a body over 500 KB to a file it leaves open
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    assert response.json["format"] == "iw" and len(response.json["networks"]) == 8
