#!/usr/bin/env python3
"""Writes ledger/events.jsonl: the sample ledger `make demo` loads.

    python3 ledger/generate.py [OUT]        (default: ledger/events.jsonl next to this script)

Deterministic: the same script writes the same bytes (no clock, no randomness; evidence hashes are
sha256 of fixed strings). ledger/README.md tells the story this data holds; ledger/expected.json is
the ground truth the tests check the readings against. Names of places are invented.
"""
import copy
import hashlib
import json
import os
import sys

D = "JF-2019-01"          # the central directive
YL = "YL-2019-07"         # a province's own weekly-report directive
CP = "CP-2019-08"         # a city's own weekly-report directive

events = []


def emit(action, actor, at, **fields):
    e = {"action": action, "actor": actor, "at": at}
    e.update(fields)
    events.append(e)


def comment(text):
    events.append("# " + text)


def sha(*parts):
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def clause(cid, title, text, modality, targets=(), deadline=None, evidence="outcome", localize=False):
    c = {"id": cid, "title": title, "text": text, "modality": modality, "targets": list(targets),
         "evidence": evidence, "localize": localize}
    if deadline:
        c["deadline"] = deadline
    return c


def target(metric, op, value, unit):
    return {"metric": metric, "op": op, "value": value, "unit": unit}


# ---------------------------------------------------------------- the directive

CLAUSES_V1 = [
    clause("1", "Cut documents sent to lower levels by at least 30%",
           "发给基层的文件数量必须比2018年减少30%以上。", "must",
           [target("documents_cut_pct", ">=", 30, "%")], "2019-12-31"),
    clause("2", "Cut meetings by at least 30%",
           "召开的会议数量必须比2018年减少30%以上，能合并的合并，能开视频会的开视频会。", "must",
           [target("meetings_cut_pct", ">=", 30, "%")], "2019-12-31"),
    clause("3", "Policy documents at most 10 pages",
           "印发的政策性文件篇幅必须控制在10页以内。", "must",
           [target("document_pages", "<=", 10, "pages")], "2019-06-30"),
    clause("4", "No implementing rules that only restate a higher document",
           "不得制定只是照搬照抄上级文件、没有实际内容的实施细则。", "must-not", [], None, "any"),
    clause("5", "Cut inspection and assessment items by half",
           "对基层的督查检查考核事项必须压减50%以上。", "must",
           [target("inspections_cut_pct", ">=", 50, "%")], "2019-12-31"),
    clause("6", "One consolidated form for routine statistics",
           "面向基层的统计报表应当整合为一张综合报表。", "should",
           [target("report_forms", "<=", 1, "forms")], "2019-09-30"),
    clause("7", "A channel for grassroots staff to report burdens",
           "必须结合本地实际，设立基层干部反映负担问题的渠道。", "must", [], "2019-06-30", "outcome", True),
]
CLAUSE_8 = clause("8", "No proof-of-work check-ins or photos",
                  "不得要求基层通过工作群打卡、拍照等方式留痕。", "must-not", [], None, "any")
CLAUSES_V2 = CLAUSES_V1 + [CLAUSE_8]

DIRECTIVE = {
    "id": D, "title": "Relieving grassroots units of formalist burdens (关于解决形式主义突出问题为基层减负的通知)",
    "issuer": "cn", "issued": "2019-03-15",
    "scope": {"units": ["cn"], "levels": ["province", "city", "county"]},
    "reporting": {"every": "P1M"},
}

# ---------------------------------------------------------------- units and actors

UNITS = [
    ("cn", "中央 Central", "central"),
    ("cn/jiangbei", "江北省 Jiangbei", "province"),
    ("cn/hedong", "河东省 Hedong", "province"),
    ("cn/shannan", "山南省 Shannan", "province"),
    ("cn/haixi", "海西省 Haixi", "province"),
    ("cn/yunling", "云岭省 Yunling", "province"),
    ("cn/jiangbei/linjiang", "临江市 Linjiang", "city"),
    ("cn/jiangbei/baisha", "白沙市 Baisha", "city"),
    ("cn/hedong/dongpo", "东坡市 Dongpo", "city"),
    ("cn/hedong/nanhu", "南湖市 Nanhu", "city"),
    ("cn/shannan/yunmeng", "云梦市 Yunmeng", "city"),
    ("cn/shannan/taoyuan", "桃源市 Taoyuan", "city"),
    ("cn/haixi/gangcheng", "港城市 Gangcheng", "city"),
    ("cn/haixi/binhai", "滨海市 Binhai", "city"),
    ("cn/yunling/cuiping", "翠屏市 Cuiping", "city"),
    ("cn/yunling/shanfeng", "山丰市 Shanfeng", "city"),
    ("cn/jiangbei/linjiang/qingxi", "清溪县 Qingxi", "county"),
    ("cn/jiangbei/linjiang/songyang", "松阳县 Songyang", "county"),
    ("cn/jiangbei/baisha/shiqiao", "石桥县 Shiqiao", "county"),
    ("cn/jiangbei/baisha/hekou", "河口县 Hekou", "county"),
    ("cn/hedong/dongpo/lishui", "澧水县 Lishui", "county"),
    ("cn/hedong/dongpo/xiyuan", "西园县 Xiyuan", "county"),
    ("cn/hedong/nanhu/lianhua", "莲花县 Lianhua", "county"),
    ("cn/hedong/nanhu/qiaotou", "桥头县 Qiaotou", "county"),
    ("cn/shannan/yunmeng/guanting", "官亭县 Guanting", "county"),
    ("cn/shannan/taoyuan/fenghuang", "凤凰县 Fenghuang", "county"),
    ("cn/haixi/gangcheng/meilin", "梅林县 Meilin", "county"),
    ("cn/haixi/binhai/shawan", "沙湾县 Shawan", "county"),
    ("cn/haixi/binhai/yantian", "盐田县 Yantian", "county"),
    ("cn/yunling/cuiping/jinsha", "金沙县 Jinsha", "county"),
    ("cn/yunling/cuiping/mubai", "木柏县 Mubai", "county"),
    ("cn/yunling/shanfeng/gaotai", "高台县 Gaotai", "county"),
]


