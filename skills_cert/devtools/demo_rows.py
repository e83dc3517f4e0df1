"""Rows for the demo registry: people with Lao and romanised names, and bulk inserts that return
the new ids. The demo seeder and the benchmarks' registries share them."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.assessment.candidates import search_key
from skills_cert.assessment.models import Pathway, Sex
from skills_cert.assessment.thai_script import propose

FEMALE, RPL = 0.4, 0.15  # shares of candidates

# (Lao, romanised) pairs, so both names on a certificate agree.
GIVEN = [("ສົມພອນ", "Somphone"), ("ບຸນມີ", "Bounmy"), ("ຄຳໃສ", "Khamsay"), ("ວຽງຄຳ", "Vienkham"),
         ("ນາງ ແສງ", "Nang Saeng"), ("ພອນສະຫວັນ", "Phonesavanh"), ("ສຸລິຍາ", "Souliya"),
         ("ຈັນທະວົງ", "Chanthavong"), ("ມະນີວັນ", "Manivanh"), ("ທອງດີ", "Thongdy"), ("ບົວລະພາ", "Boualapha"),
         ("ສີສະຫວາດ", "Sisavath"), ("ແກ້ວ", "Keo"), ("ນ້ອຍ", "Noy"), ("ອານຸສອນ", "Anousone"), ("ດາລາ", "Dala")]
FAMILY = [("ແກ້ວມະນີ", "Keomany"), ("ວົງສາ", "Vongsa"), ("ໄຊຍະວົງ", "Xayavong"), ("ພົມມະຈັນ", "Phommachanh"),
          ("ສີຫາລາດ", "Sihalath"), ("ຈັນທະລາ", "Chanthala"), ("ອິນທະວົງ", "Inthavong"), ("ສຸວັນນະລາດ", "Souvannarath"),
          ("ພິມມະສອນ", "Phimmasone"), ("ລາດຊະວົງ", "Latsavong"), ("ບຸບຜາ", "Bouppha"), ("ດວງມາລາ", "Douangmala")]

THAI = {lao: propose(lao) for lao, _latin in GIVEN + FAMILY}  # as proposed, once per name


def _new_ids(session: so.Session, table: sa.Table, count: int) -> list[int]:
    """*count* fresh primary keys for *table*: from its sequence on PostgreSQL; after the highest
    id on SQLite, whose single writer lock this transaction holds once it has written."""
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(sa.text(
            # the table name comes from the model, never from input
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"),  # nosec B608
            {"n": count}))
    top = session.scalar(sa.select(sa.func.max(table.c.id))) or 0
    return list(range(top + 1, top + 1 + count))


def insert_rows(session: so.Session, model, rows: list[dict]) -> list[int]:
    """Insert *rows* with one executemany and return their new ids, in order. (RETURNING with
    ordered rows would run one statement per row on SQLite.)"""
    if not rows:
        return []
    table = model.__table__
    ids = _new_ids(session, table, len(rows))
    session.execute(sa.insert(table), [{**row, "id": new} for row, new in zip(rows, ids)])
    return ids


def person(rng: random.Random, tag: str, index: int) -> dict:
    (given_lo, given_la), (family_lo, family_la) = rng.choice(GIVEN), rng.choice(FAMILY)
    name_lao, name_latin = f"{given_lo} {family_lo}", f"{given_la} {family_la}"
    born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(365 * 36))
    rpl = rng.random() < RPL
    return {"name_lao": name_lao, "name_latin": name_latin, "name_thai": f"{THAI[given_lo]} {THAI[family_lo]}",
            "sex": Sex.FEMALE if rng.random() < FEMALE else Sex.MALE,
            "date_of_birth": born, "nationality": "LA", "id_type": "national_id",
            "id_number": f"9{int(tag, 16):08d}{index:09d}", "pathway": Pathway.RPL if rpl else Pathway.REGULAR,
            "rpl_work_history": "Eight years' work on building sites." if rpl else None,
            "has_photo": False, "search_name": search_key(name_lao, name_latin)}
