"""The fault-finding trees transcribed from the seed text itself (issue 16), not from the domain reference.

One row per branch: (node, answer) → the next node or "=outcome", with the seed file, the line
and the words on that line the branch rests on. `kind` says how the seed supports it:
  seed       the seed says so on that line;
  gap        the seed is silent there (the quoted line shows what it does list); the tree stops
             at a gap conclusion or marks the step [缺口]/[gap];
  synthesis  the project's own reading; the step is marked [综合]/[synthesis];
  choice     the seed leaves it to the technician (the quote says why); the choice is recorded.
tests/test_playbooks.py checks every quote is on its line of ../shared/seeds/, and walks every
path of every tree against this table on the server and in the phone's runner.
"""
from collections import namedtuple

SEEDS = {"000": "000_41ab61d21fea1cf7.txt", "003": "003_80ad9b14419477b7.txt", "004": "004_90cb35396d5b5103.txt"}

Row = namedtuple("Row", "node answer goes_to seed line quote kind")


def rows(seed, *entries):
    return [Row(node, answer, goes_to, seed, line, quote, kind) for node, answer, goes_to, line, quote, kind in entries]


TABLE = (
    # FTTH故障处理步骤 (000 L11–55)
    rows("000",
         ("H1", "off", "=power_fault", 15, "不亮,表示供电异常", "seed"),
         ("H1", "on", "H2", 17, "长亮,表示供电正常转第二步", "seed"),
         ("H1", "blinking", "=not_covered", 17, "长亮,表示供电正常转第二步", "gap"),
         ("H2", "off", "H3", 21, "熄灭,表示信号正常转第三步", "seed"),
         ("H2", "blinking", "H5.1", 23, "闪亮,表示光猫接收不到信号或低于灵敏度,转第五步", "seed"),
         ("H2", "on", "=not_covered", 23, "闪亮,表示光猫接收不到信号或低于灵敏度", "gap"),
         ("H3", "on", "H4", 27, "常亮,表示ONT(光猫)接收到OLT的信号,转第四步", "seed"),
         ("H3", "blinking", "H5.1", 29, "注册不上,转第五步", "seed"),
         ("H3", "off", "H5.1", 31, "灭,表示ONT(光猫)接收不到OLT的信号,转第五步", "seed"),
         ("H4", "blinking", "H6", 35, "灯闪亮,表示光猫与电脑或用户路由器连接正常,转第六步", "seed"),
         ("H4", "off", "=lan_link_fault", 37, "最终判断是光猫、路由器、交换机、用户电脑的问题", "seed"),
         ("H4", "on", "=not_covered", 35, "灯闪亮,表示光猫与电脑或用户路由器连接正常", "gap"),
         ("H5.1", "too_strong", "=power_too_strong", 45, "测试光功率是否在标准值-8~-28dB内", "gap"),
         ("H5.1", "good", "=power_ok_light_abnormal", 45, "测试光功率是否在标准值-8~-28dB内", "gap"),
         ("H5.1", "marginal", "H5.1m", 45, "-28已经处于边缘值,建议在-25以内", "seed"),
         ("H5.1", "too_weak", "H5.2", 47, "收光功率过小,光衰过大", "seed"),
         ("H5.1m", "look", "H5.2", 45, "-28已经处于边缘值,建议在-25以内", "choice"),
         ("H5.1m", "no", "=power_ok_light_abnormal", 45, "测试光功率是否在标准值-8~-28dB内", "choice"),
         ("H5.2", "yes", "H5.3", 47, "皮线光缆是否有弯曲程度小于90度或损坏", "seed"),
         ("H5.2", "no", "H5.3", 47, "皮线光缆是否有弯曲程度小于90度或损坏", "seed"),
         ("H5.3", "normal", "H5.3a", 49, "测试分光器端口收光功率是否正常,正常则用红光笔测试皮线是否通", "seed"),
         ("H5.3", "abnormal", "H5.3b", 49, "收光功率不正常则测试另一个分光器端口", "seed"),
         ("H5.3a", "passes", "=reterminate_drop", 49, "通则重做两端皮线光缆头", "seed"),
         ("H5.3a", "fails", "=repull_drop", 49, "不通则重新拉皮线光缆", "seed"),
         ("H5.3b", "normal", "=change_splitter_port", 49, "测试另一个分光器端口正常则更换分光器端口", "seed"),
         ("H5.3b", "abnormal", "H5.4", 49, "不正常则测试分光器总上行口", "seed"),
         ("H5.4", "yes", "=escalate_upstream", 51, "排查工作需要两个维护人员配合完成", "seed"),
         ("H5.4", "no", "=not_covered", 51, "二级分光器上行光衰过大时", "gap"),
         ("H6", "error", "D1", 55, "断开用户路由器,直接连接笔记本电脑进行拨号", "seed"),
         ("H6", "ok", "R1", 55, "断开用户路由器,直接连接笔记本电脑进行拨号", "synthesis"),
         # 常见拨号错误代码 (000 L57–71), the FTTH section's list
         ("D1", "691", "D691", 59, "①691 可能的原因有", "seed"),
         ("D1", "678", "D678", 69, "②678表示宽带连接中断", "seed"),
         ("D1", "769", "=dialup_769", 71, "③769表示用户网卡被禁用,需要重新启用网卡", "seed"),
         ("D1", "other", "=not_covered", 57, "常见拨号错误代码", "gap"),
         ("D691", "suspended", "=account_suspended", 61, "账号停机:查看手机是否同时欠费", "seed"),
         ("D691", "password", "=wrong_password", 63, "密码错:请用户发10086 重置宽带密码", "seed"),
         ("D691", "binding", "=binding_error", 65, "绑定校验错打电话给后台人员处理", "seed"),
         ("D691", "elsewhere", "=online_elsewhere", 67, "需要后台人员在BAS中清除账号下线", "seed"),
         ("D678", "yes", "=check_ont_data", 69, "正常则打电话给后台人员检查光猫数据是否正常", "seed"),
         ("D678", "no", "D678.power", 69, "需要核查光猫信号是否正常", "synthesis"),
         ("D678.power", "too_strong", "=power_too_strong", 45, "测试光功率是否在标准值-8~-28dB内", "gap"),
         ("D678.power", "good", "=check_ont_data", 69, "正常则打电话给后台人员检查光猫数据是否正常", "seed"),
         ("D678.power", "marginal", "D678.m", 45, "-28已经处于边缘值,建议在-25以内", "seed"),
         ("D678.power", "too_weak", "H5.2", 47, "收光功率过小,光衰过大", "seed"),
         ("D678.m", "look", "H5.2", 45, "-28已经处于边缘值,建议在-25以内", "choice"),
         ("D678.m", "no", "=check_ont_data", 69, "正常则打电话给后台人员检查光猫数据是否正常", "choice"),
         # the stand-alone dial-up guide: the access type picks the section's list
         ("D0", "ftth", "D1", 57, "常见拨号错误代码", "seed"),
         ("D0", "fttb", "B6", 111, "第六步:查看账号错误信息", "seed"),
         ("D0", "other", "=not_covered", 11, "一、FTTH故障处理步骤", "gap"),
         ),
    # FTTB故障处理步骤 (000 L73–121)
    rows("000",
         ("B1", "off", "=power_fault", 79, "POWER灯不亮表示电源异常,检查是否停电或电源故障", "seed"),
         ("B1", "on", "B1.FE", 77, "POWER灯常亮表示供电正常", "seed"),
         ("B1", "blinking", "=not_covered", 77, "POWER灯常亮表示供电正常", "gap"),
         ("B1.FE", "on", "B5", 81, "FE(右)常亮表示连接正常", "synthesis"),
         ("B1.FE", "off", "B2", 81, "灭表示无连接转第二步", "seed"),
         ("B1.FE", "blinking", "=not_covered", 83, "FE(左)闪亮表示有数据传输", "gap"),
         ("B2", "off", "=power_fault", 89, "POWER灯不亮表示电源异常,检查是否停电或电源故障", "seed"),
         ("B2", "on", "B2.WAN", 87, "POWER灯常亮表示供电正常", "seed"),
         ("B2", "blinking", "=not_covered", 87, "POWER灯常亮表示供电正常", "gap"),
         ("B2.WAN", "off", "B3", 93, "WAN灯,灭表示连接无信号转第三步", "seed"),
         ("B2.WAN", "on", "=not_covered", 91, "WAN灯,常亮或闪亮表示连接正常", "gap"),
         ("B2.WAN", "blinking", "=not_covered", 91, "WAN灯,常亮或闪亮表示连接正常", "gap"),
         ("B3", "bad", "=move_onu_port", 97, "方法二:解绑用户账号,更换ONU端口测试", "seed"),
         ("B3", "good", "B4", 97, "测试端口好,则转地四步", "seed"),
         ("B4", "normal", "B5", 101, "用网线测试仪检查网线是否正常,正常则转第五步", "seed"),
         ("B4", "abnormal", "=remake_cable", 103, "不正常则重做网线", "seed"),
         ("B5", "ok", "=customer_lan_out_of_scope", 107, "测试正常则可能是用户家局域网或设备问题,超出处理范围", "seed"),
         ("B5", "fails", "B6", 109, "测试不能正常拨号转第六步", "seed"),
         ("B6", "691", "D691", 113, "691 可能的原因有", "seed"),
         ("B6", "678", "=fttb_678", 113, "691 可能的原因有", "gap"),
         ("B6", "769", "=dialup_769", 71, "③769表示用户网卡被禁用,需要重新启用网卡", "synthesis"),
         ("B6", "other", "=not_covered", 113, "691 可能的原因有", "gap"),
         ),
    # 网速慢故障处理步骤 (000 L123–157): ①, ② and ③ in turn
    rows("000",
         ("S1", "all", "S2.1a", 129, "(1)整体应用都慢", "seed"),
         ("S1", "site", "S2.2", 131, "具体某个网页、网银、微信或视频网站打开很慢或无法访问", "seed"),
         ("S1", "wifi", "W1", 131, "(3)使用WIFI上网慢", "seed"),
         ("S1", "game", "=game_capture", 157, "由故障专席转给区互联网室进一步跟踪处理", "seed"),
         ("S2.1a", "good", "S2.1a.speed", 139, "Ping测DNS,,延时小于50ms", "seed"),
         ("S2.1a", "poor", "S2.1.line", 139, "如果测速情况不好则检查线路", "seed"),
         ("S2.1a.speed", "ok", "S2.1b", 145, "②重启用户路由器和交换机等设备再进行第一步测试", "seed"),
         ("S2.1a.speed", "poor", "S2.1.line", 139, "如果测速情况不好则检查线路", "seed"),
         ("S2.1.line", "ftth", "S2.1.ftth", 141, "FTTH处理办法:需要测试光猫的收光功率是否正常", "seed"),
         ("S2.1.line", "fttb", "S2.1.fttb", 143, "FTTB处理办法:需要查看ONU的接收光功率情况", "seed"),
         ("S2.1.ftth", "too_strong", "=power_too_strong", 45, "测试光功率是否在标准值-8~-28dB内", "gap"),
         ("S2.1.ftth", "good", "S2.1b", 145, "②重启用户路由器和交换机等设备再进行第一步测试", "seed"),
         ("S2.1.ftth", "marginal", "S2.1.ftth.m", 45, "-28已经处于边缘值,建议在-25以内", "seed"),
         ("S2.1.ftth", "too_weak", "H5.2", 47, "收光功率过小,光衰过大", "seed"),
         ("S2.1.ftth.m", "look", "H5.2", 45, "-28已经处于边缘值,建议在-25以内", "choice"),
         ("S2.1.ftth.m", "no", "S2.1b", 145, "②重启用户路由器和交换机等设备再进行第一步测试", "choice"),
         ("S2.1.fttb", "normal", "S2.1b", 145, "②重启用户路由器和交换机等设备再进行第一步测试", "seed"),
         ("S2.1.fttb", "fault", "=fttb_line_fault", 143, "需要查看用户路由器或网卡适配情况,是否有CRC错误包", "gap"),
         ("S2.1b", "done", "S2.1b.dns", 145, "再进行第一步测试", "seed"),
         ("S2.1b.dns", "good", "S2.1b.speed", 139, "Ping测DNS,,延时小于50ms", "seed"),
         ("S2.1b.dns", "poor", "S2.1c", 147, "③如果整个小区有集中反映网速慢的问题", "seed"),
         ("S2.1b.speed", "ok", "=test_good_after_restart", 145, "再进行第一步测试", "seed"),
         ("S2.1b.speed", "poor", "S2.1c", 147, "③如果整个小区有集中反映网速慢的问题", "seed"),
         ("S2.1c", "yes", "=community_congestion", 147, "需要地市客响室查看OLT上行带宽是否有拥塞,ONU的上行模板限速情况", "seed"),
         ("S2.1c", "no", "=not_covered", 147, "③如果整个小区有集中反映网速慢的问题", "gap"),
         ("S2.2", "yes", "=site_capture", 149, "将抓包结果保存发给客响故障专席", "seed"),
         ("S2.2", "no", "=not_covered", 149, "打开网页查看是否真的慢", "gap"),
         # (3)使用WIFI上网慢 (000 L151–153) and 无线设置的主意事项 (000 L193)
         ("W1", "done", "W2", 153, "在手机里面下载一个“WIFI 分析仪” APP", "seed"),
         ("W2", "good", "W3", 153, "WIFI 信号不低于-70dbm,上网质量会较好", "seed"),
         ("W2", "weak", "W3", 153, "WIFI 信号不低于-70dbm,上网质量会较好", "synthesis"),
         ("W3", "yes", "N1", 153, "WIFI的信道选择干扰较小的信道为宜", "seed"),
         ("W3", "no", "N2", 193, "信道通过手机WIFI测试仪扫描信道后再固定选择某个空闲信道", "seed"),
         ("N2", "yes", "N1", 193, "信道通过手机WIFI测试仪扫描信道后再固定选择某个空闲信道", "seed"),
         ("N2", "no", "N1", 193, "信道通过手机WIFI测试仪扫描信道后再固定选择某个空闲信道", "seed"),
         ("N1", "yes", "N3", 193, "如果家里只有一台无线路由器而无AP", "seed"),
         ("N1", "no", "N3", 193, "或多台无线路由器做中继时", "gap"),
         ("N3", "range", "=wifi_prefer_24", 193, "WIFI 2.4G频段的信号穿墙效果会好一些", "seed"),
         ("N3", "speed", "=wifi_prefer_5", 193, "5G频段的信号的速率快,但穿墙效果较差", "seed"),
         # 用户路由器故障检查步骤 (000 L159–193)
         ("R1", "on", "R2", 163, "常亮,表示供电正常,转第二步", "seed"),
         ("R1", "off", "=power_fault", 165, "灭,表示电源异常,检查是否停电或电源故障", "seed"),
         ("R1", "blinking", "=not_covered", 163, "常亮,表示供电正常,转第二步", "gap"),
         ("R2", "on", "R3", 169, "常亮,表示接收到信号,转第三步", "seed"),
         ("R2", "off", "=router_wan_no_signal", 171, "灭,表示无信号,检测外线是否有信号,WAN端口是否损坏", "seed"),
         ("R2", "blinking", "R3", 169, "常亮,表示接收到信号,转第三步", "synthesis"),
         ("R3", "blinking", "R4", 175, "闪亮表示有数据传输,正常,转第四步", "seed"),
         ("R3", "off", "=router_lan_no_data", 177, "检查网线或对端设备端口是否关闭", "seed"),
         ("R3", "on", "=not_covered", 175, "闪亮表示有数据传输,正常,转第四步", "gap"),
         ("R4", "done", "N2", 193, "信道通过手机WIFI测试仪扫描信道后再固定选择某个空闲信道", "seed"),
         ),
    # 网络维护人员培训材料 (003 L323–325)
    rows("003",
         ("L1", "yes", "L2", 323, "查看网线两端是否插好,或者拿测线器进行测试", "seed"),
         ("L1", "no", "=lan_cable", 325, "或者换网线或者重新更换水晶头", "seed"),
         ("L2", "yes", "=nic_disabled", 325, "如果网卡被禁用,双击重新启用即可", "seed"),
         ("L2", "no", "L3", 325, "3、级联交换机坏", "seed"),
         ("L3", "yes", "L3a", 325, "如果有多台电脑无法上网,那么首先查看大家公用的级联交换机", "seed"),
         ("L3", "no", "L4", 325, "4、光纤收发器坏", "seed"),
         ("L3a", "yes", "=switch_restarted", 325, "处理方法:重启交换机", "seed"),
         ("L3a", "no", "L3b", 325, "如果重启交换机网络仍然未回复,建议使用笔记本电脑配好网络中使用的ip地址,直接接在主线上测试", "seed"),
         ("L3b", "yes", "L3c", 325, "如果主线通,那么将笔记本接到交换机上测试", "seed"),
         ("L3b", "no", "L4", 325, "如果主线通", "gap"),
         ("L3c", "no", "=replace_switch", 325, "如果未通,判断交换机坏,更换交换机即可", "seed"),
         ("L3c", "yes", "=lan_switch_passes", 325, "如果未通,判断交换机坏", "gap"),
         ("L4", "on", "L4b", 325, "左侧两个指示灯为光路(尾纤)指示灯,全亮为正常", "seed"),
         ("L4", "off", "=provider_repair", 325, "如果光路灯不亮,或者指示灯全不亮,直接报修", "seed"),
         ("L4", "blinking", "=not_covered", 325, "左侧两个指示灯为光路(尾纤)指示灯,全亮为正常", "gap"),
         ("L4b", "on", "L5", 325, "最右侧为电口(网线)指示灯,全亮为正常", "seed"),
         ("L4b", "off", "=transceiver_downstream", 325, "如果右侧电口指示灯不亮,那么向下查看网线或者下面的交换机是否有问题", "seed"),
         ("L4b", "blinking", "L5", 325, "最右侧为电口(网线)指示灯,全亮为正常", "synthesis"),
         ("L5", "yes", "=provider_onsite", 325, "如果上述都未能处理故障,请联系电话站维修人员现场查看", "seed"),
         ),
)
TABLE = [row for group in TABLE for row in group]
GOES_TO = {(row.node, row.answer): row.goes_to for row in TABLE}

