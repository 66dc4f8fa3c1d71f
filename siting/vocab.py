"""Controlled vocabularies shared by the layers, the profiles and the outputs."""

from __future__ import annotations

#: The ten key-technology domains of the Dutch National Technology Strategy (NTS), plus pharma
#: and defence as the programme names them: slug -> readable label.
NTS_DOMAINS: dict[str, str] = {
    "optical_systems_integrated_photonics": "optical systems and integrated photonics",
    "quantum": "quantum technologies",
    "process_technology": "process technology, incl. process intensification",
    "biomolecular_cell_technologies": "biomolecular and cell technologies",
    "imaging": "imaging technologies",
    "mechatronics_optomechatronics": "mechatronics and opto-mechatronics",
    "ai_data_science": "AI and data science",
    "energy_materials": "energy materials",
    "semiconductors": "semiconductor technologies",
    "cybersecurity": "cybersecurity",
    "pharma": "pharma",
    "defence": "defence",
}

#: Shared facilities a campus or site can offer: slug -> readable label.
SHARED_FACILITIES: dict[str, str] = {
    "cleanroom": "cleanroom",
    "fieldlab": "fieldlab",
    "pilot_plant": "pilot plant",
    "wet_lab": "wet lab",
    "test_facility": "test facility",
    "prototyping": "prototyping workshop",
    "incubator": "incubator",
    "data_centre": "data centre",
}

#: Demand-side (afname) classes of the grid operators' national capacity map.
CONGESTION_CLASSES: dict[int, str] = {
    -1: "unknown",
    0: "available",
    1: "limited",
    2: "under investigation, queue",
    3: "shortage, queue",
}

#: The twelve provinces: CBS code -> name (CBS spelling).
PROVINCES: dict[str, str] = {
    "PV20": "Groningen",
    "PV21": "Fryslân",
    "PV22": "Drenthe",
    "PV23": "Overijssel",
    "PV24": "Flevoland",
    "PV25": "Gelderland",
    "PV26": "Utrecht",
    "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland",
    "PV29": "Zeeland",
    "PV30": "Noord-Brabant",
    "PV31": "Limburg",
}

#: How sure a figure is.
CONFIDENCE_LEVELS: dict[str, str] = {
    "reported": "stated by the cited source (possibly rounded)",
    "approximate": "derived from a cited source with interpretation",
    "estimate": "our estimate; the method is documented",
    "unknown": "no figure available",
}

#: Kinds of candidate site.
SITE_TYPES: tuple[str, ...] = (
    "business_park",
    "campus",
    "science_park",
    "port_industrial",
    "logistics_park",
)

#: Availability status of a candidate site; ``unknown`` where no source says (e.g. a register
#: figure known to be missing), a fact to confirm.
SITE_STATUSES: tuple[str, ...] = ("available", "planned", "fully_issued", "unknown")

#: What a site is for (its designation): slug -> readable label.
DESIGNATIONS: dict[str, str] = {
    "heavy_industry": "heavy industry",
    "port_industrial": "port-industrial (with quay)",
    "logistics": "logistics",
    "mixed_urban": "mixed urban / transformation area with housing",
    "business_park": "business park",
    "science_park": "science park",
    "campus": "campus",
}

#: How a site's point was placed: slug -> readable label.
LOCATION_KINDS: dict[str, str] = {
    "site": "placed on the site from a described location",
    "polygon": "a point inside the site's own outline (IBIS polygon)",
    "municipality": "placed at the municipality's point: the site's own location is not known",
}

#: Kinds of campus.
CAMPUS_TYPES: tuple[str, ...] = ("campus", "science_park", "industry_campus", "innovation_district")

#: Regional grid operators (regionale netbeheerders).
GRID_OPERATORS: tuple[str, ...] = (
    "Enexis",
    "Liander",
    "Stedin",
    "Westland Infra",
    "Coteq",
    "Rendo",
)

#: Education levels used for talent: mbo (vocational), hbo (applied sciences), wo (university).
EDUCATION_LEVELS: tuple[str, ...] = ("mbo", "hbo", "wo")


def province_code(name: str) -> str | None:
    """Return the CBS province code for a province name, tolerant of common spellings.

    Parameters
    ----------
    name
        A province name such as ``"Noord-Brabant"``, ``"Friesland"`` or ``"Fryslân"``.

    Returns
    -------
    str or None
        ``"PV30"`` and so on, or ``None`` for an unknown name.
    """
    key = _fold(name)
    for code, label in PROVINCES.items():
        if _fold(label) == key:
            return code
    return {"friesland": "PV21"}.get(key)


def _fold(text: str) -> str:
    """Lower-case, strip accents and spaces/hyphens, for tolerant name matching."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.lower() if c.isalnum())
