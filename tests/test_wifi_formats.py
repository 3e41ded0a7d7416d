"""Scan formats and channel-width encodings on inputs generated here: every width encoding iw and
iwinfo print, netsh in the display languages Windows ships, nmcli after shell prompts and as its
table, placeholder BSSIDs, non-finite numbers, and files that name networks but give none."""
import json

import pytest

from webapp.wifi import guidance, parsers

# ---- width encodings ----------------------------------------------------------------------------

IW_BSS = """BSS {mac}(on wlan0)
\tfreq: {freq}
\tsignal: -50.00 dBm
\tSSID: test
{elements}\tExtended capabilities:
\t\t * BSS Transition
"""


def iw_ht(offset):
    return f"\tHT operation:\n\t\t * primary channel: 0\n\t\t * secondary channel offset: {offset}\n\t\t * STA channel width: any\n"


def iw_vht(code, seg1, seg2):
    label = {0: "20 or 40 MHz", 1: "80 MHz", 2: "160 MHz", 3: "80+80 MHz"}[code]
    return (f"\tVHT operation:\n\t\t * channel width: {code} ({label})\n\t\t * center freq segment 1: {seg1}\n"
            f"\t\t * center freq segment 2: {seg2}\n\t\t * VHT basic MCS set: 0xfffc\n")


def iw_he6(primary, code, seg0, seg1):
    return ("\tHE Operation:\n\t\tHE Operation Parameters: (0x023ff4)\n\t\t\tDefault PE Duration: 4\n"
            "\t\t\t6 GHz Operation Information Present\n\t\t6 GHz Operation Information\n"
            f"\t\t\tPrimary Channel: {primary}\n\t\t\tChannel Width: {code}\n"
            f"\t\t\tCenter Frequency Segment 0: {seg0}\n\t\t\tCenter Frequency Segment 1: {seg1}\n\t\t\tMinimum Rate: 6\n")


def iw_eht(mhz, seg0, seg1):
    return ("\tEHT Operation:\n\t\tEHT Operation Parameters: (0x01)\n\t\tBasic EHT-MCS And Nss Set: 0x44444444\n"
            f"\t\tEHT Operation Info: 0x040000\n\t\t\tChannel Width: {mhz} MHz\n"
            f"\t\t\tCenter Frequency Segment 0: {seg0}\n\t\t\tCenter Frequency Segment 1: {seg1}\n")


# (what, primary freq, elements, width, centre, second centre)
IW_WIDTHS = [
    ("HT20", 2437, iw_ht("no secondary"), 20, 2437, None),
    ("HT40 above", 2412, iw_ht("above"), 40, 2422, None),
    ("HT40 below", 2462, iw_ht("below"), 40, 2452, None),
    ("HT40 on 5 GHz", 5180, iw_ht("above"), 40, 5190, None),
    ("VHT 20/40 falls back to HT", 5180, iw_ht("above") + iw_vht(0, 0, 0), 40, 5190, None),
    ("VHT80", 5180, iw_ht("above") + iw_vht(1, 42, 0), 80, 5210, None),
    ("VHT80 upper block", 5745, iw_ht("above") + iw_vht(1, 155, 0), 80, 5775, None),
    ("VHT160 old encoding (width 2)", 5180, iw_ht("above") + iw_vht(2, 50, 0), 160, 5250, None),
    ("VHT160 new encoding (seg1 = 160 centre)", 5180, iw_ht("above") + iw_vht(1, 42, 50), 160, 5250, None),
    ("VHT160 new encoding, upper primary", 5300, iw_ht("above") + iw_vht(1, 58, 50), 160, 5250, None),
    ("VHT160 new encoding on 100–128", 5500, iw_ht("above") + iw_vht(1, 106, 114), 160, 5570, None),
    ("VHT80+80 old encoding (width 3)", 5180, iw_ht("above") + iw_vht(3, 42, 155), 160, 5210, 5775),
    ("VHT80+80 new encoding (width 1, far apart)", 5180, iw_ht("above") + iw_vht(1, 42, 106), 160, 5210, 5530),
    ("HE 6 GHz 20", 5955, iw_he6(1, 0, 1, 0), 20, 5955, None),
    ("HE 6 GHz 40", 5955, iw_he6(1, 1, 3, 0), 40, 5965, None),
    ("HE 6 GHz 80", 5955, iw_he6(1, 2, 7, 0), 80, 5985, None),
    ("HE 6 GHz 160 (seg1 = centre)", 6115, iw_he6(33, 3, 39, 47), 160, 6185, None),
    ("EHT 320 over HE 160", 6115, iw_he6(33, 3, 39, 47) + iw_eht(320, 47, 63), 320, 6265, None),
    ("EHT 160", 6115, iw_eht(160, 39, 47), 160, 6185, None),
    ("EHT 80 only CCFS0", 5955, iw_eht(80, 7, 0), 80, 5985, None),
]


