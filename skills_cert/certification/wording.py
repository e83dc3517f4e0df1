"""The fixed wording of certificates, in Lao, Thai and English at once.

A certificate crosses a border: a Thai employer reads the Thai, a Lao official the Lao, anyone
else the English, so every fixed text is printed in all three languages whatever the reader's
interface language. These are constants, not gettext messages.

Lao and Thai write words without spaces; a "|" inside a text marks a word boundary where a line
may break (it becomes a zero-width space).
"""

from __future__ import annotations

from skills_cert.pdf.text import ZWSP

LANGS = ("lo", "th", "en")


def _z(value: str) -> str:
    """'|' marks a word boundary inside Lao or Thai text (no spaces there): a line may break."""
    return value.replace("|", ZWSP)


STATE_HEADER = ("ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ",
                "ສັນຕິພາບ ເອກະລາດ ປະຊາທິປະໄຕ ເອກະພາບ ວັດທະນະຖາວອນ")
TITLES = {
    "certificate": {"lo": "ໃບຢັ້ງຢືນມາດຕະຖານສີມືແຮງງານ", "th": "ใบรับรองมาตรฐานฝีมือแรงงาน",
                    "en": "Certificate of Skills Standard"},
    "attainment": {"lo": "ໃບຢັ້ງຢືນຜົນສຳເລັດບາງຫົວໜ່ວຍ", "th": "หนังสือรับรองผลสำเร็จบางหน่วยสมรรถนะ",
                   "en": "Statement of Attainment"},
}
CERTIFY = {"lo": "ຂໍຢັ້ງຢືນວ່າ", "th": "ขอรับรองว่า", "en": "This is to certify that"}
ASSESSED = {
    "certificate": {"lo": _z("ໄດ້|ຮັບ|ການ|ປະເມີນ|ວ່າ|ມີ|ສະມັດຖະພາບ|ໃນ"),
                    "th": _z("ได้|รับ|การ|ประเมิน|ว่า|มี|สมรรถนะ|ใน"),
                    "en": "has been assessed as competent in"},
    "attainment": {"lo": _z("ໄດ້|ຮັບ|ການ|ປະເມີນ|ວ່າ|ມີ|ສະມັດຖະພາບ|ໃນ|ຫົວໜ່ວຍ|ທີ່|ລະບຸ|ໄວ້"
                            "|ຂ້າງລຸ່ມ|ນີ້ ຂອງ|ມາດຕະຖານ"),
                   "th": _z("ได้|รับ|การ|ประเมิน|ว่า|มี|สมรรถนะ|ใน|หน่วย|สมรรถนะ|ที่|ระบุ|ไว้"
                            "|ด้านล่าง ของ|มาตรฐาน"),
                   "en": "has been assessed as competent in the units listed below, "
                         "from the standard"},
}
UNITS_CAPTION = {"lo": "ຫົວໜ່ວຍສະມັດຖະພາບທີ່ຜ່ານ", "th": "หน่วยสมรรถนะที่ผ่าน",
                 "en": "Units of competency achieved"}
CONTINUED = {"lo": "ຕໍ່", "th": "ต่อ", "en": "continued"}
# After the title of a unit credited through recognition of prior learning on portfolio evidence.
RPL_CREDITED = {"lo": _z("ຮັບຮອງ|ຜ່ານ RPL"), "th": _z("เทียบ|โอน|ผ่าน RPL"), "en": "credited through RPL"}
LABELS = {
    "number": {"lo": "ເລກທີໃບຢັ້ງຢືນ", "th": "เลขที่ใบรับรอง", "en": "Certificate number"},
    "issued": {"lo": "ວັນທີອອກ", "th": "วันที่ออก", "en": "Date of issue"},
    "expires": {"lo": "ໃຊ້ໄດ້ຮອດວັນທີ", "th": "ใช้ได้ถึงวันที่", "en": "Valid until"},
    "occupation": {"lo": "ອາຊີບ", "th": "อาชีพ", "en": "Occupation"},
    "level": {"lo": "ລະດັບ", "th": "ระดับ", "en": "Level"},
    "standard": {"lo": "ລະຫັດມາດຕະຖານ", "th": "รหัสมาตรฐาน", "en": "Standard code"},
    "version": {"lo": "ສະບັບ", "th": "ฉบับ", "en": "Version"},
    "code": {"lo": "ລະຫັດ", "th": "รหัส", "en": "Code"},
}
COLUMN_HEADS = ("ພາສາລາວ", "ภาษาไทย", "English")
DOCUMENT = {"certificate": {"lo": "ໃບຢັ້ງຢືນ", "th": "ใบรับรอง", "en": "certificate"},
            "attainment": {"lo": "ໃບຢັ້ງຢືນ", "th": "หนังสือรับรอง", "en": "statement"}}
VERIFY = {  # the page at {host}/verify asks for the number and the holder's date of birth
    "lo": _z("ສະແກນ|ລະຫັດ QR ເພື່ອ|ກວດສອບ|ວ່າ|{doc}|ນີ້|ແມ່ນ|ຂອງແທ້ ແລະ ຍັງ|ມີຜົນ|ໃຊ້ໄດ້. "
             "ຫຼື ເຂົ້າ|ໄປ|ທີ່ {host}/verify ແລ້ວ|ປ້ອນ|ເລກທີ|ໃບຢັ້ງຢືນ ແລະ ວັນເດືອນປີເກີດ|ຂອງ|ຜູ້ຖື "
             "(ຕາມ|ບັດ|ປະຈຳຕົວ ຫຼື ໃບອະນຸຍາດ|ເຮັດວຽກ)."),
    "th": _z("สแกน|คิวอาร์โค้ด เพื่อ|ตรวจสอบ|ว่า|{doc}|นี้|เป็น|ของจริง|และ|ยัง|มีผล|ใช้ได้ "
             "หรือ|เข้า|ไป|ที่ {host}/verify แล้ว|กรอก|เลขที่|ใบรับรอง|และ|วันเกิด|ของ|ผู้ถือ "
             "(ตาม|บัตร|ประจำตัว|หรือ|ใบอนุญาต|ทำงาน)"),
    "en": "Scan the QR code to check that this {doc} is genuine and valid, or go to {host}/verify "
          "and enter the certificate number and the holder's date of birth (as on their ID card or "
          "work permit).",
}

