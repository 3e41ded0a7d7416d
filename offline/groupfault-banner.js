// "Area under group fault" on the technician's phone (domain reference §9.3 item 23).
//
// The server puts `group_fault` on every order of the briefcase that lies in the area of a
// published group fault (webapp/groupfaults/interception.py, for_phone), so the banner shows
// offline from IndexedDB like the rest of the job. The wording is typed by the fault desk:
// it is drawn with DOM APIs and textContent only, never through innerHTML.

const BANNER_ID = "group-fault-banner";

function line(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) { node.className = className; }
  return node;
}

function place(fault) {
  return [fault.district, fault.community, fault.building].filter(Boolean).join(" ");
}

// One order's part of the banner: which job, the fault, what to tell the customer, when it comes back.
function faultItem(order, words, single) {
  const { t, when } = words;
  const sep = words.colon || ": ";
  const fault = order.group_fault;
  const item = document.createElement("li");
  item.className = "group-fault-item";
  item.dataset.order = String(order.id);
  if (!single) {
    item.append(line("p", t("Your job %(no)s is in the area", { no: order.order_no }) + " · " + (order.customer_name || ""), "group-fault-job"));
  }
  item.append(line("p", t("Group fault %(no)s", { no: fault.fault_no }) + (place(fault) ? " · " + place(fault) : ""), "muted small"));
  const wording = line("p", "", "group-fault-wording");
  wording.append(line("b", t("What to tell the customer") + sep), document.createTextNode(fault.wording || ""));
  item.append(wording);
  const expected = fault.expected_recovery_at ? when(fault.expected_recovery_at) : t("not yet known");
  item.append(line("p", t("Expected recovery") + sep + expected, "group-fault-recovery"));
  return item;
}

// The banner for these orders (those without a group fault are left out), or null when none has one.
export function groupFaultBanner(orders, words) {
  const affected = orders.filter((order) => order && order.group_fault);
  if (!affected.length) { return null; }
  const banner = document.createElement("section");
  banner.id = BANNER_ID;
  banner.className = "card group-fault-banner";
  banner.setAttribute("role", "alert");
  banner.append(line("h2", words.t("Area under group fault")));
  const list = document.createElement("ul");
  affected.forEach((order) => list.append(faultItem(order, words, orders.length === 1)));
  banner.append(list);
  return banner;
}