# Back-end tasks and follow-ups a conclusion raises, with the seed line that asks for them.
TASKS = {
    "binding_error": (["fix_binding"], "000", 65, "绑定校验错打电话给后台人员处理"),
    "online_elsewhere": (["clear_bas_session"], "000", 67, "需要后台人员在BAS中清除账号下线"),
    "check_ont_data": (["check_ont_data"], "000", 69, "正常则打电话给后台人员检查光猫数据是否正常"),
    "site_capture": (["site_capture"], "000", 149, "将抓包结果保存发给客响故障专席"),
    "game_capture": (["game_capture"], "000", 157, "将无法现场处理的问题,以及抓包结果反馈到客响故障专席"),
    "move_onu_port": (["rebind_account"], "004", 537, "当然了你回去拨号可能会出现错误代码691,不要急,这只是说绑定错误"),
}
FOLLOWUPS = {
    "escalate_upstream": (["two_maintainers_upstream"], "000", 51, "排查工作需要两个维护人员配合完成"),
    "community_congestion": (["city_room_olt_uplink"], "000", 147, "需要地市客响室查看OLT上行带宽是否有拥塞"),
    "provider_repair": (["provider_repair"], "003", 325, "直接报修,电话站会派专人来维修"),
    "provider_onsite": (["provider_repair"], "003", 325, "请联系电话站维修人员现场查看"),
}
# Conclusions the seed gives as the repair that ends the fault there; no other is marked resolved.
RESOLVED = {
    "reterminate_drop": ("000", 49, "通则重做两端皮线光缆头"),
    "repull_drop": ("000", 49, "不通则重新拉皮线光缆"),
    "change_splitter_port": ("000", 49, "测试另一个分光器端口正常则更换分光器端口"),
    "move_onu_port": ("000", 97, "方法二:解绑用户账号,更换ONU端口测试"),
    "remake_cable": ("000", 103, "不正常则重做网线"),
    "dialup_769": ("000", 71, "③769表示用户网卡被禁用,需要重新启用网卡"),
    "nic_disabled": ("003", 325, "如果网卡被禁用,双击重新启用即可"),
    "lan_cable": ("003", 325, "或者换网线或者重新更换水晶头"),
    "switch_restarted": ("003", 325, "处理方法:重启交换机"),
    "replace_switch": ("003", 325, "如果未通,判断交换机坏,更换交换机即可"),
}
