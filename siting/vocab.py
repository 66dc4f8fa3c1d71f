"""Controlled vocabularies shared by the layers, the profiles and the outputs."""

from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache

#: The ten key-technology domains of the Dutch National Technology Strategy (NTS, January 2024),
#: plus pharma and defence as the programme names them (not NTS technologies): slug -> name,
#: the ministry's English wording (see :data:`NTS_DOMAIN_NAMES_NL` and
#: :data:`NTS_DOMAIN_SHORT_NAMES` for the other names users write).
NTS_DOMAINS: dict[str, str] = {
    "optical_systems_integrated_photonics": "Optical systems and integrated photonics",
    "quantum": "Quantum technologies",
    "process_technology": "Process technology, including process intensification",
    "biomolecular_cell_technologies": "Biomolecular and cell technologies",
    "imaging": "Imaging technologies",
    "mechatronics_optomechatronics": "Mechatronics and optomechatronics",
    "ai_data_science": "Artificial intelligence and data science",
    "energy_materials": "Energy materials",
    "semiconductors": "Semiconductor technologies",
    "cybersecurity": "Cybersecurity technologies",
    "pharma": "Pharma",
    "defence": "Defence industry",
}

#: The same domains in Dutch (NTS wording as printed by Link Magazine, April 2025, in an
#: interview with the ministry's KIA ST team; pharma and defence as the programme says them).
NTS_DOMAIN_NAMES_NL: dict[str, str] = {
    "optical_systems_integrated_photonics": "Optische systemen en geïntegreerde fotonica",
    "quantum": "Quantumtechnologie",
    "process_technology": "Procestechnologie, inclusief procesintensivering",
    "biomolecular_cell_technologies": "Biomoleculaire en celtechnologie",
    "imaging": "Imagingtechnologieën",
    "mechatronics_optomechatronics": "Mechatronica en optomechatronica",
    "ai_data_science": "Artificial intelligence en datascience",
    "energy_materials": "Energiematerialen",
    "semiconductors": "Halfgeleidertechnologie",
    "cybersecurity": "Cybersecurity",
    "pharma": "Farma",
    "defence": "Defensie-industrie",
}

#: Short and alternative names users write for each domain (English and Dutch: the ministry's
#: press-release forms of 19 January 2024, other published spellings, trade terms, and the
#: tool's earlier labels). Matching ignores case, accents, spaces and punctuation ("&" reads
#: as "and"). Left out on purpose because they name more than one domain: "optics" (also
#: optomechatronics), "batteries" (also mechatronics), "security".
NTS_DOMAIN_SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "optical_systems_integrated_photonics": (
        "photonics",
        "integrated photonics",
        "optical systems",
        "optics and integrated photonics",
        "optical systems & integrated photonics",
        "PIC",
        "photonic chips",
        "silicon photonics",
        "fotonica",
        "geïntegreerde fotonica",
        "optica en geïntegreerde fotonica",
        "optische systemen",
        "fotonische chips",
    ),
    "quantum": (
        "quantum",
        "quantum technology",
        "quantum computing",
        "quantum sensing",
        "quantum networks",
        "quantumtechnologieën",
        "kwantumtechnologie",
        "kwantumtechnologieën",
        "kwantum",
    ),
    "process_technology": (
        "process technology",
        "process intensification",
        "green chemical production processes",
        "chemical process technology",
        "process technology, incl. process intensification",
        "procestechnologie",
        "procesintensivering",
        "groene chemische productieprocessen",
        "groene chemie",
    ),
    "biomolecular_cell_technologies": (
        "biomolecular & cell technologies",
        "B&CT",
        "biotechnology",
        "biotech",
        "biotechnology focused on molecules and cells",
        "cell technology",
        "cell and gene therapy",
        "biomoleculaire en celtechnologieën",
        "biotechnologie",
        "biotechnologie gericht op moleculen en cellen",
        "celtechnologie",
    ),
    "imaging": (
        "imaging",
        "imaging technology",
        "medical imaging",
        "beeldvorming",
        "beeldvormingstechnologie",
        "beeldvormingstechnologieën",
        "imaging technologie",
    ),
    "mechatronics_optomechatronics": (
        "mechatronics",
        "optomechatronics",
        "(opto)mechatronics",
        "high-tech systems",
        "mechatronics and opto-mechatronics",
        "mechatronica",
        "optomechatronica",
        "(opto)mechatronica",
    ),
    "ai_data_science": (
        "AI",
        "artificial intelligence",
        "data science",
        "AI and data",
        "AI and data science",
        "AI & data science",
        "machine learning",
        "kunstmatige intelligentie",
        "kunstmatige intelligentie en datawetenschap",
        "kunstmatige intelligentie (AI) en data",
        "datawetenschap",
        "datascience",
    ),
    "energy_materials": (
        "energy materials",
        "battery materials",
        "electrolyser materials",
        "solar materials",
        "batterijmaterialen",
    ),
    "semiconductors": (
        "semiconductors",
        "semiconductor",
        "semiconductor technology",
        "semicon",
        "chips",
        "microchips",
        "halfgeleiders",
        "halfgeleidertechnologieën",
        "chiptechnologie",
    ),
    "cybersecurity": (
        "cybersecurity",
        "cyber security",
        "cyber",
        "cybersecurity technology",
        "cybersecuritytechnologie",
        "cyberbeveiliging",
        "cyberbeveiligingstechnologieën",
    ),
    "pharma": (
        "pharmaceuticals",
        "pharmaceutical industry",
        "biopharma",
        "medicines",
        "farmacie",
        "geneesmiddelen",
        "farmaceutische industrie",
    ),
    "defence": (
        "defence",
        "defense",
        "defense industry",
        "security and defence",
        "defensie",
        "defensie- en veiligheidsindustrie",
        "DSI",
    ),
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