COUNTRIES = {
    "TH": {"lo": "ປະເທດໄທ", "th": "ประเทศไทย", "en": "Thailand"},
    "LA": {"lo": "ສປປ ລາວ", "th": "สปป.ลาว", "en": "Lao PDR"},
    "KH": {"lo": "ກຳປູເຈຍ", "th": "กัมพูชา", "en": "Cambodia"},
    "MM": {"lo": "ມຽນມາ", "th": "เมียนมา", "en": "Myanmar"},
    "VN": {"lo": "ຫວຽດນາມ", "th": "เวียดนาม", "en": "Viet Nam"},
}
RECOGNISED = {
    "lo": _z("ໄດ້|ຮັບ|ການ|ຮັບຮອງ|ຢູ່|{country} ເທົ່າ|ກັບ {standard} ຂອງ {authority} ຕາມ {agreement}"),
    "th": _z("ได้รับ|การ|ยอมรับ|ใน|{country} เทียบ|เท่า {standard} ของ{authority} ตาม{agreement}"),
    "en": "Recognised in {country} as {standard} of the {authority}, under the {agreement}",
}


def recognised(country: str, standard: dict, authority: dict, agreement: dict) -> dict[str, str]:
    """The printed line for full recognition abroad, in the three languages."""
    names = COUNTRIES.get(country, {lang: country for lang in LANGS})
    return {lang: RECOGNISED[lang].format(country=names[lang], standard=standard[lang],
                                          authority=authority[lang], agreement=agreement[lang])
            for lang in LANGS}


# The Open Badges credential's texts. They are plain strings there (1EdTech's schema), so no "|"
# marks: a wallet shows them as they are.
CREDENTIAL_CHECK_LIVE = {
    "lo": "ກວດສອບສະຖານະປັດຈຸບັນ (ຖືກຖອນ, ຖືກປ່ຽນແທນ, ການຮັບຮອງໃນຕ່າງປະເທດ)",
    "th": "ตรวจสอบสถานะปัจจุบัน (การเพิกถอน การออกแทน การยอมรับในต่างประเทศ)",
    "en": "Check its current status (revoked, replaced, recognised abroad)",
}
CREDENTIAL_CRITERIA = {
    "certificate": {"lo": "ຜ່ານການປະເມີນວ່າມີສະມັດຖະພາບໃນທຸກຫົວໜ່ວຍຂອງມາດຕະຖານສະບັບນີ້.",
                    "th": "ผ่านการประเมินว่ามีสมรรถนะในทุกหน่วยสมรรถนะของมาตรฐานฉบับนี้",
                    "en": "Assessed as competent in every unit of this version of the standard."},
    "attainment": {"lo": "ຜ່ານການປະເມີນວ່າມີສະມັດຖະພາບໃນບາງຫົວໜ່ວຍຂອງມາດຕະຖານສະບັບນີ້; "
                         "ຫົວໜ່ວຍທີ່ຜ່ານແມ່ນລະບຸໄວ້ໃນຜົນການປະເມີນ.",
                   "th": "ผ่านการประเมินว่ามีสมรรถนะในบางหน่วยสมรรถนะของมาตรฐานฉบับนี้ "
                         "หน่วยที่ผ่านระบุไว้ในผลการประเมิน",
                   "en": "Assessed as competent in some units of this version of the standard; the units "
                         "achieved are listed in the results."},
}
CREDENTIAL_STANDARD = {
    "lo": "ມາດຕະຖານສີມືແຮງງານ {code} ສະບັບ {version}, ລະດັບ {level}, ອາຊີບ: {occupation} (ISCO-08 {isco})",
    "th": "มาตรฐานฝีมือแรงงาน {code} ฉบับ {version} ระดับ {level} อาชีพ: {occupation} (ISCO-08 {isco})",
    "en": "Skills standard {code} version {version}, level {level}, occupation: {occupation} (ISCO-08 {isco})",
}
PATHWAYS = {"regular": {"lo": "ການທົດສອບປົກກະຕິ", "th": "การทดสอบปกติ", "en": "Regular test"},
            "rpl": {"lo": "ການຮັບຮູ້ຄວາມຮູ້ ແລະ ທັກສະທີ່ມີມາກ່ອນ (RPL)",
                    "th": "การเทียบโอนความรู้และประสบการณ์ (RPL)",
                    "en": "Recognition of prior learning (RPL)"}}
CREDENTIAL_ASSESSED = {"lo": "ທົດສອບວັນທີ {day} ທີ່ສູນທົດສອບ {centre}",
                       "th": "ทดสอบเมื่อวันที่ {day} ที่ศูนย์ทดสอบ {centre}",
                       "en": "Assessed on {day} at the testing centre {centre}"}


def in_three(texts: dict[str, str], **values) -> dict[str, str]:
    """Each language's text with *values* filled in; a value that is itself a {lang: text} gives
    each language its own."""
    return {lang: texts[lang].format(**{name: value[lang] if isinstance(value, dict) else value
                                        for name, value in values.items()}) for lang in LANGS}
