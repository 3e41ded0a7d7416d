// Readings as a technician types them (issue 21 item 6): a number with or without its unit, on any
// phone keyboard (full-width digits and minus, "－18.5"), and a clear word when the unit is wrong
// ("12.5 MB/s" is megabytes: Mbps is asked) instead of a silent misreading. The number itself is
// read by ui.js typedNumber; the server checks the range and the band again (engine.py).
import { t } from "./i18n.js";
import { typedNumber } from "./ui.js";

// Units a technician may type after the number, by the unit asked: the ones that mean it (read as
// is), and the ones that are something else (refused with what to do). The seed writes optical
// power as "dB" (000 L45: -8~-28dB) and means dBm, so "dB" is read as dBm.
const UNITS = {
  dBm: { same: ["dbm", "db"], wrong: { mw: "mW", uw: "µW", "µw": "µW" } },
  Mbps: { same: ["mbps", "mbit/s", "mb/s", "m", "mbit", "兆", "m/s"], wrong: { kb: "KB/s", "kb/s": "KB/s",
    kbps: "kbps", "kbit/s": "kbps", k: "kbps", gbps: "Gbps", g: "Gbps", "gb/s": "Gbps", "gbit/s": "Gbps" } },
  ms: { same: ["ms", "毫秒"], wrong: { s: "s", "秒": "s" } },
};

// {value} or {error} for text typed into a field asking `unit` ("dBm", "Mbps", "ms").
export function readTyped(text, unit) {
  const plain = String(text == null ? "" : text).normalize("NFKC").trim();
  const match = /^(.*?)\s*([a-zµ兆毫秒/]+)$/iu.exec(plain);
  let number = plain;
  if (match && match[1] !== "") {
    const typedUnit = match[2];
    const known = UNITS[unit] || { same: [], wrong: {} };
    // "MB/s" (capital B) is megabytes per second; "Mb/s" is megabits. Case matters only here.
    if (unit === "Mbps" && /^MB\/s$|^MBps$/.test(typedUnit)) {
      return { error: t("%(typed)s is in megabytes per second: multiply by 8 and type the rate in Mbps (megabits per second).", { typed: plain }) };
    }
    const lower = typedUnit.toLowerCase();
    if (known.same.includes(lower)) {
      number = match[1];
    } else if (lower in known.wrong) {
      return { error: t("%(typed)s is in %(unit)s; type the reading in %(asked)s.", { typed: plain, unit: known.wrong[lower] || typedUnit, asked: unit }) };
    } else {
      return { error: t("“%(unit)s” is not a unit this reading is taken in; type the number in %(asked)s.", { unit: typedUnit, asked: unit }) };
    }
  }
  const value = typedNumber(number);
  return isFinite(value) ? { value } : { error: t("Type a number.") };
}