def office(unit):
    """The implementer actor of a unit: its last segment + .office."""
    return unit.split("/")[-1] + ".office"


def inspector(unit):
    return unit.split("/")[-1] + ".inspector"


T0 = "2019-03-01T08:00:00Z"
comment("Units: the centre, five provinces, ten cities, sixteen counties (names invented)")
for uid, name, level in UNITS:
    emit("register-unit", "admin", T0, unit={"id": uid, "name": name, "level": level})

comment("Actors: an issuing office, an inspection team and an audit desk at the centre; an office per unit;")
comment("an inspection office per province; Yunling and Cuiping may also issue directives of their own")


def actor(aid, name, unit, roles):
    emit("register-actor", "admin", T0,
         actorRecord={"id": aid, "name": name, "unit": unit, "roles": roles, "keys": ["${KEY:%s}" % aid]})


actor("central.office", "中央办公厅 General Office", "cn", ["issuer"])
actor("central.inspector", "中央督查组 Central Inspection Team", "cn", ["supervisor"])
actor("auditor", "审计台 Audit Desk", "cn", ["auditor"])
for uid, name, level in UNITS[1:]:
    roles = ["implementer", "issuer"] if uid in ("cn/yunling", "cn/yunling/cuiping") else ["implementer"]
    actor(office(uid), name.split(" ")[0] + "办公室 " + name.split(" ")[1] + " Office", uid, roles)
    if level == "province":
        actor(inspector(uid), name.split(" ")[0] + "督查室 " + name.split(" ")[1] + " Inspection", uid, ["supervisor"])

comment("The central directive (version 1): seven clauses")
emit("issue-directive", "central.office", "2019-03-15T09:00:00Z",
     directive=dict(DIRECTIVE, clauses=copy.deepcopy(CLAUSES_V1)))

# ---------------------------------------------------------------- plan helpers

plans = {}       # unit -> its current clauses (what a unit below would copy)


def edited(base, changes):
    """A copy of `base` clauses with per-id field changes; a change of None drops the clause."""
    out = []
    for c in base:
        ch = changes.get(c["id"], {})
        if ch is None:
            continue
        c = dict(copy.deepcopy(c), **ch)
        out.append(c)
    return out


def adopt(unit, at, src, clauses=None, actor=None):
    """Adopts from `src` (the issuer unit for the directive), optionally with the unit's own clauses."""
    fields = {"unit": unit, "directive": D, "from": src}
    if clauses is not None:
        fields["clauses"] = clauses
    emit("adopt", actor or office(unit), at, **fields)
    if clauses is not None:
        plans[unit] = copy.deepcopy(clauses)
    else:
        plans[unit] = copy.deepcopy(plans[src] if src != "cn" else CLAUSES_V1)


def edit(unit, at, clauses, exemptions=None):
    fields = {"unit": unit, "directive": D, "clauses": clauses}
    if exemptions is not None:
        fields["exemptions"] = exemptions
    emit("edit-plan", office(unit), at, **fields)
    plans[unit] = copy.deepcopy(clauses)


def report(unit, at, cid, status, values=None, evidence=None, note=None, as_of=None, directive=D):
    fields = {"unit": unit, "directive": directive, "clause": cid, "status": status}
    if values:
        fields["values"] = values
    fields["evidence"] = evidence if evidence is not None else []
    if note:
        fields["note"] = note
    if as_of:
        fields["asOf"] = as_of
    emit("report-progress", office(unit), at, **fields)


def ev(kind, title, *key):
    return {"kind": kind, "title": title, "sha256": sha(*key, title)}


def localized(base, text, cid="7"):
    return edited(base, {cid: {"text": text}})


