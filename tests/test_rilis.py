"""Release sensor and release-window schedule: one run per new or revised release, none for an
unchanged one; a budget change refreshes the latest semester. Run-status sensors: the refresh
follows a successful ingestion run only."""

import json
import shutil

import dagster as dg
import pytest
from berkas import new_semester, revise_penduduk, settle, settle_all

from pipelines.cli import main
from pipelines.config import INSTANCE_CONFIG, PROJECT_ROOT
from pipelines.definitions import current_resources, defs
from pipelines.defs.otomasi.schedules import masa_rilis
from pipelines.defs.otomasi.sensors import masukan_gagal, rilis_baru, segarkan_setelah_masukan


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture
def raw(pipeline):
    settle_all(pipeline.paths.raw_dir)
    return pipeline.paths.raw_dir


def tick(pipeline, instance, cursor=None) -> dg.SensorResult:
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources=current_resources(pipeline.warehouse)
    ) as context:
        result = rilis_baru(context)
    for request in result.dynamic_partitions_requests:  # as the daemon does
        instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
    return result


def partitions_added(result: dg.SensorResult) -> list[str]:
    return [k for r in result.dynamic_partitions_requests for k in r.partition_keys]


def test_new_release_yields_one_run_and_unchanged_none(pipeline, instance, raw):
    first = tick(pipeline, instance)
    assert [r.partition_key for r in first.run_requests] == ["2023-S2"]
    assert partitions_added(first) == ["2023-S2"]
    assert first.run_requests[0].job_name in (None, "lakip")

    assert tick(pipeline, instance, first.cursor).run_requests == []
    # Copying the same file again (new mtime, same bytes) is not a new release.
    settle(raw / "dkb/2023-S2/agregat_kecamatan.csv")
    assert tick(pipeline, instance, first.cursor).run_requests == []

    new_semester(raw, "2024-S1")
    second = tick(pipeline, instance, first.cursor)
    assert [r.partition_key for r in second.run_requests] == ["2024-S1"]
    assert partitions_added(second) == ["2024-S1"]
    assert tick(pipeline, instance, second.cursor).run_requests == []


def test_revised_file_yields_one_run_with_a_new_run_key(pipeline, instance, raw):
    first = tick(pipeline, instance)
    revise_penduduk(raw, 10)
    revised = tick(pipeline, instance, first.cursor)
    assert [r.partition_key for r in revised.run_requests] == ["2023-S2"]
    assert revised.run_requests[0].run_key != first.run_requests[0].run_key
    assert partitions_added(revised) == []  # the partition exists already


def test_a_file_put_back_to_an_earlier_version_is_run_again(pipeline, instance, raw):
    """A (run), then a wrong file B (run), then A again: the warehouse holds B until A is run
    again, so A must be run, with a run key of its own (Dagster skips a key used before)."""
    path = raw / "dkb/2023-S2/agregat_kecamatan.csv"
    original = path.read_bytes()
    first = tick(pipeline, instance)
    revise_penduduk(raw, 10)
    wrong = tick(pipeline, instance, first.cursor)
    path.write_bytes(original)
    settle(path)
    back = tick(pipeline, instance, wrong.cursor)
    assert [r.partition_key for r in back.run_requests] == ["2023-S2"]
    keys = [t.run_requests[0].run_key for t in (first, wrong, back)]
    assert len(set(keys)) == 3
    assert back.run_requests[0].tags == first.run_requests[0].tags  # the same files as A
    assert tick(pipeline, instance, back.cursor).run_requests == []


def test_a_cursor_of_the_earlier_form_runs_nothing_already_run(pipeline, instance, raw):
    first = tick(pipeline, instance)
    labels = sorted(first.run_requests[0].tags.values())
    earlier = json.dumps({"dikenal": labels, "berkas": json.loads(first.cursor)["berkas"]})
    assert tick(pipeline, instance, earlier).run_requests == []
    revise_penduduk(raw, 10)
    assert [r.partition_key for r in tick(pipeline, instance, earlier).run_requests] == ["2023-S2"]


