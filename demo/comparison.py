"""Data comparison in the demo county (fictional people): the files four departments handed to
the office's data officer (许文静), two runs of the standard rules, and the hits about the staff
of 县委办公室 confirmed to round seven's inspection of it (第一巡察组), where they wait on its
on-site desk as leads to verify.
罗长根's pension paid after death is left for the officer to review; 胡秀英's hit is dismissed.

The files are as departments export them: the civil-affairs list with a 15-digit ID, one in
full-width digits, one left blank (that 低保 recipient is found by name, birth date and sex)
and one that Excel turned into a number; the pension ledger one row per month paid. Every
record goes through the services, as the pages would: the uploads, the runs (executed here
rather than by the worker), the confirmations and the dismissal are audited.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from core.idnumber import id_number_check_char
from core.models import User


def _id(body: str) -> str:
    return body + id_number_check_char(body)


def _full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))


REGION = "331125"  # 青禾县 (fictional)
# People the planted hits are about.
ZHOU = _id(f"{REGION}19780312041")  # 周德明: 低保 since 2021, on 县委办公室's payroll since 2019
HU15 = f"{REGION}651102053"  # 胡秀英's old 15-digit ID (born 1965-11-02), as civil affairs keeps it
HU = _id(f"{REGION}19651102053")  # the same ID as the payroll keeps it, 18 digits
SHI = _id(f"{REGION}19820721051")  # 施建华: 特困 listed without an ID; on 县委办公室's payroll
LUO = _id(f"{REGION}19440118031")  # 罗长根: died 2024-02-10, pension paid to June
TANG = _id(f"{REGION}19460923042")  # 唐桂芝: died 2024-03-05, paid for April only (not a hit)
PENG = _id(f"{REGION}19880506071")  # 彭晓东: 低保 ended before he joined the payroll (not a hit)

WELFARE = (
    "县民政局低保特困人员名单",
    "县民政局",
    "低保特困人员名单（2024年6月）.csv",
    [
        "序号",
        "户主姓名",
        "性别",
        "出生日期",
        "身份证号码",
        "救助类别",
        "乡镇",
        "村(社区)",
        "户号",
        "享受起始时间",
        "享受终止时间",
    ],
    [
        ["1", "周德明", "男", "1978-03-12", ZHOU, "低保", "青禾镇", "上坪村", "QH0101", "2021年3月1日", ""],
        ["2", "胡秀英", "女", "1965-11-02", HU15, "低保", "石门镇", "石门社区", "SM0213", "2020/7/1", ""],
        ["3", "施建华", "男", "1982-07-21", "", "特困", "柳溪乡", "柳溪村", "LX0307", "2022.01.01", ""],
        ["4", "彭晓东", "男", "1988-05-06", PENG, "低保", "白云乡", "白云村", "BY0402", "2018-01-01", "2019-12-31"],
        [
            "5",
            "李桂兰",
            "女",
            "1952-08-30",
            _id(f"{REGION}19520830062"),
            "特困",
            "东湖街道",
            "东湖社区",
            "DH0518",
            "2019-05-01",
            "",
        ],
        [
            "6",
            "王大山",
            "男",
            "1960-02-14",
            _full_width(_id(f"{REGION}19600214051")),
            "低保",
            "西山镇",
            "西山村",
            "XS0611",
            "2022-06-01",
            "",
        ],
        [
            "7",
            "陈小梅",
            "女",
            "1975-10-09",
            "3.31125197510E+17",
            "低保",
            "南塘镇",
            "南塘村",
            "NT0705",
            "2023-02-01",
            "",
        ],
        [
            "8",
            "赵金福",
            "男",
            "1949-12-25",
            _id(f"{REGION}19491225031"),
            "特困",
            "北坪乡",
            "北坪村",
            "BP0801",
            "2017-09-01",
            "",
        ],
    ],
)
PAYROLL = (
    "县财政局财政供养人员名单",
    "县财政局",
    "财政供养人员信息（2024年）.csv",
    ["姓名", "身份证号", "工作单位", "入职日期", "离职日期"],
    [
        ["周德明", ZHOU, "县委办公室", "2019-08-01", ""],
        ["胡秀英", HU, "县财政局国库支付中心", "2010-03-01", ""],
        ["施建华", SHI, "县委办公室", "2015-04-01", ""],
        ["彭晓东", PENG, "县教育局", "2020-09-01", ""],
        ["吴志强", _id(f"{REGION}19800101011"), "县财政局", "2005-07-01", ""],
        ["郑丽华", _id(f"{REGION}19850615022"), "县医疗保障局", "2012-09-01", ""],
    ],
)
DEATHS = (
    "县公安局死亡人员信息",
    "县公安局",
    "死亡人员信息（2024年上半年）.csv",
    ["姓名", "公民身份号码", "死亡日期"],
    [
        ["罗长根", LUO, "2024-02-10"],
        ["唐桂芝", TANG, "2024-03-05"],
    ],
)
PENSIONS = (
    "县人社局养老金发放明细",
    "县人社局",
    "城乡居民养老保险待遇发放明细（2024年1-6月）.csv",
    ["姓名", "身份证号", "发放月份", "发放金额"],
    [
        *[["罗长根", LUO, f"2024-0{m}", "1,260.00"] for m in range(1, 7)],
        *[["唐桂芝", TANG, f"2024-0{m}", "980.00"] for m in range(1, 5)],
        *[["赵金福", _id(f"{REGION}19491225031"), f"2024-0{m}", "1,050.00"] for m in range(1, 7)],
    ],
)
DATASETS = {"welfare": WELFARE, "payroll": PAYROLL, "deaths": DEATHS, "pensions": PENSIONS}
RUNS = (("welfare_vs_payroll", ("welfare", "payroll")), ("death_vs_pension", ("deaths", "pensions")))


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if "," in value else value

    lines = [",".join(headers), *(",".join(cell(v) for v in r) for r in rows)]
    # Civil affairs exports from an old system in GBK; the others in UTF-8 with a BOM (Excel's).
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def load_comparison(*, qh, xwb) -> None:
    """Datasets, runs and hits of 青禾县; ``xwb`` is round seven's inspection of 县委办公室."""
    from comparison.datasets import dataset_create
    from comparison.hits import hit_confirm, hit_dismiss
    from comparison.models import Dataset, Hit, Run
    from comparison.runs import run_execute, run_start

    officer = User.objects.get(username="qh_data")
    if Run.objects.filter(authority=qh).exists():
        return
    stored = {}
    for role, (source, department, file_name, headers, rows) in DATASETS.items():
        found = Dataset.objects.filter(source__authority=qh, source__name=source).order_by("-version").first()
        data = _csv(headers, rows)
        if role == "welfare":
            data = data.decode("utf-8-sig").encode("gb18030")
        stored[role] = found or dataset_create(
            actor=officer,
            source_name=source,
            department=department,
            upload=SimpleUploadedFile(file_name, data, content_type="text/csv"),
        )
    for rule, roles in RUNS:
        run = run_start(actor=officer, rule_key=rule, datasets={r: stored[r] for r in roles})
        run_execute(run.pk)
    hits = {h.name: h for h in Hit.objects.filter(run__authority=qh)}
    for name in ("周德明", "施建华"):
        if name in hits:
            hit_confirm(actor=officer, hit=hits[name], inspection=xwb, note="请巡察组进驻后核实。")
    if "胡秀英" in hits:
        hit_dismiss(actor=officer, hit=hits["胡秀英"], reason="已由县民政局自查发现，2024年7月停发并追回，不再移交。")