@pytest.mark.parametrize("what,freq,elements,width,centre,centre2", IW_WIDTHS, ids=[w[0] for w in IW_WIDTHS])
def test_iw_width_encodings(what, freq, elements, width, centre, centre2):
    text = IW_BSS.format(mac="02:00:00:00:00:01", freq=freq, elements=elements)
    fmt, (only,) = parsers.parse(text)
    assert fmt == "iw"
    assert (only["width_mhz"], only["center_mhz"], only["center2_mhz"]) == (width, centre, centre2)


IWINFO_CELL = """Cell 01 - Address: 02:00:00:00:00:01
          ESSID: "test"
          Mode: Master  Frequency: {ghz:.3f} GHz  Band: {band} GHz  Channel: {channel}
          Signal: -50 dBm  Quality: 60/70
          Encryption: WPA2 PSK (CCMP)
{elements}
"""


def iwinfo_block(name, seg1, seg2, width):
    return (f"          {name} Operation:\n                    Center Frequency 1: {seg1}\n"
            f"                    Center Frequency 2: {seg2}\n                    Channel Width: {width}\n")


def iwinfo_ht(offset):
    return (f"          HT Operation:\n                    Primary Channel: 36\n"
            f"                    Secondary Channel Offset: {offset}\n                    Channel Width: 20 MHz\n")


IWINFO_WIDTHS = [
    ("HT40 above", 5180, "5", 36, iwinfo_ht("above"), 40, 5190, None),
    ("HT40 below", 5200, "5", 40, iwinfo_ht("below"), 40, 5190, None),
    ("VHT 20 or 40, no secondary", 5180, "5", 36, iwinfo_ht("no secondary") + iwinfo_block("VHT", 36, 0, "20 or 40 MHz"),
     20, 5180, None),
    ("VHT 80", 5180, "5", 36, iwinfo_ht("above") + iwinfo_block("VHT", 42, 0, "80 MHz"), 80, 5210, None),
    ("VHT 160 old", 5180, "5", 36, iwinfo_ht("above") + iwinfo_block("VHT", 50, 0, "160 MHz"), 160, 5250, None),
    ("VHT 160 new, labelled 160", 5180, "5", 36, iwinfo_ht("above") + iwinfo_block("VHT", 42, 50, "160 MHz"), 160, 5250, None),
    ("VHT 160 new, labelled 80", 5180, "5", 36, iwinfo_ht("above") + iwinfo_block("VHT", 42, 50, "80 MHz"), 160, 5250, None),
    ("VHT 80+80", 5180, "5", 36, iwinfo_ht("above") + iwinfo_block("VHT", 42, 155, "80+80 MHz"), 160, 5210, 5775),
    ("HE 6 GHz 160", 6115, "6", 33, iwinfo_block("HE", 39, 47, "160 MHz"), 160, 6185, None),
    ("HE 6 GHz 80", 6115, "6", 33, iwinfo_block("HE", 39, 0, "80 MHz"), 80, 6145, None),
    ("EHT 320", 6115, "6", 33, iwinfo_block("HE", 39, 47, "160 MHz") + iwinfo_block("EHT", 47, 63, "320 MHz"), 320, 6265, None),
]