def full_year(unit, ids, day_offset, targets, t7="7", t3="3", t4="4", t6="6", ids_met=None, extra_done=()):
    """A diligent unit's year: monthly registers on 1, 2 and 5 rising to the target, done in November;
    3 and 7 done in May, 6 in August, 4 (and `extra_done`) in June. `ids` maps directive ids to the
    unit's own ids; `targets` maps its ids to the target value to reach."""
    d = day_offset
    short = unit.split("/")[-1]
    report(unit, f"2019-05-{10 + d:02d}T10:00:00Z", ids[t3], "done", {"document_pages": 8},
           [ev("outcome", f"{short} 2019年政策性文件篇幅统计", unit, "3")])
    report(unit, f"2019-05-{12 + d:02d}T10:00:00Z", ids[t7], "done", None,
           [ev("outcome", f"{short} 基层减负反映渠道开通及首月受理记录", unit, "7")])
    report(unit, f"2019-06-{10 + d:02d}T10:00:00Z", ids[t4], "done", None,
           [ev("document", f"{short} 实施细则清理台账（未新制定细则）", unit, "4")])
    for extra in extra_done:
        report(unit, f"2019-08-{12 + d:02d}T10:00:00Z", ids[extra], "done", None,
               [ev("document", f"{short} 工作群打卡留痕清理通知", unit, extra)])
    metric = {"1": "documents_cut_pct", "2": "meetings_cut_pct", "5": "inspections_cut_pct"}
    for month, share in (("06", 0.4), ("08", 0.7), ("10", 0.9)):
        for k in ("1", "2", "5"):
            own = ids[k]
            report(unit, f"2019-{month}-{5 + d:02d}T10:{['1', '2', '5'].index(k) * 5:02d}:00Z", own, "in-progress",
                   {metric[k]: round(targets[own] * share)},
                   [ev("outcome", f"{short} {metric[k]} 台账 2019-{month}", unit, k, month)])
    report(unit, f"2019-08-{20 + d:02d}T10:00:00Z", ids[t6], "done", {"report_forms": 1},
           [ev("outcome", f"{short} 综合统计报表启用通知及报表样式", unit, "6")])
    for k in ("1", "2", "5"):
        own = ids[k]
        report(unit, f"2019-11-{10 + d:02d}T10:{['1', '2', '5'].index(k) * 5:02d}:00Z", own, "done",
               {metric[k]: targets[own] + 2},
               [ev("outcome", f"{short} {metric[k]} 年度台账 2019", unit, k, "final")])


def county_copy(c, channel):
    """A Binhai clause as a county below keeps it: Binhai's ids (so no derivedFrom), its own channel."""
    c = copy.deepcopy(c)
    c.pop("derivedFrom", None)
    if c["id"] == "BH-07":
        c["text"] = channel
    return c


SAME = {k: k for k in "12345678"}
T30 = {"1": 30, "2": 30, "5": 50}

# ---------------------------------------------------------------- adoption, level by level

comment("Provinces adopt in March and April")
# Jiangbei tightens the document cut to 40% (the first rung of the ladder 30 -> 40 -> 50 -> 60).
jb = edited(CLAUSES_V1, {
    "1": {"text": "发给基层的文件数量必须比2018年减少40%以上。", "targets": [target("documents_cut_pct", ">=", 40, "%")]},
    "7": {"text": "在省政府门户网站开设“基层减负直通车”专栏，由省委办公厅督查室十个工作日内答复。"},
})
adopt("cn/jiangbei", "2019-03-22T09:00:00Z", "cn", jb)

# Hedong loosens: meetings 30% -> 20%, inspections deadline half a year later, the consolidated form optional.
hd = edited(CLAUSES_V1, {
    "2": {"text": "召开的会议数量必须比2018年减少20%以上，能合并的合并，能开视频会的开视频会。",
          "targets": [target("meetings_cut_pct", ">=", 20, "%")]},
    "5": {"deadline": "2020-06-30"},
    "6": {"text": "面向基层的统计报表可以整合为一张综合报表。", "modality": "may"},
    "7": {"text": "开通12345热线“基层减负”专席，乡镇干部可匿名反映负担问题。"},
})
adopt("cn/hedong", "2019-03-25T09:00:00Z", "cn", hd)

# Shannan drops clause 4 (declared: it issues no implementing rules) and clause 6 (silently).
adopt("cn/shannan", "2019-03-27T09:00:00Z", "cn")
sn = edited(CLAUSES_V1, {
    "4": None, "6": None,
    "7": {"text": "由各市纪委监委设立基层减负举报信箱，每月汇总报省委办公厅。"},
})
edit("cn/shannan", "2019-03-28T09:00:00Z", sn,
     [{"clause": "4", "reason": "本省近三年未制定任何实施细则，该条无适用对象。"}])

# Haixi: faithful, with its own burden channel.
hx = localized(CLAUSES_V1, "在“海政通”移动办公平台设立减负意见箱，县乡干部可实名或匿名留言，省委办公厅每周梳理。")
adopt("cn/haixi", "2019-03-29T09:00:00Z", "cn", hx)

# Yunling: meetings cut 50% but a year later (mixed), and adds a weekly report of its own.
yl = edited(CLAUSES_V1, {
    "2": {"text": "召开的会议数量必须比2018年减少50%以上，能合并的合并，能开视频会的开视频会。",
          "targets": [target("meetings_cut_pct", ">=", 50, "%")], "deadline": "2020-06-30"},
    "7": {"text": "各县设立减负联络员，收集乡镇干部反映的负担问题，每月报省减负办。"},
}) + [clause("Y1", "Weekly burden-reduction progress reports",
             "各市县每周向省减负办报送减负工作进展情况。", "must", [], None, "activity")]
adopt("cn/yunling", "2019-04-02T09:00:00Z", "cn", yl)

emit("approve-exemption", "central.inspector", "2019-04-10T09:00:00Z", unit="cn/shannan", directive=D, clause="4",
     note="经核实，山南省近三年确无省级实施细则。")

