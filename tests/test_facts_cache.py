"""Site facts stored with the site table on disk (:mod:`siting.jobs.facts_cache`).

A stored entry must give exactly the facts a fresh extraction gives, and an edited criteria
source, other layers or layers built in memory must never be answered from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import siting
from siting import settings
from siting.criteria.site_facts import build_site_facts
from siting.jobs import facts_cache
from siting.layers import cache
from siting.layers.load import _load_geodata_cached, load_geodata
from siting.layers.site_table import site_table


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of this test, and no in-memory hit for layers or facts."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(settings, "cache_dir", folder)
    monkeypatch.setattr(facts_cache, "_MEMORY", {})
    _load_geodata_cached.cache_clear()
    yield folder
    _load_geodata_cached.cache_clear()


def _fresh() -> siting.GeoData:
    """Load as a new process would: nothing in memory, the disk cache in use."""
    _load_geodata_cached.cache_clear()
    facts_cache._MEMORY.clear()
    return load_geodata()


def _assert_same(a: object, b: object, path: str = "facts") -> None:
    """Assert two fact objects (dataclasses of arrays, dicts, tuples) are equal, NaN = NaN."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            _assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            _assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype, path
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, (tuple, list)):
        assert isinstance(b, type(a)) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), path
    else:
        assert a == b, path


def test_stored_facts_equal_a_fresh_extraction(own_cache: Path) -> None:
    first = _fresh()
    built = facts_cache.cached_site_facts(site_table(data=first), first)
    assert len(list(own_cache.glob("site-facts-*.pickle"))) == 1
    second = _fresh()
    table = site_table(data=second)
    loaded = facts_cache.cached_site_facts(table, second)
    assert loaded is not built
    _assert_same(loaded, build_site_facts(table, second.campuses))
    assert facts_cache.cached_site_facts(table, second) is loaded  # in memory from now on


def test_an_edited_criteria_source_gets_new_facts(
    own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _fresh()
    facts_cache.cached_site_facts(site_table(data=data), data)
    monkeypatch.setattr(cache, "_MORE_FINGERPRINTS", {("criteria",): "edited"})
    data = _fresh()
    facts_cache.cached_site_facts(site_table(data=data), data)
    assert len(list(own_cache.glob("site-facts-*.pickle"))) == 2


def test_a_corrupt_entry_is_rebuilt(own_cache: Path) -> None:
    data = _fresh()
    facts_cache.cached_site_facts(site_table(data=data), data)
    (entry,) = own_cache.glob("site-facts-*.pickle")
    entry.write_bytes(entry.read_bytes()[:-40])
    data = _fresh()
    table = site_table(data=data)
    _assert_same(facts_cache.cached_site_facts(table, data), build_site_facts(table, data.campuses))


def test_layers_in_memory_are_not_cached(own_cache: Path) -> None:
    data = dataclasses.replace(_fresh())  # a GeoData of its own: no on-disk key
    table = site_table(data=data)
    facts = facts_cache.cached_site_facts(table, data)
    assert not list(own_cache.glob("site-facts-*.pickle"))
    _assert_same(facts, build_site_facts(table, data.campuses))
    other = _fresh()
    assert cache.remembered_key(table, other) is None  # a table is tied to its own layers
