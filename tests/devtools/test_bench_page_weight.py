"""The verify page's weight: how the benchmark counts bytes, and that the subset web fonts it
measures draw Lao and Thai exactly as the whole fonts do."""

import unicodedata

import pytest

from skills_cert.devtools.bench.page_weight import GOAL_BYTES, _summarise

BASE = "http://127.0.0.1:5000"


def _request(path, type_, size, **extra):
    url = path if not path.startswith("/") else BASE + path
    return {"url": url, "type": type_, "bytes": size, "status": 200, "encoding": "", "done": True, **extra}


def test_bytes_are_summed_by_type_and_the_photo_and_other_hosts_are_told_apart():
    page = _summarise([
        _request("/v/token", "Document", 5000, body_bytes=4600, gzip_body_bytes=1600),
        _request("/static/css/app.css", "Stylesheet", 14000, body_bytes=13300, gzip_body_bytes=3400),
        _request("/static/fonts/NotoSansThai-Regular.woff2", "Font", 9000),
        _request("/assessments/candidates/1/photo", "Image", 30000),
        _request("/static/icon.png", "Image", 500),
        _request("https://fonts.example.net/x.woff2", "Font", 20000),
        _request("data:image/png;base64,AAAA", "Image", 0),
    ], BASE)
    assert page["by_type"]["document"] == {"requests": 1, "bytes": 5000, "gzip_bytes": 2000}
    assert page["by_type"]["css"]["gzip_bytes"] == 14000 - 13300 + 3400
    assert page["by_type"]["font"] == {"requests": 2, "bytes": 29000, "gzip_bytes": 29000}
    assert page["by_type"]["image"]["bytes"] == 500 and page["by_type"]["photo"]["bytes"] == 30000
    assert page["total_bytes"] == 5000 + 14000 + 29000 + 500  # the photo is not counted
    assert page["floor_bytes"] == page["total_bytes"] - 29000
    assert page["third_party_requests"] == 1
    assert page["third_party_urls"] == ["https://fonts.example.net/x.woff2"]
    assert not page["compressed_by_server"]
    assert GOAL_BYTES == 60 * 1024


LAO_WORDS = ("ສົ້ມ ຄຳ ໜ້າ ຫຼື ເກົ້າ ໃຫຍ່ ນ້ຳ ກີ່ ປູ່ ຜູ້ ສົມພອນ ແກ້ວມະນີ "
             "ຂໍ້ ຊື່ ນີ້ ເລີ່ມ ໂຮງຮຽນ ໆ ໐໑໒໓໔໕໖໗໘໙").split()
THAI_WORDS = ("ปู่ ญู่ ฐู ฎุ ป้ำ ปิ่น ที่ น้ำ กิ่ง ปั้น ฝั่ง ฟื้น "
              "ผู้ถือ ศูนย์ทดสอบเวียงจันทน์ ฤๅษี ๆ ฯ ๐๑๒๓๔๕๖๗๘๙").split()


def _block(first: int, last: int) -> list[str]:
    return [chr(c) for c in range(first, last + 1) if unicodedata.name(chr(c), None)]


_DRAW = """async (cases) => {
  const loaded = {};
  for (const file of new Set(cases.flatMap(([_, a, b]) => [a, b]))) {
    const face = new FontFace(file.replace(/\\W/g, "_"), `url(/static/fonts/${file})`);
    await face.load();  // rejects if the file is missing or broken
    document.fonts.add(face);
    loaded[file] = face.family;
  }
  const canvas = document.createElement("canvas");
  canvas.width = 600; canvas.height = 160;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const draw = (family, text) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = `64px "${family}", monospace`;
    ctx.fillText(text, 20, 100);
    const m = ctx.measureText(text);
    return [ctx.getImageData(0, 0, canvas.width, canvas.height).data.join(","),
            [m.width, m.actualBoundingBoxAscent, m.actualBoundingBoxDescent].join(",")];
  };
  return cases.filter(([text, a, b]) => {
    const [pixelsA, metricsA] = draw(loaded[a], text), [pixelsB, metricsB] = draw(loaded[b], text);
    return pixelsA !== pixelsB || metricsA !== metricsB;
  }).map(([text, a, b]) => `${text} (${a} vs ${b})`);
}"""


@pytest.mark.browser
def test_the_subset_web_fonts_draw_lao_and_thai_as_the_whole_fonts_do(live_server, page):
    """Every character of each block, alone, and words with stacked vowels and tone marks,
    drawn in Chromium with the served .woff2 subset and with the whole .ttf: same pixels."""
    page.goto(f"{live_server}/")
    cases = []
    for family, words, chars in (("NotoSansLao", LAO_WORDS, _block(0x0E80, 0x0EFF)),
                                 ("NotoSansThai", THAI_WORDS, _block(0x0E01, 0x0E5B))):
        for weight in ("Regular", "Bold"):
            subset, whole = f"{family}-{weight}.woff2", f"{family}-{weight}.ttf"
            cases += [[text, subset, whole] for text in words + (chars if weight == "Regular" else [])]
    assert page.evaluate(_DRAW, cases) == []
    # The comparison sees a difference when there is one: the subset against Lao in another face.
    assert page.evaluate(_DRAW, [["ສົ້ມ", "NotoSansLao-Regular.woff2", "NotoSansLao-Bold.ttf"]]) != []