comment("Cities adopt from their province's plan")
lj = edited(plans["cn/jiangbei"], {
    "1": {"text": "发给基层的文件数量必须比2018年减少50%以上。", "targets": [target("documents_cut_pct", ">=", 50, "%")]},
    "7": {"text": "市委办公室设立减负热线，由专人接听并建立台账。"},
})
adopt("cn/jiangbei/linjiang", "2019-04-08T09:00:00Z", "cn/jiangbei", lj)
adopt("cn/jiangbei/baisha", "2019-04-09T09:00:00Z", "cn/jiangbei",
      localized(plans["cn/jiangbei"], "在白沙市政务服务中心设立减负意见窗口，每周五由市委办公室负责人现场接待。"))
# Dongpo copies the province's plan as it is: the channel is the province's, not its own.
adopt("cn/hedong/dongpo", "2019-04-11T09:00:00Z", "cn/hedong")
adopt("cn/hedong/nanhu", "2019-04-12T09:00:00Z", "cn/hedong",
      localized(plans["cn/hedong"], "南湖市在各乡镇便民服务中心放置减负意见卡，市委办公室每半月收取一次。"))
# Yunmeng declares it will not cut inspection items (clause 5); nobody approves.
ym = edited(plans["cn/shannan"], {
    "5": None,
    "7": {"text": "市纪委在云梦市网站开设减负举报入口，三日内回复。"},
})
adopt("cn/shannan/yunmeng", "2019-04-15T09:00:00Z", "cn/shannan")
edit("cn/shannan/yunmeng", "2019-04-16T09:00:00Z", ym,
     [{"clause": "5", "reason": "省里的考核事项尚未公布，市里暂不压减。"}])
adopt("cn/shannan/taoyuan", "2019-04-16T10:00:00Z", "cn/shannan",
      localized(plans["cn/shannan"], "桃源市每季度召开一次乡镇干部座谈会，专门听取负担问题。"))
# Gangcheng renumbers and reorders everything (A-G), with no derivedFrom: matched by similarity.
base = {c["id"]: c for c in plans["cn/haixi"]}
order = [("A", "3"), ("B", "1"), ("C", "2"), ("D", "5"), ("E", "6"), ("F", "4"), ("G", "7")]
gc = []
for new, old in order:
    c = dict(copy.deepcopy(base[old]), id=new)
    if old == "7":
        c["text"] = "港城市在“i港城”APP开设减负留言板，市委办公室两个工作日内分办。"
    gc.append(c)
adopt("cn/haixi/gangcheng", "2019-04-18T09:00:00Z", "cn/haixi", gc)
# Binhai renumbers with derivedFrom.
bh = []
for c in plans["cn/haixi"]:
    c = dict(copy.deepcopy(c), id="BH-%02d" % int(c["id"]), derivedFrom=c["id"])
    if c["derivedFrom"] == "7":
        c["text"] = "滨海市设立“减负直通车”邮箱，乡镇干部来信由市委督查室一周内答复。"
    bh.append(c)
adopt("cn/haixi/binhai", "2019-04-19T09:00:00Z", "cn/haixi", bh)
adopt("cn/yunling/cuiping", "2019-04-22T09:00:00Z", "cn/yunling",
      localized(plans["cn/yunling"], "翠屏市在每个乡镇指定一名减负监督员，直接向市委办公室反映问题。"))
comment("Shanfeng never adopts: not-adopted")

comment("Counties adopt from their city's plan")
qx = edited(plans["cn/jiangbei/linjiang"], {
    "1": {"text": "发给基层的文件数量必须比2018年减少60%以上。", "targets": [target("documents_cut_pct", ">=", 60, "%")]},
    "7": {"text": "清溪县在县委办公室设立减负意见箱，每月第一周开箱。"},
})
adopt("cn/jiangbei/linjiang/qingxi", "2019-04-24T09:00:00Z", "cn/jiangbei/linjiang", qx)
adopt("cn/jiangbei/linjiang/songyang", "2019-04-24T10:00:00Z", "cn/jiangbei/linjiang",
      localized(plans["cn/jiangbei/linjiang"], "松阳县每月十五日为“减负接待日”，县委副书记接待乡镇干部。"))
adopt("cn/jiangbei/baisha/shiqiao", "2019-04-25T09:00:00Z", "cn/jiangbei/baisha",
      localized(plans["cn/jiangbei/baisha"], "石桥县在各村便民服务站设立减负意见簿，县委办公室每周收集。"))
adopt("cn/jiangbei/baisha/hekou", "2019-04-25T10:00:00Z", "cn/jiangbei/baisha",
      localized(plans["cn/jiangbei/baisha"], "河口县开通减负微信公众号留言功能。"))
adopt("cn/hedong/dongpo/lishui", "2019-04-26T09:00:00Z", "cn/hedong/dongpo",
      localized(plans["cn/hedong/dongpo"], "澧水县在县委组织部设立减负信箱，每周处理一次。"))
adopt("cn/hedong/dongpo/xiyuan", "2019-04-26T10:00:00Z", "cn/hedong/dongpo")
adopt("cn/hedong/nanhu/lianhua", "2019-04-27T09:00:00Z", "cn/hedong/nanhu",
      localized(plans["cn/hedong/nanhu"], "莲花县由县纪委每月到乡镇召开一次减负恳谈会。"))