@pytest.mark.parametrize("what,freq,band,channel,elements,width,centre,centre2", IWINFO_WIDTHS,
                         ids=[w[0] for w in IWINFO_WIDTHS])
def test_iwinfo_width_encodings(what, freq, band, channel, elements, width, centre, centre2):
    text = IWINFO_CELL.format(ghz=freq / 1000, band=band, channel=channel, elements=elements)
    fmt, (only,) = parsers.parse(text)
    assert (fmt, only["channel"], only["band"]) == ("iwinfo", channel, band)
    assert (only["width_mhz"], only["center_mhz"], only["center2_mhz"]) == (width, centre, centre2)


def test_scoring_covers_every_channel_a_wide_neighbour_occupies():
    allowed = guidance.domain("CN")

    def hit_channels(elements, freq):
        (n,) = parsers.parse(IW_BSS.format(mac="02:00:00:00:00:01", freq=freq, elements=elements))[1]
        return {s["channel"] for s in guidance.score_band([n], "5", allowed) if s["width_mhz"] == 20 and s["score"] > 0}

    assert hit_channels(iw_vht(1, 42, 50), 5180) == {36, 40, 44, 48, 52, 56, 60, 64}
    assert hit_channels(iw_vht(3, 42, 155), 5180) == {36, 40, 44, 48, 149, 153, 157, 161}
    assert hit_channels(iw_vht(1, 42, 0), 5180) == {36, 40, 44, 48}
    assert hit_channels(iw_ht("below"), 5200) == {36, 40}


# ---- netsh in the display languages Windows ships ------------------------------------------------

