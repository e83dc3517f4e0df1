"""The Thai spelling proposed from a Lao name (thai_script.py), and the checks on names in Thai
script (candidate_checks.py). No database."""

from __future__ import annotations

import pytest

from skills_cert.assessment.candidate_checks import (
    CheckFailed,
    check_own_name,
    check_thai_name,
    check_thai_spelling,
    suggest_thai,
)
from skills_cert.assessment.thai_script import propose

# Lao people's names as Thai websites wrote them (read in stored copies of: ThaiPublica, 16 Jan
# 2021; intsharing.co, 23 Mar 2021, after Lao National Radio; laosquare.com, "คณะรัฐบาล สปป. ลาว
# สมัยที่ 8"; bihmoph.net, 2011; th.toptenid.com after Kapook, 2014), and Lao provinces as they
# are usually written in Thai (from general knowledge, not checked against a source).
REAL_PAIRS = [
    ("ທອງລຸນ ສີສຸລິດ", "ทองลุน สีสุลิด"),
    ("ບຸນຍັງ ວໍລະຈິດ", "บุนยัง วอละจิด"),          # ໍ -> อ
    ("ພັນຄຳ ວິພາວັນ", "พันคำ วิพาวัน"),
    ("ສອນໄຊ ສີພັນດອນ", "สอนไซ สีพันดอน"),          # ຊ -> ซ
    ("ກິແກ້ວ ໄຂຄຳພິທູນ", "กิแก้ว ไขคำพิทูน"),
    ("ຈັນສະໝອນ ຈັນຍາລາດ", "จันสะหมอน จันยาลาด"),   # ໝ -> หม
    ("ບຸນທອງ ຈິດມະນີ", "บุนทอง จิดมะนี"),
    ("ເອກສະຫວ່າງ ວົງວິຈິດ", "เอกสะหว่าง วงวิจิด"),  # ຫວ, ົ dropped before a final
    ("ທອງສິງ ທຳມະວົງ", "ทองสิง ทำมะวง"),
    ("ຫຼວງນ້ຳທາ", "หลวงน้ำทา"),                   # ຫຼ -> หล, tone over ຳ
    ("ບໍ່ແກ້ວ", "บ่อแก้ว"),                       # the tone mark moves onto the consonant
    ("ອຸດົມໄຊ", "อุดมไซ"),
    ("ຜົ້ງສາລີ", "ผ้งสาลี"),                      # ົ dropped, its tone mark kept
    ("ຄຳມ່ວນ", "คำม่วน"),
    ("ບໍລິຄຳໄຊ", "บอลิคำไซ"),
    ("ຫົວພັນ", "หัวพัน"),                          # ົວ -> ัว
    ("ວັງວຽງ", "วังเวียง"),                        # ຽ -> เ-ีย
    ("ເຊກອງ", "เซกอง"),
]


@pytest.mark.parametrize(("lao", "thai"), REAL_PAIRS)
def test_real_names_are_proposed_as_thai_writes_them(lao, thai):
    assert propose(lao) == thai


# Where Thai spells by etymology what Lao writes by sound: the rules give the sound, documented
# in the module, and the assessor corrects it on the form.
DIFFERENT_IN_THAI = [
    ("ສົມສັກ", "สมสัก", "สมศักดิ์"),              # ศ, and a silent ดิ์
    ("ຈຳປາສັກ", "จำปาสัก", "จำปาศักดิ์"),
    ("ວຽງຈັນ", "เวียงจัน", "เวียงจันทน์"),          # silent ทน์
    ("ສະຫວັນນະເຂດ", "สะหวันนะเขด", "สะหวันนะเขต"),  # a final t written ต
    ("ຫຼວງພະບາງ", "หลวงพะบาง", "หลวงพระบาง"),      # a ร Lao does not write
    ("ຊຽງຂວາງ", "เซียงขวาง", "เชียงขวาง"),          # ช where Lao has ຊ
]


