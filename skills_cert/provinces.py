"""Provinces of the Lao PDR (ISO 3166-2:LA), for testing centres and statistics."""

PROVINCES = {
    "LA-VT": {"lo": "ນະຄອນຫຼວງວຽງຈັນ", "th": "นครหลวงเวียงจันทน์", "en": "Vientiane Capital"},
    "LA-AT": {"lo": "ອັດຕະປື", "th": "อัตตะปือ", "en": "Attapeu"},
    "LA-BK": {"lo": "ບໍ່ແກ້ວ", "th": "บ่อแก้ว", "en": "Bokeo"},
    "LA-BL": {"lo": "ບໍລິຄຳໄຊ", "th": "บอลิคำไซ", "en": "Bolikhamxay"},
    "LA-CH": {"lo": "ຈຳປາສັກ", "th": "จำปาสัก", "en": "Champasak"},
    "LA-HO": {"lo": "ຫົວພັນ", "th": "หัวพัน", "en": "Houaphanh"},
    "LA-KH": {"lo": "ຄຳມ່ວນ", "th": "คำม่วน", "en": "Khammouane"},
    "LA-LM": {"lo": "ຫຼວງນ້ຳທາ", "th": "หลวงน้ำทา", "en": "Luang Namtha"},
    "LA-LP": {"lo": "ຫຼວງພະບາງ", "th": "หลวงพระบาง", "en": "Luang Prabang"},
    "LA-OU": {"lo": "ອຸດົມໄຊ", "th": "อุดมไซ", "en": "Oudomxay"},
    "LA-PH": {"lo": "ຜົ້ງສາລີ", "th": "ผ้งสาลี", "en": "Phongsaly"},
    "LA-SL": {"lo": "ສາລະວັນ", "th": "สาละวัน", "en": "Salavan"},
    "LA-SV": {"lo": "ສະຫວັນນະເຂດ", "th": "สะหวันนะเขต", "en": "Savannakhet"},
    "LA-VI": {"lo": "ແຂວງວຽງຈັນ", "th": "แขวงเวียงจันทน์", "en": "Vientiane Province"},
    "LA-XA": {"lo": "ໄຊຍະບູລີ", "th": "ไซยะบุลี", "en": "Xayabury"},
    "LA-XE": {"lo": "ເຊກອງ", "th": "เซกอง", "en": "Sekong"},
    "LA-XI": {"lo": "ຊຽງຂວາງ", "th": "เชียงขวาง", "en": "Xiengkhouang"},
    "LA-XS": {"lo": "ໄຊສົມບູນ", "th": "ไซสมบูรณ์", "en": "Xaisomboun"},
}
