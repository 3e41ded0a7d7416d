// Times on the phone, in the zone the server names (Asia/Shanghai unless configured).
// Times from the server are UTC ("…Z"); times typed on the phone are already local ("YYYY-MM-DDTHH:MM").
import { boot } from "./context.js";

// The first Intl formatter of a page costs 25–75 ms on this box (ICU's set-up; ×4 on a phone):
// made in a task of its own just after the modules have loaded, not inside their evaluation,
// where it was the first screen's longest task (issue 14).
let parts = null;
const formatter = () => parts || (parts = new Intl.DateTimeFormat("en-CA", { timeZone: boot.tz, year: "numeric",
  month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
setTimeout(formatter, 0);

// Intl's formatToParts is slow (a job list of 41 orders asked it about a thousand times while
// sorting and drawing: ≈0.25 s of a phone-speed CPU, issue 14), and the same few server times come
// back again and again: each answer is kept (frozen), the store emptied when it grows large.
const known = new Map();
const KNOWN_AT_MOST = 5000;

// {date: "YYYY-MM-DD", time: "HH:MM"} in local time, or null for no value.
export function local(value) {
  if (!value) { return null; }
  if (!/Z$|[+-]\d\d:\d\d$/.test(value)) { return { date: value.slice(0, 10), time: value.slice(11, 16) }; }
  let found = known.get(value);
  if (!found) {
    const p = {};
    formatter().formatToParts(new Date(value)).forEach((x) => { p[x.type] = x.value; });
    found = Object.freeze({ date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` });
    if (known.size >= KNOWN_AT_MOST) { known.clear(); }
    known.set(value, found);
  }
  return found;
}

// Today's date here, asked by the minute ("YYYY-MM-DDTHH:MMZ", so the answer is kept for that minute).
export function today() { return local(`${new Date().toISOString().slice(0, 16)}Z`).date; }

// "HH:MM" today, else "MM-DD HH:MM".
export function when(value) {
  const l = local(value);
  if (!l) { return ""; }
  return l.date === today() ? l.time : `${l.date.slice(5)} ${l.time}`;
}

// The value a datetime-local input takes: "YYYY-MM-DDTHH:MM".
export function localInput(value) { const l = local(value); return l ? `${l.date}T${l.time}` : ""; }

export function nowInput() { return localInput(new Date().toISOString()); }
