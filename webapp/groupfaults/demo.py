"""Demo group faults: a published trunk-fibre fault over one of tech1's jobs, and an ONU alarm waiting for the desk."""
import datetime
import io

from ..db import one, transaction
from . import mapping, registry


def load(db, users, now, tz):
    """Add the demo mapping and faults (inside their own transaction); return a one-line summary."""
    job = one(db, "SELECT * FROM orders WHERE technician_id = ? AND state IN ('accepted', 'appointed')"
                  " ORDER BY id LIMIT 1", [users["tech1"].id])
    if job is None:
        return "no group faults"
    lines = ["account,olt,pon_port,onu,district,community,building"]
    lines += [f"gf{n:05d},{job['olt']},{job['pon_port']},ONU-{n % 8},{job['district']},{job['community']},{1 + n % 6}"
              for n in range(64)]
    lines += [f"onu{n:05d},北山-OLT-09,0/3/2,ONU-5,北山区,枫林小区,7" for n in range(12)]
    if job["broadband_account"]:
        lines.append(f"{job['broadband_account']},{job['olt']},{job['pon_port']},ONU-1,{job['district']},{job['community']},{job['building']}")
    desk = users["dispatch1"].id
    alarm_at = now - datetime.timedelta(minutes=40)
    mapping.import_csv(db, io.BytesIO(("\n".join(lines) + "\n").encode()))
    with transaction(db):
        fault_id = registry.create_alarm(db, {"alarm_class": "line", "alarm_type": "trunk_fibre_break", "olt": job["olt"],
                                              "pon_port": job["pon_port"], "occurred_at": alarm_at}, desk, alarm_at, tz,
                                         "more_than")
        registry.notify_company(db, registry.get(db, fault_id), "线路代维 王工 13900000000", desk, alarm_at + datetime.timedelta(minutes=6))
        registry.accept(db, registry.get(db, fault_id), desk, alarm_at + datetime.timedelta(minutes=8))
        registry.save_announcement(db, registry.get(db, fault_id), {
            "cause": "市政施工挖断主干光缆", "services": ["personal_broadband", "wlan"],
            "wording": f"您好，{job['district']}{job['community']}因市政施工挖断光缆，宽带暂时中断，抢修人员已在现场，预计两小时内恢复，给您带来不便非常抱歉。",
            "valid_until": now + datetime.timedelta(hours=6), "expected_recovery_at": now + datetime.timedelta(hours=2),
            "announcer": users["dispatch1"].display_name, "announcer_phone": "0571-88880000", "department": "客户响应中心",
            "city": "示例市", "announcement": f"{job['district']}{job['community']}个人宽带、WLAN因市政施工挖断主干光缆造成网络中断，"
                                             "已通知维护人员处理，请向用户解释。"}, desk, alarm_at + datetime.timedelta(minutes=12))
        registry.publish(db, registry.get(db, fault_id), desk, alarm_at + datetime.timedelta(minutes=15))
        registry.create_alarm(db, {"alarm_class": "onu", "alarm_type": "onu_power_loss", "olt": "北山-OLT-09",
                                   "pon_port": "0/3/2", "onu": "ONU-5", "occurred_at": now - datetime.timedelta(minutes=5)},
                              desk, now - datetime.timedelta(minutes=5), tz, "more_than")
    return "2 group faults"