# Labels of `netsh wlan show networks mode=bssid` per display language: interface, "there are N
# networks", network type, authentication, encryption, signal, radio type, band (Windows 11),
# channel, basic rates, other rates; the percent as the language writes it.
NETSH_LANGUAGES = {
    "en-US": ("Interface name", "There are 2 networks currently visible.", "Network type", "Authentication",
              "Encryption", "Signal", "Radio type", "Band", "Channel", "Basic rates (Mbps)", "Other rates (Mbps)",
              "{}%", "Infrastructure", "WPA2-Personal", "Open"),
    "zh-CN": ("接口名称", "当前有 2 个网络可见。", "网络类型", "身份验证", "加密", "信号", "无线电类型", "波段", "频道",
              "基本速率(Mbps)", "其他速率(Mbps)", "{}%", "结构", "WPA2 - 个人", "开放式"),
    "zh-TW": ("介面名稱", "目前有 2 個網路可見。", "網路類型", "驗證", "加密", "訊號", "無線電波類型", "頻帶", "通道",
              "基本速率 (Mbps)", "其他速率 (Mbps)", "{}%", "基礎結構", "WPA2-個人", "開放"),
    "fr-FR": ("Nom de l’interface", "Il existe actuellement 2 réseaux visibles.", "Type de réseau", "Authentification",
              "Chiffrement", "Signal", "Type de radio", "Bande", "Canal", "Taux de base (Mbits/s)",
              "Autres taux (Mbits/s)", "{}\u00a0%", "Infrastructure", "WPA2 - Personnel", "Ouvrir"),
    "de-DE": ("Schnittstellenname", "Es sind 2 Netzwerke sichtbar.", "Netzwerktyp", "Authentifizierung",
              "Verschlüsselung", "Signal", "Funktyp", "Band", "Kanal", "Basisraten (MBit/s)", "Andere Raten (MBit/s)",
              "{}%", "Infrastruktur", "WPA2-Personal", "Offen"),
    "es-ES": ("Nombre de interfaz", "Hay 2 redes visibles actualmente.", "Tipo de red", "Autenticación", "Cifrado",
              "Señal", "Tipo de radio", "Banda", "Canal", "Velocidades básicas (Mbps)", "Otras velocidades (Mbps)",
              "{}%", "Infraestructura", "WPA2-Personal", "Abierta"),
    "pt-BR": ("Nome da interface", "Há 2 redes visíveis no momento.", "Tipo de rede", "Autenticação", "Criptografia",
              "Sinal", "Tipo de rádio", "Banda", "Canal", "Taxas básicas (Mbps)", "Outras taxas (Mbps)", "{}%",
              "Infraestrutura", "WPA2-Personal", "Aberta"),
    "it-IT": ("Nome interfaccia", "Sono attualmente visibili 2 reti.", "Tipo di rete", "Autenticazione",
              "Crittografia", "Segnale", "Tipo frequenza radio", "Banda", "Canale", "Velocità di base (Mbps)",
              "Altre velocità (Mbps)", "{}%", "Infrastruttura", "WPA2-Personal", "Aperta"),
    "ru-RU": ("Имя интерфейса", "Сейчас видно сетей: 2.", "Тип сети", "Проверка подлинности", "Шифрование",
              "Сигнал", "Тип радио", "Диапазон", "Канал", "Базовая скорость (Мбит/с)", "Другие скорости (Мбит/с)",
              "{}%", "Инфраструктура", "WPA2-Personal", "Открыть"),
    "ja-JP": ("インターフェイス名", "現在 2 個のネットワークが見えています。", "ネットワークの種類", "認証", "暗号化",
              "シグナル", "無線タイプ", "バンド", "チャネル", "基本レート (Mbps)", "他のレート (Mbps)", "{}%",
              "インフラストラクチャ", "WPA2-パーソナル", "オープン"),
    "ko-KR": ("인터페이스 이름", "현재 2개의 네트워크가 표시됩니다.", "네트워크 유형", "인증", "암호화", "신호",
              "라디오 유형", "대역", "채널", "기본 속도(Mbps)", "기타 속도(Mbps)", "{}%", "인프라", "WPA2-개인", "개방"),
    "tr-TR": ("Arabirim adı", "Şu anda 2 ağ görünür durumda.", "Ağ türü", "Kimlik doğrulaması", "Şifreleme",
              "Sinyal", "Radyo türü", "Bant", "Kanal", "Temel hızlar (Mbps)", "Diğer hızlar (Mbps)", "%{}",
              "Altyapı", "WPA2-Kişisel", "Açık"),
    "pl-PL": ("Nazwa interfejsu", "Obecnie są widoczne sieci: 2.", "Typ sieci", "Uwierzytelnianie", "Szyfrowanie",
              "Sygnał", "Typ radia", "Pasmo", "Kanał", "Szybkości podstawowe (Mb/s)", "Inne szybkości (Mb/s)", "{}%",
              "Infrastruktura", "WPA2-Personal", "Otwarte"),
    "nl-NL": ("Interfacenaam", "Er zijn momenteel 2 netwerken zichtbaar.", "Netwerktype", "Verificatie",
              "Versleuteling", "Signaal", "Radiotype", "Band", "Kanaal", "Basissnelheden (Mbps)",
              "Andere snelheden (Mbps)", "{}%", "Infrastructuur", "WPA2-Personal", "Open"),
    "cs-CZ": ("Název rozhraní", "Momentálně jsou viditelné 2 sítě.", "Typ sítě", "Ověřování", "Šifrování", "Signál",
              "Typ rádia", "Pásmo", "Kanál", "Základní rychlosti (Mb/s)", "Jiné rychlosti (Mb/s)", "{}\u00a0%",
              "Infrastruktura", "WPA2-Personal", "Otevřené"),
    "el-GR": ("Όνομα διασύνδεσης", "Υπάρχουν 2 ορατά δίκτυα αυτήν τη στιγμή.", "Τύπος δικτύου", "Έλεγχος ταυτότητας",
              "Κρυπτογράφηση", "Σήμα", "Τύπος πομπού", "Ζώνη", "Κανάλι", "Βασικοί ρυθμοί (Mbps)", "Άλλοι ρυθμοί (Mbps)",
              "{}%", "Υποδομή", "WPA2-Personal", "Ανοικτό"),
    "ar-SA": ("\u200fاسم الواجهة", "\u200fهناك 2 شبكات مرئية حاليًا.", "\u200fنوع الشبكة", "\u200fالمصادقة", "\u200fالتشفير",
              "\u200fالإشارة", "\u200fنوع الراديو", "\u200fالنطاق", "\u200fالقناة", "\u200fالمعدلات الأساسية (Mbps)",
              "\u200fمعدلات أخرى (Mbps)", "\u200e{}%\u200e", "\u200fبنية أساسية", "WPA2-Personal", "\u200fفتح"),
    "he-IL": ("\u200fשם ממשק", "\u200fכעת גלויות 2 רשתות.", "\u200fסוג רשת", "\u200fאימות", "\u200fהצפנה", "\u200fאות",
              "\u200fסוג רדיו", "\u200fרצועה", "\u200fערוץ", "\u200fקצבים בסיסיים (Mbps)", "\u200fקצבים אחרים (Mbps)",
              "\u200e{}%\u200e", "\u200fתשתית", "WPA2-Personal", "\u200fפתוחה"),
    "vi-VN": ("Tên giao diện", "Hiện có 2 mạng hiển thị.", "Loại mạng", "Xác thực", "Mã hóa", "Tín hiệu",
              "Loại radio", "Băng tần", "Kênh", "Tốc độ cơ bản (Mbps)", "Tốc độ khác (Mbps)", "{}%", "Cơ sở hạ tầng",
              "WPA2-Cá nhân", "Mở"),
}