def test_budget_change_refreshes_the_latest_semester_only(pipeline, instance, raw):
    new_semester(raw, "2024-S1")
    first = tick(pipeline, instance)
    assert [r.partition_key for r in first.run_requests] == ["2023-S2", "2024-S1"]
    budget = raw / "anggaran/2023/anggaran_pk.csv"
    budget.write_text(budget.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    settle(budget)
    after = tick(pipeline, instance, first.cursor)
    assert [r.partition_key for r in after.run_requests] == ["2024-S1"]


def test_file_still_being_copied_waits_for_the_next_tick(pipeline, instance, raw):
    first = tick(pipeline, instance)
    target = raw / "dkb/2024-S1/agregat_kecamatan.csv"
    target.parent.mkdir()
    target.write_text("NO;KECAMATAN;JUMLAH PEN", encoding="utf-8")  # mtime: now
    waiting = tick(pipeline, instance, first.cursor)
    assert waiting.run_requests == []
    assert "2024-S1" not in json.loads(waiting.cursor)["terakhir"]
    # The copy completes: the whole file, untouched for a while.
    target.write_bytes((raw / "dkb/2023-S2/agregat_kecamatan.csv").read_bytes())
    settle(target)
    assert [r.partition_key for r in tick(pipeline, instance, waiting.cursor).run_requests] == [
        "2024-S1"
    ]


@pytest.mark.lambat
def test_schedule_runs_a_release_once(pipeline, instance, raw):
    def evaluate():
        with dg.build_schedule_context(
            instance=instance, resources=current_resources(pipeline.warehouse)
        ) as context:
            return masa_rilis(context)

    requests = evaluate()
    assert [r.partition_key for r in requests] == ["2023-S2"]
    assert instance.has_dynamic_partition("semester", "2023-S2")
    first_tags = requests[0].tags
    # Run what the schedule asked for, as the daemon would, then re-check: nothing left to do.
    result = defs.resolve_job_def("lakip").execute_in_process(
        instance=instance,
        partition_key=requests[0].partition_key,
        tags=requests[0].tags,
        resources={"warehouse": pipeline.warehouse},
    )
    assert result.success
    assert isinstance(evaluate(), dg.SkipReason)
    # A revision (B) is run; the file put back to A afterwards is run again.
    path = raw / "dkb/2023-S2/agregat_kecamatan.csv"
    original = path.read_bytes()
    revise_penduduk(raw, 10)
    for expected_tags_of_first in (False, True):
        requests = evaluate()
        assert [r.partition_key for r in requests] == ["2023-S2"]
        assert (requests[0].tags == first_tags) is expected_tags_of_first
        assert (
            defs.resolve_job_def("lakip")
            .execute_in_process(
                instance=instance,
                partition_key="2023-S2",
                tags=requests[0].tags,
                resources={"warehouse": pipeline.warehouse},
            )
            .success
        )
        path.write_bytes(original)
        settle(path)
    assert isinstance(evaluate(), dg.SkipReason)


def test_release_is_not_lost_while_a_budget_file_is_being_copied(pipeline, instance, raw):
    first = tick(pipeline, instance)
    new_semester(raw, "2023-S1")  # a late, older release: the budget change alone won't run it
    budget = raw / "anggaran/2023/anggaran_pk.csv"
    budget.write_text(budget.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # mtime: now
    waiting = tick(pipeline, instance, first.cursor)
    assert waiting.run_requests == []  # never run on a half-copied shared input
    settle(budget)
    after = tick(pipeline, instance, waiting.cursor)
    assert [r.partition_key for r in after.run_requests] == ["2023-S1", "2023-S2"]


def test_published_figures_change_refreshes_the_latest_semester_only(pipeline, instance, raw):
    new_semester(raw, "2024-S1")
    first = tick(pipeline, instance)
    figures = raw / "terbitan/lakip_2023.csv"
    figures.write_text(figures.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    settle(figures)
    after = tick(pipeline, instance, first.cursor)
    assert [r.partition_key for r in after.run_requests] == ["2024-S1"]
    assert (
        after.run_requests[0].tags["dukcapil/rilis_bersama"]
        != (first.run_requests[0].tags["dukcapil/rilis_bersama"])
    )
    assert tick(pipeline, instance, after.cursor).run_requests == []


@pytest.mark.lambat
def test_a_release_run_by_hand_is_not_run_again_by_the_sensor(pipeline, raw, tmp_path, monkeypatch):
    """`make ingest` of a revised file, then the sensor (already running, or started by `make
    ui` afterwards): nothing to run; the file put back afterwards is run, as the warehouse holds
    the revision."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(raw))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(pipeline.paths.warehouse_dir))
    path = raw / "dkb/2023-S2/agregat_kecamatan.csv"
    original = path.read_bytes()
    with dg.DagsterInstance.get() as instance:
        before = tick(pipeline, instance)  # the sensor asks for the bundled release (A)
        revise_penduduk(raw, 10)  # the officer revises it (B) and runs it by hand
        assert main(["ingest", "--semester", "2023-S2"]) == 0
        # The ingestion run carries the release tags (its refresh a copy, counted once).
        (run,) = instance.get_runs(dg.RunsFilter(job_name="lakip"))
        assert len(instance.get_runs()) == 2
        assert run.tags["dukcapil/rilis_dkb"] != before.run_requests[0].tags["dukcapil/rilis_dkb"]

        assert tick(pipeline, instance, before.cursor).run_requests == []
        started_after = tick(pipeline, instance)  # no cursor: the sensor switched on only now
        assert started_after.run_requests == []
        after = tick(pipeline, instance, before.cursor)
        path.write_bytes(original)
        settle(path)
        back = tick(pipeline, instance, after.cursor)
        assert [r.partition_key for r in back.run_requests] == ["2023-S2"]
        assert back.run_requests[0].tags == before.run_requests[0].tags
        assert [r.partition_key for r in tick(pipeline, instance, after.cursor).run_requests] == [
            "2023-S2"
        ]


def run_requested(pipeline, instance, request: dg.RunRequest, job: str, **kwargs):
    """Execute a run request as the daemon would: its job, partition and tags."""
    return defs.resolve_job_def(job).execute_in_process(
        instance=instance,
        partition_key=request.partition_key,
        tags=request.tags,
        resources={"warehouse": pipeline.warehouse},
        **kwargs,
    )


def status_context(instance, result: dg.ExecuteInProcessResult, sensor: str):
    event = result.get_run_success_event() if result.success else result.get_run_failure_event()
    return dg.build_run_status_sensor_context(
        sensor_name=sensor,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        partition_key=result.dagster_run.tags["dagster/partition"],
    )


def test_release_sensor_then_ingestion_then_refresh_and_a_refusal_stops_the_chain(
    pipeline, instance, raw
):
    """rilis_baru asks for `lakip` (ingestion); its success makes segarkan_setelah_masukan ask
    for `lakip_segarkan`, same semester and release tags, once per ingestion run; a refused
    file's failed run asks for nothing and says why on its own page."""
    first = tick(pipeline, instance)
    (request,) = first.run_requests
    assert request.job_name in (None, "lakip")
    ingestion = run_requested(pipeline, instance, request, "lakip")
    assert ingestion.success
    assert not ingestion.get_asset_check_evaluations()  # checks belong to the refresh

    follow = segarkan_setelah_masukan(
        status_context(instance, ingestion, "segarkan_setelah_masukan")
    )
    assert follow.partition_key == "2023-S2" and follow.run_key == ingestion.run_id
    assert follow.tags == {**request.tags, "dukcapil/run_masukan": ingestion.run_id}
    assert segarkan_setelah_masukan.job_name == "lakip_segarkan"  # what the daemon launches
    refresh = run_requested(pipeline, instance, follow, "lakip_segarkan")
    assert refresh.success
    checks = refresh.get_asset_check_evaluations()
    # every check of the graph (SQL checks and one GX suite per contracted table)
    assert len(checks) == len(defs.resolve_asset_graph().asset_check_keys) >= 20
    assert all(c.passed for c in checks)
    assert pipeline.paths.published_db.exists()
    assert tick(pipeline, instance, first.cursor).run_requests == []  # run once, not twice

    published = pipeline.paths.published_db.read_bytes()
    path = raw / "dkb/2023-S2/agregat_kecamatan.csv"
    shutil.copy(PROJECT_ROOT / "tests/data/bad/dkb_teks_di_angka.csv", path)
    settle(path)
    (revised,) = tick(pipeline, instance, first.cursor).run_requests
    refused = run_requested(pipeline, instance, revised, "lakip", raise_on_error=False)
    assert not refused.success
    skip = masukan_gagal(status_context(instance, refused, "masukan_gagal"))
    assert isinstance(skip, dg.SkipReason)
    assert "lakip_segarkan" in skip.skip_message and "tidak dijalankan" in skip.skip_message
    assert instance.all_logs(refused.run_id)[-1].message == skip.skip_message
    assert len(instance.get_runs(dg.RunsFilter(job_name="lakip_segarkan"))) == 1
    assert pipeline.paths.published_db.read_bytes() == published
