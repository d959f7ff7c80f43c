"""The map export read by GDAL itself (through pyogrio, which carries it: what QGIS reads with), then
copied into a GeoPackage the way a QGIS user saves a layer: every feature arrives, with its city,
place, precision and tags as text, and times read as UTC."""

from __future__ import annotations

from pathlib import Path

import pyogrio  # type: ignore[import-untyped]
import pyogrio.raw  # type: ignore[import-untyped]

from tests.exports.conftest import stream


async def test_gdal_reads_every_feature_and_a_geopackage_keeps_them(db_url: str, tmp_path: Path) -> None:
    content, written = await stream(db_url, "geojson")
    source = tmp_path / "cases.geojson"
    source.write_bytes(content)

    info = pyogrio.read_info(source)
    assert info["features"] == written.rows == 5  # what the command says is what GDAL finds
    assert info["geometry_type"] == "Point" and "4326" in str(info["crs"])
    fields = dict(zip(info["fields"], info["dtypes"], strict=True))
    for name in ("reference", "city", "place", "precision", "tags_text"):
        assert fields[name] == "object", (name, fields[name])  # text, not lost or mistyped
    assert fields["created"].startswith("datetime64")  # a time, not a string GDAL gave up on

    meta, _, geometry, values = pyogrio.raw.read(source)
    rows = [dict(zip(meta["fields"], row, strict=True)) for row in zip(*values, strict=True)]
    assert all(row["city"] and row["place"] and row["precision"] in ("pin", "city") for row in rows)

    # saved as a GeoPackage: the tags survive as text, the times keep their day and hour in UTC
    package = tmp_path / "cases.gpkg"
    pyogrio.raw.write(package, geometry, values, meta["fields"], driver="GPKG", crs=meta["crs"],
                      geometry_type="Point")  # fmt: skip
    meta2, _, _, values2 = pyogrio.raw.read(package)
    saved = {row["reference"]: row for row in (dict(zip(meta2["fields"], r, strict=True))
                                               for r in zip(*values2, strict=True))}  # fmt: skip
    assert saved["PNH-000003"]["tags_text"] == "wave-3, wave-4"
    assert str(saved["PNH-000001"]["created"]).startswith("2026-01-14T23:30")