def netsh_text(language):
    (iface, visible, net_type, auth, enc, signal, radio, band, channel, basic, other, pct, infra, wpa2,
     open_word) = NETSH_LANGUAGES[language]
    colon = "\u00a0:" if language.startswith("fr") else " :"  # French typography: a no-break space before the colon
    comma = language.split("-")[0] in ("fr", "de", "es", "pt", "it", "ru", "tr", "pl", "nl", "vi", "cs", "el")

    def line(indent, label, value):
        return f"{' ' * indent}{label:<24}{colon} {value}"

    def bssid(n, mac, percent, radio_type, ghz, ch):
        ghz_text = ghz.replace(".", ",") if comma else ghz
        return [line(4, f"BSSID {n}", mac), line(9, signal, pct.format(percent)), line(9, radio, radio_type),
                line(9, band, f"{ghz_text} GHz"), line(9, channel, ch), line(9, basic, "1 2 5.5 11"),
                line(9, other, "6 9 12 18 24 36 48 54"), ""]

    lines = [line(0, iface, "WLAN"), visible, "",
             line(0, "SSID 1", "中国移动-home"), line(4, net_type, infra), line(4, auth, wpa2), line(4, enc, "CCMP")]
    lines += bssid(1, "a4:50:46:00:00:01", 86, "802.11n", "2.4", "6")
    lines += bssid(2, "a4:50:46:00:00:02", 60, "802.11ac", "5", "149")
    lines += [line(0, "SSID 2", "Café Wi-Fi"), line(4, net_type, infra), line(4, auth, open_word), line(4, enc, "None")]
    lines += bssid(1, "00:0c:43:00:00:09", 30, "802.11n", "2.4", "11")
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("language", sorted(NETSH_LANGUAGES))
def test_netsh_in_every_display_language_reads_the_same(language):
    text = netsh_text(language)
    fmt, networks = parsers.parse(parsers.decode_file(text.encode("utf-16")))
    assert fmt == "netsh"
    assert sorted((n["bssid"], n["ssid"], n["band"], n["channel"], n["signal_dbm"]) for n in networks) == [
        ("00:0c:43:00:00:09", "Café Wi-Fi", "2.4", 11, -85.0),
        ("a4:50:46:00:00:01", "中国移动-home", "2.4", 6, -57.0),
        ("a4:50:46:00:00:02", "中国移动-home", "5", 149, -70.0),
    ]