adopt("cn/hedong/nanhu/qiaotou", "2019-04-28T09:00:00Z", "cn/hedong/nanhu",
      localized(plans["cn/hedong/nanhu"], "桥头县在县政府网站开设减负专栏。"))
adopt("cn/shannan/yunmeng/guanting", "2019-04-29T09:00:00Z", "cn/shannan/yunmeng",
      localized(plans["cn/shannan/yunmeng"], "官亭县在县委办公室设立减负专线电话，工作日专人值守。"))
adopt("cn/shannan/taoyuan/fenghuang", "2019-04-29T10:00:00Z", "cn/shannan/taoyuan",
      localized(plans["cn/shannan/taoyuan"], "凤凰县每月组织一次乡镇干部减负问卷调查。"))
gc_meilin = [dict(copy.deepcopy(c), text="梅林县在县融媒体中心APP开设减负留言区。") if c["id"] == "G" else copy.deepcopy(c)
             for c in plans["cn/haixi/gangcheng"]]
adopt("cn/haixi/gangcheng/meilin", "2019-04-30T09:00:00Z", "cn/haixi/gangcheng", gc_meilin)
adopt("cn/haixi/binhai/shawan", "2019-05-06T09:00:00Z", "cn/haixi/binhai",
      [county_copy(c, "沙湾县在各乡镇设立减负联络点。") for c in plans["cn/haixi/binhai"]])
for county, text in (("jinsha", "金沙县设立减负监督电话。"), ("mubai", "木柏县每季度开展一次减负专项走访。")):
    u = "cn/yunling/cuiping/" + county
    adopt(u, "2019-05-07T09:00:00Z", "cn/yunling/cuiping", localized(plans["cn/yunling/cuiping"], text))
comment("Gaotai (under Shanfeng) never adopts either")

# ---------------------------------------------------------------- the two weekly-report directives (burden)

comment("Yunling and Cuiping each issue a directive of their own asking counties for weekly reports: burden")
emit("issue-directive", "yunling.office", "2019-05-10T09:00:00Z", directive={
    "id": YL, "title": "Weekly burden-reduction reports from counties (县级减负工作周报制度)", "issuer": "cn/yunling",
    "issued": "2019-05-10", "scope": {"units": ["cn/yunling"], "levels": ["county"]}, "reporting": {"every": "P1W"},
    "clauses": [clause("1", "Report burden-reduction progress every week", "各县每周五前报送本周减负工作进展。", "must",
                       [], None, "activity")]})
emit("issue-directive", "cuiping.office", "2019-05-20T09:00:00Z", directive={
    "id": CP, "title": "Weekly supervision reports (减负督办周报)", "issuer": "cn/yunling/cuiping",
    "issued": "2019-05-20", "scope": {"units": ["cn/yunling/cuiping"], "levels": ["county"]}, "reporting": {"every": "P1W"},
    "clauses": [clause("1", "Report supervision items every week", "各县每周一报送减负督办事项清单。", "must",
                       [], None, "activity")]})
for county in ("jinsha", "mubai"):
    u = "cn/yunling/cuiping/" + county
    emit("adopt", office(u), "2019-05-24T09:00:00Z", unit=u, directive=YL, **{"from": "cn/yunling"})
    emit("adopt", office(u), "2019-05-27T09:00:00Z", unit=u, directive=CP, **{"from": "cn/yunling/cuiping"})

# ---------------------------------------------------------------- a year of progress

comment("Progress: the diligent units report all year with outcome evidence")
full_year("cn/haixi", SAME, 0, T30, extra_done=("8",))
full_year("cn/jiangbei/baisha", SAME, 1, {"1": 40, "2": 30, "5": 50})
full_year("cn/jiangbei/baisha/shiqiao", SAME, 2, {"1": 40, "2": 30, "5": 50})
full_year("cn/jiangbei/linjiang/songyang", SAME, 3, {"1": 50, "2": 30, "5": 50})
full_year("cn/hedong/nanhu", SAME, 4, {"1": 30, "2": 20, "5": 50})
full_year("cn/hedong/nanhu/lianhua", SAME, 5, {"1": 30, "2": 20, "5": 50})
full_year("cn/jiangbei/linjiang", SAME, 6, {"1": 50, "2": 30, "5": 50})
full_year("cn/jiangbei/linjiang/qingxi", SAME, 7, {"1": 60, "2": 30, "5": 50})
full_year("cn/jiangbei", SAME, 8, {"1": 40, "2": 30, "5": 50})
full_year("cn/haixi/binhai/shawan", {k: "BH-%02d" % int(k) for k in "1234567"}, 9, {"BH-01": 30, "BH-02": 30, "BH-05": 50})

comment("Guanting: on time, everything its plan holds")
for cid, at, values, title in (("3", "2019-05-20", {"document_pages": 9}, "官亭县 政策性文件篇幅统计"),
                               ("7", "2019-05-21", None, "官亭县 减负专线开通记录"),
                               ("1", "2019-10-15", {"documents_cut_pct": 33}, "官亭县 2019年发文统计"),
                               ("2", "2019-10-16", {"meetings_cut_pct": 34}, "官亭县 2019年会议统计")):
    report("cn/shannan/yunmeng/guanting", at + "T10:00:00Z", cid, "done", values,
           [ev("outcome", title, "guanting", cid)])

