"""The on-disk cache of validated layers and site tables (:mod:`siting.layers.cache`).

What it stores must be what a fresh read gives; an edited layer, a corrupt entry or another data
folder must never be answered from a stale entry.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import siting
from siting import settings
from siting._crs import to_display
from siting.layers import cache, deferred
from siting.layers.load import _load_geodata_cached, disk_key, load_geodata
from siting.layers.municipality_index import build_municipality_index, municipality_index
from siting.layers.site_cells import NA, RANKING_COLUMNS, cell_values, is_missing, site_columns
from siting.layers.site_table import build_site_table, site_cells, site_frame, site_table

from .test_layers import edit_csv


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test, and no in-memory hit for the layers."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(settings, "cache_dir", folder)
    _load_geodata_cached.cache_clear()
    yield folder
    _load_geodata_cached.cache_clear()


def _fresh(geodata: Path | None = None) -> siting.GeoData:
    """Load as a new process would: nothing in memory, the disk cache in use."""
    _load_geodata_cached.cache_clear()
    return load_geodata(geodata)


def _entries(folder: Path, kind: str) -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.pickle"))


def test_a_cached_load_equals_a_fresh_read(own_cache: Path) -> None:
    first = _fresh()
    first_table = site_table(data=first)
    assert len(_entries(own_cache, "layers")) == 1
    assert len(_entries(own_cache, "site-table")) == 1
    second = _fresh()
    assert second is not first and disk_key(second) == disk_key(first)
    for name in ("municipalities", "sites", "campuses", "stem_talent", "grid_areas"):
        pd.testing.assert_frame_equal(getattr(second, name), getattr(first, name))
    assert second.files == first.files and second.catalog == first.catalog
    pd.testing.assert_frame_equal(site_table(data=second), first_table)
    pd.testing.assert_frame_equal(site_table(data=second), build_site_table(second))


def test_an_edited_layer_is_read_again(own_cache: Path, geodata_copy: Path) -> None:
    before = _fresh(geodata_copy)
    site_id = before.sites["site_id"].iloc[0]
    assert before.sites["available_ha"].iloc[0] != 1.25
    edit_csv(geodata_copy / "sites.csv", 2, available_ha="1.25")
    after = _fresh(geodata_copy)
    assert after.sites["site_id"].iloc[0] == site_id
    assert after.sites["available_ha"].iloc[0] == 1.25
    assert disk_key(after) != disk_key(before)
    assert site_table(data=after)["available_ha"].iloc[0] == 1.25


def test_a_data_folder_has_its_own_entry(own_cache: Path, geodata_copy: Path) -> None:
    embedded = _fresh()
    copy = _fresh(geodata_copy)  # the same bytes in another folder
    assert disk_key(copy) != disk_key(embedded)
    assert all(Path(p).parent == geodata_copy for p in copy.files.values())


def test_a_corrupt_or_truncated_entry_is_rebuilt_silently(own_cache: Path) -> None:
    first = _fresh()
    (entry,) = _entries(own_cache, "layers")
    blob = entry.read_bytes()
    entry.write_bytes(blob[: len(blob) // 2])
    second = _fresh()
    pd.testing.assert_frame_equal(second.sites, first.sites)
    entry.write_bytes(blob[:-10] + b"0123456789")  # same length, payload changed
    third = _fresh()
    pd.testing.assert_frame_equal(third.sites, first.sites)
    assert entry.read_bytes() == blob  # rewritten whole


def test_a_layer_with_errors_is_not_cached(own_cache: Path, geodata_copy: Path) -> None:
    edit_csv(geodata_copy / "sites.csv", 3, available_ha="lots")
    for _ in range(2):  # the second time too: from the file, not from a cache
        with pytest.raises(siting.SitingInputError, match="available_ha"):
            _fresh(geodata_copy)
    assert _entries(own_cache, "layers") == []


def test_the_cache_can_be_switched_off(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "disk_cache", False)
    _fresh()
    assert cache.cache_folder() is None
    assert not own_cache.exists()


def test_a_folder_others_may_write_is_not_used(own_cache: Path) -> None:
    own_cache.mkdir(mode=0o777)
    own_cache.chmod(0o777)
    assert cache.cache_folder() is None
    _fresh()
    assert _entries(own_cache, "layers") == []


def test_cached_layers_are_unpickled_only_when_a_frame_is_read(own_cache: Path) -> None:
    first = _fresh()
    first_table = site_table(data=first)
    second = _fresh()
    assert not deferred.frames_loaded(second)
    assert deferred.site_count(second) == len(first.sites)
    assert second.files == first.files and second.catalog == first.catalog
    # a ranking reads the table without geometry: the layers stay on their blob
    frame = site_frame(data=second)
    assert not deferred.frames_loaded(second)
    assert "geometry" not in frame.columns
    pd.testing.assert_frame_equal(frame, pd.DataFrame(first_table.drop(columns="geometry")))
    # the table with its geometry, and then every frame, as a fresh read gives them
    pd.testing.assert_frame_equal(site_table(data=second), build_site_table(first))
    assert not deferred.frames_loaded(second)
    pd.testing.assert_frame_equal(second.sites, first.sites)
    assert deferred.frames_loaded(second)
    for name in deferred.FRAME_FIELDS:
        pd.testing.assert_frame_equal(getattr(second, name), getattr(first, name))


def test_deferred_layers_behave_as_layers(own_cache: Path) -> None:
    first = _fresh()
    second = _fresh()
    assert isinstance(second, siting.GeoData)
    copy = pickle.loads(pickle.dumps(second))
    assert deferred.frames_loaded(copy)  # a pickle carries the frames
    pd.testing.assert_frame_equal(copy.campuses, first.campuses)
    assert municipality_index(copy).codes == municipality_index(second).codes
    changed = dataclasses.replace(second, travel_times="matrix")
    assert changed.travel_times == "matrix" and second.travel_times is None
    pd.testing.assert_frame_equal(changed.sites, first.sites)
    with pytest.raises(AttributeError):
        _ = second.no_such_layer


def test_an_edited_layer_gives_a_new_site_frame(own_cache: Path, geodata_copy: Path) -> None:
    before = site_frame(data=_fresh(geodata_copy))
    assert before["available_ha"].iloc[0] != 1.25
    edit_csv(geodata_copy / "sites.csv", 2, available_ha="1.25")
    after = _fresh(geodata_copy)
    assert site_frame(data=after)["available_ha"].iloc[0] == 1.25
    assert site_cells(data=after)["available_ha"][0] == 1.25
    assert site_table(data=after)["available_ha"].iloc[0] == 1.25


def test_cached_layers_resolve_a_location_as_their_frames_do(own_cache: Path) -> None:
    _fresh()
    stored = _fresh()
    index = municipality_index(stored)
    assert not deferred.frames_loaded(stored)
    built = build_municipality_index(stored.municipalities, stored.municipal_mergers)
    assert index.codes == built.codes and index.names == built.names
    assert index.mergers == built.mergers and index.former_names == built.former_names
    np.testing.assert_array_equal(index.x, built.x)
    np.testing.assert_array_equal(index.y, built.y)
    # the stored lon/lat are each point's own transform, as a ranking reports its origin
    for i in range(len(index.codes)):
        lon, lat = to_display(np.array([index.x[i]]), np.array([index.y[i]]))
        assert index.lonlat_of((index.x[i], index.y[i])) == (float(lon[0]), float(lat[0]))
    assert index.lonlat_of((1.0, 2.0)) is None
    assert built.lonlat_of((built.x[0], built.y[0])) is None  # not transformed: the caller does


def test_the_cells_a_ranking_reads_are_the_tables(own_cache: Path) -> None:
    first = _fresh()
    table = site_frame(data=first)
    second = _fresh()
    cells = site_cells(data=second)
    assert cells is not site_cells(data=first)
    assert len(cells) == len(table)
    assert cells["site_id"] == tuple(table["site_id"])
    got_columns, want_columns = site_columns(cells), site_columns(table)
    for field in ("name", "municipality", "province", "lon", "lat", "location_kind"):
        assert getattr(got_columns, field) == getattr(want_columns, field), field
    np.testing.assert_array_equal(got_columns.name_array, want_columns.name_array)
    expected = cell_values(table, RANKING_COLUMNS)
    for column in RANKING_COLUMNS:
        for i, (got, want) in enumerate(zip(cells[column], expected[column], strict=True)):
            if want is pd.NA:
                assert got is NA, (column, i)
            elif is_missing(want):
                assert is_missing(got) and type(got) is type(want), (column, i)
            else:
                assert got == want and type(got) is type(want), (column, i)
    assert not deferred.frames_loaded(second)


def test_a_missing_cell_behaves_as_pandas_na_in_the_explanations() -> None:
    assert str(NA) == str(pd.NA) and f"{NA}" == f"{pd.NA}" and f"({NA})" == f"({pd.NA})"
    assert (NA == "reported") is NA and (NA != "reported") is NA
    with pytest.raises(TypeError):
        bool(NA)
    with pytest.raises(TypeError):
        bool(pd.NA)
    assert pickle.loads(pickle.dumps(NA)) is NA
    assert is_missing(NA)
    for value in (None, pd.NA, pd.NaT, float("nan"), np.float64("nan")):  # as pandas has it
        assert is_missing(value) and pd.isna(value)
    for value in ("", "x", 0, 1.5, np.int64(3), (), False):
        assert not is_missing(value) and not pd.isna(value)


@pytest.mark.parametrize("case", ["example_photonics.toml", "case6_two_site_photonics.toml"])
def test_a_ranking_on_cached_layers_equals_one_on_layers_in_memory(
    own_cache: Path, case: str
) -> None:
    # layers from the disk cache rank on their stored cells, facts and municipality index;
    # the same layers as a GeoData of its own (no disk key) on a table built from the frames
    profile = settings.models_dir / "cases" / case
    siting.rank_sites(profile, data=_fresh(), solver="enumeration", top=5)  # fills the cache
    stored = _fresh()
    cached = siting.rank_sites(profile, data=stored, solver="enumeration", top=5)
    assert not deferred.frames_loaded(stored)
    in_memory = dataclasses.replace(stored)
    assert disk_key(in_memory) is None
    built = siting.rank_sites(profile, data=in_memory, solver="enumeration", top=5)
    timing = {"solve_time_s"}  # measured, not a result
    assert {k: v for k, v in cached.to_dict().items() if k not in timing} == {
        k: v for k, v in built.to_dict().items() if k not in timing
    }


def test_layers_whose_frames_entry_is_gone_read_their_files(own_cache: Path) -> None:
    first = _fresh()
    (frames,) = _entries(own_cache, "layer-frames")
    frames.unlink()
    second = _fresh()
    assert not deferred.frames_loaded(second)
    pd.testing.assert_frame_equal(second.sites, first.sites)
    assert len(_entries(own_cache, "layer-frames")) == 1  # stored again
    frames.write_bytes(frames.read_bytes()[:-20])  # damaged: read the files again
    third = _fresh()
    pd.testing.assert_frame_equal(third.campuses, first.campuses)


def test_frames_of_files_edited_since_are_never_served(own_cache: Path, geodata_copy: Path) -> None:
    _fresh(geodata_copy)
    (frames,) = _entries(own_cache, "layer-frames")
    frames.unlink()
    deferred_data = _fresh(geodata_copy)  # its key is of the files as they were
    edit_csv(geodata_copy / "sites.csv", 2, available_ha="1.25")
    with pytest.raises(siting.SitingInputError, match="changed"):
        _ = deferred_data.sites
    assert _fresh(geodata_copy).sites["available_ha"].iloc[0] == 1.25


def test_site_cells_name_a_column_they_do_not_hold(own_cache: Path) -> None:
    with pytest.raises(KeyError, match="RANKING_COLUMNS"):
        site_cells(data=_fresh())["designation"]