def test_french_netsh_has_no_break_spaces_and_decimal_commas():
    text = netsh_text("fr-FR")
    assert "\u00a0: " in text and "2,4 GHz" in text  # the generator writes what French Windows prints


# ---- nmcli: after a shell prompt, without -f, as a table ------------------------------------------

NMCLI_ROWS = ("*:02\\:00\\:00\\:00\\:04\\:01:Home:Infra:6:130 Mbit/s:70:▂▄▆_:WPA2\n"
              " :02\\:00\\:00\\:00\\:04\\:02:Next door:Infra:36:270 Mbit/s:40:▂▄__:WPA1 WPA2\n")


@pytest.mark.parametrize("prompt", ["", "$ ", "user@laptop:~$ ", "[root@host ~]# ", "PS C:\\Users\\tech> ", "% "])
def test_nmcli_terse_after_any_prompt_without_fields_uses_the_default_list(prompt):
    fmt, networks = parsers.parse(f"{prompt}nmcli -t dev wifi list\n" + NMCLI_ROWS + (prompt.strip() + "\n" if prompt else ""))
    assert fmt == "nmcli"
    assert sorted((n["bssid"], n["ssid"], n["channel"], n["signal_dbm"]) for n in networks) == [
        ("02:00:00:00:04:01", "Home", 6, -58.0), ("02:00:00:00:04:02", "Next door", 36, -76.0)]


def test_nmcli_terse_with_fields_after_a_prompt():
    text = ("tech@box:~$ nmcli -t -f SSID,BSSID,FREQ,SIGNAL dev wifi\n"
            "Home:02\\:00\\:00\\:00\\:04\\:01:2437 MHz:70\n")
    assert [(n["ssid"], n["channel"]) for n in parsers.parse(text)[1]] == [("Home", 6)]


def test_nmcli_table_with_spaces_in_ssids_and_other_columns():
    text = ("IN-USE  SSID                 BSSID              CHAN  FREQ      SIGNAL  SECURITY  \n"
            "*       My Home Net          02:00:00:00:05:01  1     2412 MHz  100     WPA2 WPA3 \n"
            "        --                   02:00:00:00:05:02  149   5745 MHz  30      --        \n")
    networks = sorted(parsers.parse(text)[1], key=lambda n: n["bssid"])
    assert [(n["ssid"], n["hidden"], n["channel"], n["signal_dbm"], n["security"]) for n in networks] == [
        ("My Home Net", False, 1, -40.0, "WPA2 WPA3"), ("", True, 149, -82.0, "open")]


def test_nmcli_table_without_bssid_says_what_to_run():
    text = ("IN-USE  SSID      MODE   CHAN  RATE        SIGNAL  BARS  SECURITY \n"
            "*       HomeNet   Infra  10    270 Mbit/s  89      ▂▄▆█  WPA2     \n")
    with pytest.raises(parsers.ScanFormatError, match="nmcli's table without a BSSID column.*nmcli -f IN-USE,BSSID"):
        parsers.parse(text)


# ---- placeholder BSSIDs ---------------------------------------------------------------------------

@pytest.mark.parametrize("placeholder", ["xx:xx:xx:xx:xx:xx", "XX:XX:XX:XX:XX:XX", "00:00:00:00:00:00",
                                         "**:**:**:**:**:**", "a4:50:46:xx:xx:xx"])