@pytest.mark.parametrize(("lao", "proposed", "thai"), DIFFERENT_IN_THAI)
def test_etymological_thai_spellings_are_not_guessed(lao, proposed, thai):
    assert propose(lao) == proposed != thai


@pytest.mark.parametrize(("lao", "thai"), [
    ("ເລັ່ງ", "เล่ง"), ("ແຂັງ", "แข็ง"),          # short e: ็ or the tone mark in its place
    ("ເງິນ", "เงิน"), ("ເດີນ", "เดิน"), ("ເລີຍ", "เลย"), ("ເມຍ", "เมีย"),
    ("ລ້ຽງ", "เลี้ยง"), ("ເມືອງ", "เมือง"), ("ອັດຕະປື", "อัดตะปือ"),  # ື open -> ือ
    ("ເຈົ້າ", "เจ้า"), ("ເຫຼົ້າ", "เหล้า"), ("ເໝືອນ", "เหมือน"), ("ໜອງຄາຍ", "หนองคาย"),
    ("ບົວສອນ", "บัวสอน"), ("ພໍ່", "พ่อ"), ("ນ້ອຍໆ", "น้อยๆ"), ("ສັກດິ໌", "สักดิ์"),
    ("ທ. ສົມພອນ", "ท. สมพอน"), ("ພອນສະຫວັນ-ແສງທອງ", "พอนสะหวัน-แสงทอง"), ("໑໒", "๑๒"),
])
def test_syllable_rules(lao, thai):
    assert propose(lao) == thai


def test_text_that_is_not_lao_is_kept():
    assert propose("สมชาย ใจดี") == "สมชาย ใจดี"
    assert propose("ສົມ Som") == "สม Som"


def test_the_suggestion_is_checked():
    assert suggest_thai("  ວຽງຄຳ   ໄຊຍະວົງ ") == "เวียงคำ ไซยะวง"
    assert suggest_thai("สมชาย ใจดี") == "สมชาย ใจดี"  # a Thai national's own name
    assert suggest_thai("ສົມ Som") == ""  # not a name in Thai script: nothing proposed
    assert suggest_thai("") == ""


def refused(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        check(*args, **kwargs)
    return str(info.value)


def test_thai_names_are_checked():
    assert check_thai_name("  สมศักดิ์\tแก้วมะนี ") == "สมศักดิ์ แก้วมะนี"
    assert refused(check_thai_name, "ສົມພອນ") == "Write this name in Thai script; this looks like Lao script."
    assert "mixes Thai and Lao" in refused(check_thai_name, "สมພອນ")
    assert "Not allowed: S (U+0053)" in refused(check_thai_name, "สม Som")
    assert refused(check_thai_name, "สม ๒") == "A name cannot contain digits."
    assert "cannot begin a word" in refused(check_thai_name, "สม ่แก้ว")
    assert refused(check_thai_name, "ๆ.-") == "The name must contain Thai letters."


def test_thai_script_own_name_only_for_a_thai_national():
    assert check_own_name("สมชาย ใจดี", nationality="TH") == "สมชาย ใจดี"
    assert check_own_name("ສົມພອນ", nationality="TH") == "ສົມພອນ"
    assert refused(check_own_name, "สมชาย ใจดี", nationality="LA").startswith(
        "Only a Thai national's name can be registered in Thai script.")


def test_a_name_in_thai_script_is_its_own_thai_spelling():
    assert check_thai_spelling("", own_name="สมชาย ใจดี") == "สมชาย ใจดี"
    assert check_thai_spelling("สมชาย  ใจดี", own_name="สมชาย ใจดี") == "สมชาย ใจดี"
    assert "is the same" in refused(check_thai_spelling, "สมชัย ใจดี", own_name="สมชาย ใจดี")
    assert check_thai_spelling(" ", own_name="ສົມພອນ") is None
    assert check_thai_spelling("สมพร", own_name="ສົມພອນ") == "สมพร"