#: Sectors a site is reserved for (a dedicated park, e.g. a food-industry park): slug -> label.
#: A reserved site admits only a company that qualifies (``constraints.qualifies_for``).
SITE_RESERVATIONS: dict[str, str] = {
    "agrifood": "agrifood (food processing, fresh and agro logistics, horticulture)",
    "port_related": "port-related activity (seaport land for port- or quay-bound companies: "
    "transhipment, distribution, process and maritime industry)",
}

#: The classes of the criterion ``site_purpose`` (:mod:`siting.criteria.site_purpose`), in
#: words: ``{label}`` is the site's designation, ``{sector}`` and ``{basis}`` its reservation.
SITE_PURPOSES: dict[str, str] = {
    "made_for": "made for it: {label}",
    "general": "{label}: nothing known for or against",
    "unknown": "designation unknown",
    "campus_unknown": "{label}: no source records its campus's domains",
    "campus_production": "{label}: no source says it allows production",
    "logistics_other": "{label}, for a company without heavy transport",
    "campus_other_domains": "{label}: its campus is active in none of the company's domains",
    "heavy_land": "{label}: land kept for heavy categories and quays, for a lighter need",
    "reserved_other": "{label} reserved for {sector} by {basis}",
}

#: What reserves a site for its sector (``reserved_by``): the zoning (a hard rule: a company
#: outside the sector does not fit) or only the issuer's land policy, e.g. a port authority's
#: (a question: the issuer decides case by case). Empty: the source does not say; read as
#: zoning, as before the column existed.
RESERVATION_BASES: dict[str, str] = {
    "zoning": "the zoning plan",
    "policy": "the issuer's land policy (not the zoning)",
}

#: What a company will do on the site (``needs.activity``): slug -> label. Production needs a
#: designation that allows it (a campus R&D plot only when the campus says so).
ACTIVITIES: dict[str, str] = {
    "rnd": "R&D, labs and offices",
    "pilot": "pilot line or pilot plant (small-series)",
    "production": "production (manufacturing)",
}

#: How a site's point was placed: slug -> readable label.
LOCATION_KINDS: dict[str, str] = {
    "site": "placed on the site from a described location",
    "polygon": "a point inside the site's own outline (IBIS polygon)",
    "municipality": "placed at the municipality's point: the site's own location is not known",
}

#: Status of a technology hotspot (brandpunt) of the programme.
HOTSPOT_STATUSES: tuple[str, ...] = ("established", "in_development")

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


def fold_name(text: str) -> str:
    """Fold a name for tolerant matching: no case, accents, spaces or punctuation; & is "and".

    Parameters
    ----------
    text
        A name as a user writes it (``"AI & Data Science"``, ``"’s-Gravenhage"``).

    Returns
    -------
    str
        ``"aianddatascience"``, ``"sgravenhage"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.casefold() if c.isalnum())


@lru_cache(maxsize=1)
def _nts_names() -> dict[str, str]:
    """Every accepted name of every NTS domain, folded -> slug (checked free of clashes)."""
    names: dict[str, str] = {}
    for slug in NTS_DOMAINS:
        spellings = (
            slug,
            NTS_DOMAINS[slug],
            NTS_DOMAIN_NAMES_NL[slug],
            *NTS_DOMAIN_SHORT_NAMES[slug],
        )
        for spelling in spellings:
            key = fold_name(spelling)
            if names.setdefault(key, slug) != slug:
                raise AssertionError(f"NTS name {spelling!r} names two domains")
    return names


@lru_cache(maxsize=4096)
def nts_domain_slug(name: str) -> str | None:
    """Return the NTS domain slug for any accepted name, else ``None``.

    Accepted: the slug, the ministry's English name (:data:`NTS_DOMAINS`), the Dutch name
    (:data:`NTS_DOMAIN_NAMES_NL`) and the short names (:data:`NTS_DOMAIN_SHORT_NAMES`), in any
    case, with or without accents and punctuation. Cached: a pipeline names the same few
    domains thousands of times.
    """
    return _nts_names().get(fold_name(name))


def suggest_nts_domains(name: str, *, n: int = 3) -> list[str]:
    """Return the English names of the domains whose accepted names are closest to ``name``.

    Parameters
    ----------
    name
        A name that :func:`nts_domain_slug` does not know.
    n
        At most this many suggestions.

    Returns
    -------
    list of str
        Domain names (:data:`NTS_DOMAINS` values), best first; empty when none is close.
    """
    names = _nts_names()
    close = difflib.get_close_matches(fold_name(name), list(names), n=4 * n, cutoff=0.75)
    slugs = list(dict.fromkeys(names[c] for c in close))[:n]
    return [NTS_DOMAINS[s] for s in slugs]


def _fold(text: str) -> str:
    """Lower-case, strip accents and spaces/hyphens, for tolerant name matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.lower() if c.isalnum())