comment("Yunmeng reports only in the week before each deadline: deadline-rush")
for cid, at, values, title in (("3", "2019-06-26", {"document_pages": 9}, "云梦市 文件篇幅自查表"),
                               ("7", "2019-06-28", None, "云梦市 减负举报入口上线截图"),
                               ("1", "2019-12-26", {"documents_cut_pct": 31}, "云梦市 2019年发文统计"),
                               ("2", "2019-12-27", {"meetings_cut_pct": 30}, "云梦市 2019年会议统计")):
    report("cn/shannan/yunmeng", at + "T17:30:00Z", cid, "done", values, [ev("outcome", title, "yunmeng", cid)])

comment("Hedong: meetings reported done with nothing but the minutes of a meeting: paper-only")
report("cn/hedong", "2019-06-12T10:00:00Z", "3", "done", {"document_pages": 10}, [ev("outcome", "河东省 文件篇幅统计", "hedong", "3")])
report("cn/hedong", "2019-06-20T10:00:00Z", "7", "done", None, [ev("outcome", "河东省 12345减负专席受理记录", "hedong", "7")])
report("cn/hedong", "2019-07-05T10:00:00Z", "2", "in-progress", {"meetings_cut_pct": 12}, [ev("outcome", "河东省 会议台账 2019-06", "hedong", "2")])
report("cn/hedong", "2019-11-20T10:00:00Z", "2", "done", None,
       [ev("meeting", "全省精简会议工作部署会会议纪要", "hedong", "2", "minutes")], note="已召开部署会，全面完成。")
report("cn/hedong", "2019-10-10T10:00:00Z", "1", "done", {"documents_cut_pct": 31}, [ev("outcome", "河东省 2019年发文统计", "hedong", "1")])

comment("Dongpo: a channel reported done with no evidence at all (unverified-done); its register reused by Lishui")
report("cn/hedong/dongpo", "2019-06-25T10:00:00Z", "3", "done", {"document_pages": 9})
report("cn/hedong/dongpo", "2019-07-15T10:00:00Z", "1", "in-progress", {"documents_cut_pct": 18},
       [ev("outcome", "东坡市 发文台账 2019上半年", "dongpo", "1")])
report("cn/hedong/dongpo/lishui", "2019-08-12T10:00:00Z", "1", "in-progress", {"documents_cut_pct": 18},
       [{"kind": "outcome", "title": "澧水县 发文台账 2019上半年", "sha256": sha("dongpo", "1", "东坡市 发文台账 2019上半年")}])
report("cn/hedong/dongpo/lishui", "2019-06-20T10:00:00Z", "7", "done", None, [ev("outcome", "澧水县 减负信箱设立通知及来信登记", "lishui", "7")])

comment("Shannan: documents reported done at 22% against a 30% target: target-missed")
report("cn/shannan", "2019-06-18T10:00:00Z", "3", "done", {"document_pages": 10}, [ev("outcome", "山南省 文件篇幅统计", "shannan", "3")])
report("cn/shannan", "2019-06-19T10:00:00Z", "7", "done", None, [ev("outcome", "山南省 举报信箱汇总表 5月", "shannan", "7")])
report("cn/shannan", "2019-11-28T10:00:00Z", "1", "done", {"documents_cut_pct": 22}, [ev("outcome", "山南省 2019年发文统计", "shannan", "1")])

comment("Yunling: an inspection cut reported in September as true on 30 June: backdated")
report("cn/yunling", "2019-06-14T10:00:00Z", "7", "done", None, [ev("outcome", "云岭省 减负联络员名册", "yunling", "7")])
report("cn/yunling", "2019-06-14T11:00:00Z", "Y1", "in-progress", None, [ev("document", "云岭省 减负周报第1期", "yunling", "Y1")])
report("cn/yunling", "2019-09-20T10:00:00Z", "5", "done", {"inspections_cut_pct": 52},
       [ev("outcome", "云岭省 督查检查考核事项清单（压减后）", "yunling", "5")], as_of="2019-06-30")

comment("Fenghuang: a 14-page document; after a finding, a 9-page one")
report("cn/shannan/taoyuan/fenghuang", "2019-06-21T10:00:00Z", "3", "done", {"document_pages": 14},
       [ev("outcome", "凤凰县 政策性文件篇幅统计", "fenghuang", "3")])
report("cn/shannan/taoyuan", "2019-06-24T10:00:00Z", "7", "done", None, [ev("outcome", "桃源市 座谈会纪要及问题清单", "taoyuan", "7")])
report("cn/shannan/taoyuan", "2019-09-24T10:00:00Z", "1", "in-progress", {"documents_cut_pct": 20},
       [ev("outcome", "桃源市 发文台账 2019-09", "taoyuan", "1")])