def test_placeholder_bssids_are_no_identity_and_never_merge(placeholder):
    iw = "".join(IW_BSS.format(mac=placeholder, freq=freq, elements="").replace("SSID: test", f"SSID: n{freq}")
                 for freq in (2412, 2437))
    wpa = ("bssid / frequency / signal level / flags / ssid\n"
           f"{placeholder}\t2412\t-60\t[WPA2-PSK-CCMP][ESS]\ta\n{placeholder}\t2437\t-70\t[ESS]\tb\n")
    netsh = netsh_text("en-US").replace("a4:50:46:00:00:01", placeholder).replace("a4:50:46:00:00:02", placeholder)
    escaped = placeholder.replace(":", "\\:")
    nmcli = f"*:{escaped}:a:Infra:1:54 Mbit/s:80:▂▄▆█:WPA2\n :{escaped}:b:Infra:6:54 Mbit/s:50:▂▄__:WPA2\n"
    for text, count in ((iw, 2), (wpa, 2), (netsh, 3), (nmcli, 2)):
        fmt, networks = parsers.parse(text)
        assert len(networks) == count, fmt
        assert sum(n["bssid"] is None for n in networks) == 2, fmt


@pytest.mark.parametrize("bssid", ["", None, "XX:XX:XX:XX:XX:XX"])
def test_json_scans_keep_networks_whose_bssid_is_missing_or_redacted(bssid):
    termux = json.dumps([{"bssid": bssid, "ssid": "a", "frequency_mhz": 2412, "rssi": -60},
                         {"bssid": bssid, "ssid": "b", "frequency_mhz": 2437, "rssi": -70}])
    ontrack = json.dumps({"networks": [{"bssid": bssid, "channel": 1, "signal_dbm": -60},
                                       {"bssid": bssid, "channel": 6, "signal_dbm": -70}]})
    for text in (termux, ontrack):
        networks = parsers.parse(text)[1]
        assert [n["bssid"] for n in networks] == [None, None]


def test_an_empty_netsh_bssid_value_is_kept_as_a_network():
    text = netsh_text("de-DE").replace("a4:50:46:00:00:02", "")
    networks = parsers.parse(text)[1]
    assert len(networks) == 3 and [n["channel"] for n in networks if n["bssid"] is None] == [149]


# ---- non-finite numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    json.dumps([{"bssid": "02:00:00:00:00:01", "frequency_mhz": 2412, "rssi": float("nan")}]),
    json.dumps([{"bssid": "02:00:00:00:00:01", "frequency_mhz": float("inf"), "rssi": -50}]),
    json.dumps({"networks": [{"bssid": "02:00:00:00:00:01", "freq_mhz": 2412, "signal_dbm": float("-inf")}]}),
    json.dumps({"networks": [{"channel": 6, "signal_dbm": "NaN"}]}),
    "bssid / frequency / signal level / flags / ssid\n02:00:00:00:00:01\t2412\tnan\t[ESS]\ta\n",
    ":02\\:00\\:00\\:00\\:00\\:01:a:Infra:1:54 Mbit/s:NaN:▂▄▆█:WPA2\n",
])
def test_non_finite_numbers_are_refused_with_a_sentence(text):
    with pytest.raises(parsers.ScanFormatError) as raised:
        parsers.parse(text)
    assert "nan" not in str(raised.value).lower() or "not a real number" in str(raised.value)


# ---- a file that names networks but yields none ---------------------------------------------------

def test_networks_on_no_known_band_are_an_error_not_clean_air():
    text = IW_BSS.format(mac="02:00:00:00:00:01", freq=900, elements="")  # 900 MHz (802.11ah) only
    with pytest.raises(parsers.NoNetworksError, match="iw dev wlan0 scan"):
        parsers.parse(text)


