"""Write the SYNTHETIC example lead pipeline models/leads/example_pipeline_synthetic.csv.

Every lead is invented: names, ids and needs come from a seeded random generator (seed below),
spread over the technology hotspots of DESIGN.md with a mix of NTS domains, plot sizes
(0.2-20 ha), power needs (0.05-30 MW), years (2026-2032) and talent mixes. Re-running the
script writes the same file.

    python scripts/make_example_leads.py [--n 240] [--seed 20250301] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from pathlib import Path

SEED = 20250301
N_LEADS = 240
OUT = Path(__file__).resolve().parents[1] / "models" / "leads" / "example_pipeline_synthetic.csv"

#: Hotspot municipality (as named in the embedded data) -> relative share and typical domains.
HOTSPOTS: dict[str, tuple[float, tuple[str, ...]]] = {
    "Eindhoven": (14, ("semiconductors", "photonics", "mechatronics", "ai", "imaging")),
    "Veldhoven": (6, ("semiconductors", "mechatronics", "optical systems")),
    "Helmond": (4, ("mechatronics", "energy materials", "process technology")),
    "Enschede": (6, ("photonics", "biotechnology", "mechatronics", "semiconductors")),
    "Hengelo (O.)": (3, ("mechatronics", "process technology", "energy materials")),
    "Groningen": (6, ("energy materials", "process technology", "ai", "biotechnology")),
    "Delft": (8, ("quantum", "semiconductors", "ai", "process technology", "imaging")),
    "Leiden": (6, ("biotechnology", "pharma", "imaging")),
    "Rotterdam": (6, ("process technology", "energy materials", "ai", "cybersecurity")),
    "Amsterdam": (6, ("ai", "cybersecurity", "quantum", "biotechnology")),
    "Utrecht": (5, ("biotechnology", "pharma", "ai")),
    "Wageningen": (4, ("biotechnology", "process technology")),
    "Ede": (2, ("biotechnology", "process technology")),
    "Nijmegen": (4, ("semiconductors", "biotechnology", "photonics")),
    "Sittard-Geleen": (5, ("process technology", "energy materials", "biotechnology")),
    "Maastricht": (3, ("biotechnology", "pharma", "imaging")),
    "Almere": (2, ("ai", "energy materials", "mechatronics")),
}

PROVINCES = (
    "Groningen",
    "Friesland",
    "Drenthe",
    "Overijssel",
    "Flevoland",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Zeeland",
    "Noord-Brabant",
    "Limburg",
)

#: Domains that usually need a cleanroom, a vibration-free floor, or a high environmental
#: category (hazardous processes).
CLEAN = {"semiconductors", "photonics", "optical systems", "quantum"}
VIBRATION = {"semiconductors", "photonics", "optical systems", "quantum", "imaging", "mechatronics"}
HAZARD = {"process technology", "energy materials", "pharma", "biotechnology"}

WORDS = (
    "Nova",
    "Lumen",
    "Quanta",
    "Vector",
    "Helix",
    "Stratos",
    "Orbis",
    "Kinetic",
    "Photon",
    "Axiom",
    "Delta",
    "Polder",
    "Dune",
    "Tulip",
    "Beacon",
    "Sigma",
)
FIELDS = (
    "id",
    "name",
    "nts_domains",
    "municipality",
    "year",
    "land_ha",
    "floor_m2",
    "cleanroom_m2",
    "vibration_free",
    "heavy_transport",
    "environmental_category",
    "power_mw",
    "talent_mbo",
    "talent_hbo",
    "talent_wo",
    "max_relocation_km",
    "exclude_provinces",
    "space_types",
    "allow_unknown",
)


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def province_of(municipality: str) -> str:
    return {
        "Eindhoven": "Noord-Brabant",
        "Veldhoven": "Noord-Brabant",
        "Helmond": "Noord-Brabant",
        "Enschede": "Overijssel",
        "Hengelo (O.)": "Overijssel",
        "Groningen": "Groningen",
        "Delft": "Zuid-Holland",
        "Leiden": "Zuid-Holland",
        "Rotterdam": "Zuid-Holland",
        "Amsterdam": "Noord-Holland",
        "Utrecht": "Utrecht",
        "Wageningen": "Gelderland",
        "Ede": "Gelderland",
        "Nijmegen": "Gelderland",
        "Sittard-Geleen": "Limburg",
        "Maastricht": "Limburg",
        "Almere": "Flevoland",
    }[municipality]


def make_lead(rng: random.Random, k: int) -> dict[str, object]:
    places = list(HOTSPOTS)
    municipality = rng.choices(places, weights=[HOTSPOTS[p][0] for p in places])[0]
    typical = HOTSPOTS[municipality][1]
    domains = [rng.choice(typical)]
    if rng.random() < 0.35:
        second = rng.choice(typical)
        if second != domains[0]:
            domains.append(second)
    land = round(log_uniform(rng, 0.2, 20.0), 1 if rng.random() < 0.7 else 2)
    # power grows with the plot, with a wide spread; clipped to 0.05-30 MW
    power = min(30.0, max(0.05, land * log_uniform(rng, 0.1, 2.5)))
    power = round(power, 2 if power < 1 else 1)
    staff = max(5, round(land * rng.uniform(15, 60)))
    mix = {
        "semiconductors": (0.35, 0.40, 0.25),
        "process technology": (0.50, 0.35, 0.15),
        "ai": (0.05, 0.45, 0.50),
        "quantum": (0.10, 0.30, 0.60),
        "biotechnology": (0.25, 0.40, 0.35),
        "pharma": (0.35, 0.40, 0.25),
        "energy materials": (0.45, 0.35, 0.20),
        "cybersecurity": (0.05, 0.55, 0.40),
    }.get(domains[0], (0.30, 0.45, 0.25))
    talent = [round(staff * share) for share in mix]
    clean = any(d in CLEAN for d in domains) and rng.random() < 0.6
    cleanroom = int(round(land * 10_000 * rng.uniform(0.03, 0.12), -1)) if clean else 0
    hazard = any(d in HAZARD for d in domains)
    env = rng.choice((3, 4, 4, 5)) if hazard and rng.random() < 0.6 else rng.choice((2, 2, 3))
    kinds = ["space"]
    if power >= 5:
        kinds.insert(0, "energy")
    if cleanroom:
        kinds.append("capital")
    if staff >= 150:
        kinds.append("talent")
    exclude = ""
    if rng.random() < 0.07:
        home = province_of(municipality)
        exclude = rng.choice([p for p in PROVINCES if p != home])
    return {
        "id": f"SYN-{k:04d}",
        "name": f"{rng.choice(WORDS)} {rng.choice(WORDS)} {domains[0].split()[0].title()} "
        f"(synthetic)",
        "nts_domains": "; ".join(domains),
        "municipality": municipality,
        "year": rng.choice((2026, 2027, 2027, 2028, 2028, 2029, 2030, 2031, 2032)),
        "land_ha": land,
        "floor_m2": int(round(land * 10_000 * rng.uniform(0.25, 0.6), -2)),
        "cleanroom_m2": cleanroom,
        "vibration_free": "true"
        if any(d in VIBRATION for d in domains) and rng.random() < 0.3
        else "false",
        "heavy_transport": "true" if hazard and rng.random() < 0.3 else "false",
        "environmental_category": env,
        "power_mw": power,
        "talent_mbo": talent[0],
        "talent_hbo": talent[1],
        "talent_wo": talent[2],
        "max_relocation_km": rng.choice((50, 75, 100, 150)) if rng.random() < 0.1 else "",
        "exclude_provinces": exclude,
        "space_types": "; ".join(kinds),
        "allow_unknown": "true" if rng.random() < 0.25 else "false",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N_LEADS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for k in range(1, args.n + 1):
            writer.writerow(make_lead(rng, k))
    print(f"wrote {args.n} synthetic leads to {args.out}")


if __name__ == "__main__":
    main()