comment("Gangcheng, Meilin, Binhai, Qiaotou, Cuiping and its counties: partial progress")
report("cn/haixi/gangcheng", "2019-05-30T10:00:00Z", "A", "done", {"document_pages": 8}, [ev("outcome", "港城市 文件篇幅统计", "gangcheng", "A")])
report("cn/haixi/gangcheng", "2019-06-18T10:00:00Z", "G", "done", None, [ev("outcome", "港城市 i港城留言板上线通知", "gangcheng", "G")])
report("cn/haixi/gangcheng", "2019-09-18T10:00:00Z", "B", "in-progress", {"documents_cut_pct": 24}, [ev("outcome", "港城市 发文台账 2019-09", "gangcheng", "B")])
report("cn/haixi/gangcheng/meilin", "2019-06-25T10:00:00Z", "G", "done", None, [ev("outcome", "梅林县 留言区上线记录", "meilin", "G")])
report("cn/haixi/gangcheng/meilin", "2019-10-25T10:00:00Z", "B", "in-progress", {"documents_cut_pct": 26}, [ev("outcome", "梅林县 发文台账 2019-10", "meilin", "B")])
report("cn/haixi/binhai", "2019-06-06T10:00:00Z", "BH-07", "done", None, [ev("outcome", "滨海市 减负邮箱来信登记", "binhai", "BH-07")])
report("cn/haixi/binhai", "2019-06-07T10:00:00Z", "BH-03", "done", {"document_pages": 9}, [ev("outcome", "滨海市 文件篇幅统计", "binhai", "BH-03")])
report("cn/hedong/nanhu/qiaotou", "2019-06-11T10:00:00Z", "7", "done", None, [ev("outcome", "桥头县 减负专栏上线截图", "qiaotou", "7")])
report("cn/hedong/nanhu/qiaotou", "2019-12-05T10:00:00Z", "1", "in-progress", {"documents_cut_pct": 19}, [ev("outcome", "桥头县 发文台账 2019-11", "qiaotou", "1")])
report("cn/yunling/cuiping", "2019-06-20T10:00:00Z", "7", "done", None, [ev("outcome", "翠屏市 减负监督员名单", "cuiping", "7")])
for county in ("jinsha", "mubai"):
    u = "cn/yunling/cuiping/" + county
    for week, day in enumerate(("2019-06-07", "2019-06-14", "2019-06-21")):
        report(u, day + "T16:00:00Z", "1", "in-progress", None,
               [ev("document", f"{county} 减负工作周报 第{week + 1}期", u, "YL", str(week))], directive=YL)
        report(u, day + "T16:30:00Z", "1", "in-progress", None,
               [ev("document", f"{county} 减负督办周报 第{week + 1}期", u, "CP", str(week))], directive=CP)
    report(u, "2019-06-28T10:00:00Z", "7", "done", None, [ev("outcome", f"{county} 减负监督渠道设立记录", u, "7")])
comment("Hekou adopted in April and has not reported since: stale")

# ---------------------------------------------------------------- the amendment

comment("The centre amends the directive (version 2): a ban on proof-of-work check-ins and photos")
emit("amend-directive", "central.office", "2019-07-15T09:00:00Z", directive=dict(DIRECTIVE, clauses=copy.deepcopy(CLAUSES_V2)),
     note="增加第8条：不得要求基层通过工作群打卡、拍照等方式留痕。")
comment("Haixi and Binhai move to version 2; every other plan stays behind on version 1")
adopt("cn/haixi", "2019-07-25T09:00:00Z", "cn", localized(CLAUSES_V2, hx[6]["text"]))
bh2 = [dict(copy.deepcopy(c), id="BH-%02d" % int(c["id"]), derivedFrom=c["id"]) for c in plans["cn/haixi"]]
bh2[6]["text"] = bh[6]["text"]
adopt("cn/haixi/binhai", "2019-08-09T09:00:00Z", "cn/haixi", bh2)
adopt("cn/haixi/binhai/yantian", "2019-09-03T09:00:00Z", "cn/haixi/binhai",
      [county_copy(c, "盐田县在乡镇党委设立减负联络员，每月收集问题。") for c in plans["cn/haixi/binhai"]])

# ---------------------------------------------------------------- supervision: findings through the loop

comment("F-2019-01: Shannan's silent omission of the consolidated form; never answered (open-loop, the unit's move)")
emit("open-finding", "central.inspector", "2019-08-01T09:00:00Z", finding={
    "id": "F-2019-01", "unit": "cn/shannan", "directive": D, "clause": "6",
    "text": "山南省实施方案删去了统一综合报表一条，且未申请豁免。", "severity": "major", "due": "2019-09-30"})

comment("F-2019-02: Hedong's 20% meeting target; rectified by restoring 30%, verified and closed")
emit("open-finding", "central.inspector", "2019-07-10T09:00:00Z", finding={
    "id": "F-2019-02", "unit": "cn/hedong", "directive": D, "clause": "2",
    "text": "河东省将会议压减目标由30%降为20%。", "severity": "major", "due": "2019-08-31"})
edit("cn/hedong", "2019-08-15T09:00:00Z", edited(plans["cn/hedong"], {"2": {
    "text": CLAUSES_V1[1]["text"], "targets": [target("meetings_cut_pct", ">=", 30, "%")]}}))
emit("rectify", "hedong.office", "2019-08-16T09:00:00Z", finding="F-2019-02",
     text="已修订省级实施方案，会议压减目标恢复为30%。", evidence=[ev("document", "河东省实施方案（修订稿）", "hedong", "F-2019-02")])
emit("close-finding", "central.inspector", "2019-09-05T09:00:00Z", finding="F-2019-02", verdict="verified",
     note="修订稿已核实。")

