"""Backups with deploy/backup.sh restore completely with deploy/restore.sh."""

import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests import factories
from tests.offers import factories as offer_factories
from tests.operations.servers import ROOT, database_url
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db(transaction=True)


def run(script, url, *args):
    return subprocess.run(  # noqa: S603 - our own scripts
        ["/bin/bash", str(ROOT / "deploy" / script), *args],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def portal_data():
    call_command("load_initial_content", verbosity=0)
    project = factories.project(title="Gesichertes Modellprojekt", slug="gesichert")
    factories.insight(project, measure=factories.measure(project))
    survey, _questions = survey_factories.full_survey("geschlossen")
    survey_factories.response(survey)
    offer_factories.registration()
    return database_url(connection.settings_dict)


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    server = database_url({**connection.settings_dict, "NAME": "postgres"})
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url({**connection.settings_dict, "NAME": name})
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(url):
    with psycopg.connect(url) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        ).fetchall()
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for (table,) in tables
        }


def test_a_backup_restored_into_a_fresh_database_has_every_row(
    portal_data, fresh_database, tmp_path
):
    dump = tmp_path / "portal.dump"
    backup = run("backup.sh", portal_data, str(dump))
    assert backup.returncode == 0, backup.stderr
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert dump.stat().st_mode & 0o077 == 0  # personal data: for the owner's eyes only

    restore = run("restore.sh", fresh_database, str(dump))
    assert restore.returncode == 0, restore.stderr

    original, restored = row_counts(portal_data), row_counts(fresh_database)
    assert restored == original
    assert original["projects_modelproject"] > 0 and original["offers_registration"] == 1
    with psycopg.connect(fresh_database) as db:
        title = db.execute("SELECT title FROM projects_modelproject WHERE slug = 'gesichert'")
        assert title.fetchone() == ("Gesichertes Modellprojekt",)


def test_restore_refuses_a_database_that_is_not_empty(portal_data, tmp_path):
    dump = tmp_path / "portal.dump"
    assert run("backup.sh", portal_data, str(dump)).returncode == 0
    restore = run("restore.sh", portal_data, str(dump))
    assert restore.returncode == 1
    assert "not empty" in restore.stderr


def test_the_end_to_end_check_script_passes(portal_data):
    check = run("check_backup_restore.sh", portal_data)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "identical after backup and restore" in check.stdout