def test_older_nmcli_without_bssid_in_terse_output_says_what_to_run():
    text = "$ nmcli -t dev wifi\n*:HomeNet:Infra:6:54 Mbit/s:70:▂▄▆_:WPA2\n:Other:Infra:11:54 Mbit/s:40:▂▄__:WPA2\n"
    with pytest.raises(parsers.ScanFormatError, match="no BSSID field.*nmcli -f IN-USE,BSSID"):
        parsers.parse(text)


@pytest.mark.parametrize("given,width,centre,centre2", [
    ({"width_mhz": 160, "center_mhz": 5250}, 160, 5250, None),
    ({"width_mhz": 160, "center_mhz": 5210, "center2_mhz": 5775}, 160, 5210, 5775),
    ({"width_mhz": "320", "freq_mhz": 6115, "center_mhz": 6265}, 320, 6265, None),
])
def test_ontrack_json_keeps_wide_channels_for_the_saved_survey(given, width, centre, centre2):
    row = {"bssid": "02:00:00:00:00:01", "freq_mhz": 5180, "signal_dbm": -50, **given}
    (only,) = parsers.parse(json.dumps({"networks": [row]}))[1]
    assert (only["width_mhz"], only["center_mhz"], only["center2_mhz"]) == (width, centre, centre2)


def test_airport_wide_channels_are_centred_on_their_block():
    text = ("                            SSID BSSID             RSSI CHANNEL HT CC SECURITY (auth/unicast/group)\n"
            "                           wide5 02:00:00:00:00:01 -50  149,80  Y  CN WPA2(PSK/AES/AES)\n"
            "                          wide16 02:00:00:00:00:02 -55  36,160  Y  CN WPA2(PSK/AES/AES)\n")
    networks = {n["ssid"]: n for n in parsers.parse(text)[1]}
    assert (networks["wide5"]["width_mhz"], networks["wide5"]["center_mhz"]) == (80, 5775)
    assert (networks["wide16"]["width_mhz"], networks["wide16"]["center_mhz"]) == (160, 5250)


@pytest.mark.parametrize("channel,signal,expected", [
    ("44 (5GHz, 80MHz)", "-50 dBm / -95 dBm", ("5", 44, 80, 5210, -50.0)),
    ("36 (5GHz, 160MHz)", None, ("5", 36, 160, 5250, None)),
    ("37 (6GHz, 160MHz)", "-60 dBm / -95 dBm", ("6", 37, 160, 6185, -60.0)),
    ("33 (6GHz, 320MHz)", None, ("6", 33, 320, 6105, None)),
    ("11 (2GHz, 40MHz)", None, ("2.4", 11, 40, 2452, None)),
    ("1,+1", "-70 dBm / -90 dBm", ("2.4", 1, 40, 2422, -70.0)),
    ("11,-1", "-70 dBm / -90 dBm", ("2.4", 11, 40, 2452, -70.0)),
    (149, "-67 dBm / -93 dBm", ("5", 149, 20, 5745, -67.0)),
])
def test_macos_channel_spellings(channel, signal, expected):
    entry = {"_name": "n", "spairport_network_channel": channel,
             "spairport_security_mode": "spairport_security_mode_wpa3_personal"}
    if signal:
        entry["spairport_signal_noise"] = signal
    text = json.dumps({"SPAirPortDataType": [{"spairport_airport_interfaces": [
        {"_name": "en0", "spairport_airport_other_local_wireless_networks": [entry]}]}]})
    fmt, (only,) = parsers.parse(text)
    assert fmt == "macos" and only["security"] == "WPA3-SAE" and only["bssid"] is None
    assert (only["band"], only["channel"], only["width_mhz"], only["center_mhz"], only["signal_dbm"]) == expected


def test_macos_json_without_wifi_interfaces_names_the_command():
    with pytest.raises(parsers.ScanFormatError, match="system_profiler -json SPAirPortDataType"):
        parsers.parse(json.dumps({"SPAirPortDataType": "nothing"}))