comment("F-2019-03: Dongpo copied the province's channel; a forwarded notice is not a channel: reopened,")
comment("never answered again, and the city is held accountable (open-loop stays)")
emit("open-finding", "hedong.inspector", "2019-08-15T09:00:00Z", finding={
    "id": "F-2019-03", "unit": "cn/hedong/dongpo", "directive": D, "clause": "7",
    "text": "东坡市照搬省级方案，未结合本地实际设立反映渠道。", "severity": "minor", "due": "2019-10-15"})
emit("rectify", "dongpo.office", "2019-09-30T09:00:00Z", finding="F-2019-03",
     text="已转发省12345减负专席通知至各乡镇。", evidence=[ev("document", "东坡市转发通知", "dongpo", "F-2019-03")])
emit("close-finding", "hedong.inspector", "2019-10-20T09:00:00Z", finding="F-2019-03", verdict="reopened",
     note="转发通知不是本地渠道，请设立东坡市自己的渠道。")
emit("hold-accountable", "hedong.inspector", "2019-12-20T09:00:00Z", finding="F-2019-03",
     decision="对东坡市委办公室予以通报批评，责令年底前整改。", target="cn/hedong/dongpo")

comment("F-2019-04: Yunling's weekly report adds the very burden the directive removes; rectified in November,")
comment("not examined since (open-loop, the supervisor's move)")
emit("open-finding", "central.inspector", "2019-10-08T09:00:00Z", finding={
    "id": "F-2019-04", "unit": "cn/yunling", "directive": D, "clause": "Y1",
    "text": "云岭省新增每周报送要求，与减负精神相悖。", "severity": "major", "due": "2019-12-31"})
emit("rectify", "yunling.office", "2019-11-20T09:00:00Z", finding="F-2019-04",
     text="周报改为月报的方案已报省委审定。", evidence=[ev("document", "云岭省关于调整报送频次的请示", "yunling", "F-2019-04")])

comment("F-2019-05: Fenghuang's 14-page document; a 9-page revision, verified and closed")
emit("open-finding", "central.inspector", "2019-07-08T09:00:00Z", finding={
    "id": "F-2019-05", "unit": "cn/shannan/taoyuan/fenghuang", "directive": D, "clause": "3",
    "text": "凤凰县报送的政策性文件达14页，超过10页上限。", "severity": "minor", "due": "2019-08-31"})
report("cn/shannan/taoyuan/fenghuang", "2019-08-10T10:00:00Z", "3", "done", {"document_pages": 9},
       [ev("outcome", "凤凰县 政策性文件（精简后）", "fenghuang", "3", "v2")])
emit("rectify", "fenghuang.office", "2019-08-11T09:00:00Z", finding="F-2019-05",
     text="文件已精简至9页并重新印发。", evidence=[ev("outcome", "凤凰县 政策性文件（精简后）", "fenghuang", "3", "v2")])
emit("close-finding", "central.inspector", "2019-08-30T09:00:00Z", finding="F-2019-05", verdict="verified",
     note="已核实新文件篇幅。")

# ---------------------------------------------------------------- checkpoints

comment("Checkpoints: the audit desk pins the ledger each quarter")
for at, note in (("2019-07-01T00:00:00Z", "年中检查点 Mid-year checkpoint"),
                 ("2019-10-01T00:00:00Z", "三季度检查点 Third-quarter checkpoint"),
                 ("2020-01-02T00:00:00Z", "年度检查点 Year-end checkpoint"),
                 ("2020-03-13T00:00:00Z", "一周年检查点 One year on")):
    emit("checkpoint", "auditor", at, note=note)

# Witnesses are not events: each is a signed tag on a checkpoint's tag, made by `luoshi witness` once
# the events are in (scripts/load-sample.sh reads them from events.witnesses). The central inspection
# team co-signs the mid-year checkpoint, so the README's `git verify-tag witnesses/...` has one to check.
witnesses = [("cp-20190701-000000", "central.inspector")]

# ---------------------------------------------------------------- write, in time order

def when(item):
    return item[1]["at"] if isinstance(item[1], dict) else None


def write(path):
    # Events are written in time order (stable: equal times keep the order above); a comment stays
    # with the event that follows it.
    groups, pending = [], []
    for e in events:
        if isinstance(e, str):
            pending.append(e)
        else:
            groups.append((pending, e))
            pending = []
    groups = [g for _, g in sorted(enumerate(groups), key=lambda x: (x[1][1]["at"], x[0]))]
    with open(path, "w", encoding="utf-8") as f:
        f.write("# The sample ledger: a central directive on relieving grassroots units of formalist burdens,\n")
        f.write("# five provinces, ten cities, sixteen counties, one year. Written by ledger/generate.py; the story\n")
        f.write("# is in ledger/README.md. The public-key placeholders are filled by scripts/load-sample.sh.\n")
        for comments, e in groups:
            for c in comments:
                f.write(c + "\n")
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    with open(os.path.splitext(path)[0] + ".witnesses", "w", encoding="utf-8") as f:
        f.write("# <checkpoint id> <witness actor>, one a line: `luoshi witness` runs for each after the import.\n")
        f.write("# Written by ledger/generate.py.\n")
        for checkpoint, actor in witnesses:
            f.write(f"{checkpoint} {actor}\n")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "events.jsonl")
    write(out)
    print(f"{sum(1 for e in events if isinstance(e, dict))} events written to {out}", file=sys.stderr)
