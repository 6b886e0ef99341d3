"""A subject access bundle for a person on 50 cases with 500 documents (target: under two
minutes), among other people's cases so the search's cost can be seen to follow the
person's records.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h15s_bench \\
        uv run python bench/sar_bundle.py [--cases 50] [--documents 500] [--others 2000]

Makes the database (dropped and made again each run), the person's cases (each naming a
third party and a phone number in its details and a note), `--documents` PDFs spread over
them (each naming the person and the third party), and `--others` unrelated cases. Then
times, once each: the person search, starting the bundle (text extraction and proposals),
deciding every proposal, and building it (records PDF, every original PDF redacted and read
back, the zip stored). Prints each figure, the bundle's size and pages, and checks with
pdftotext that the redacted name is gone from every PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _pdf(lines: list[str]) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(lines):
        page.insert_text((72, 90 + 16 * i), line, fontsize=10)
    return bytes(doc.tobytes(deflate=True))


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    seconds = time.perf_counter() - start
    # CPU time beside wall time: on a shared machine the wall time includes waiting for a core.
    print(f"{label:<46} {seconds:8.2f} s  (CPU {time.process_time() - cpu:.2f} s)", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--others", type=int, default=2000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://…/h15s_bench (the database is made again).")
    _database(url)
    media = tempfile.mkdtemp(prefix="h15s-bench-media-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # config.settings.test names the test database; point at the bench one.
    connection.settings_dict["NAME"] = urlparse(url).path.lstrip("/")
    settings.MEDIA_ROOT = media
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    call_command("migrate", verbosity=0)

    from django.core.files.uploadedfile import SimpleUploadedFile

    from harken.accounts.models import Role, Team
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.cases import services as case_services
    from harken.cases.models import Kind, PartyRole, Theme
    from harken.documents import services as document_services
    from harken.procedures.services import install_shipped_procedures
    from harken.registers import services as register_services
    from harken.subjectaccess import selectors, services

    reference_data.install()
    install_shipped_procedures()
    officer = make_user("bench_officer", Role.FEEDBACK_OFFICER)
    team = Team.objects.get(name="Assessment Teams")
    theme = Theme.objects.get(name="Communication")
    start = time.perf_counter()
    person = case_services.person_create(
        actor=officer, first_name="Casey", last_name="Marlowe", email="casey@example.com"
    )
    received = dt.date(2024, 1, 8)

    def new_case(i: int, details: str, people: list) -> object:  # type: ignore[type-arg]
        return case_services.case_create(
            actor=officer,
            kind=Kind.COMPLAINT,
            channel="phone",
            received_on=received + dt.timedelta(days=i % 300),
            summary=f"Complaint {i}",
            details=details,
            teams=[team],
            themes=[theme],
            people=people,
        )

    cases = []
    for i in range(args.cases):
        case = new_case(
            i,
            f"Casey Marlowe says Jordan Pike (07700 900{i:03d}) did not return calls. " * 5,
            [case_services.PersonInput(role=PartyRole.COMPLAINANT, person=person)],
        )
        case_services.note_add(
            case=case, text=f"Rang Jordan Pike on 07700 900{i:03d} about case {i}.", actor=officer
        )
        cases.append(case)
    for n in range(args.documents):
        case = cases[n % len(cases)]
        lines = [f"Document {n} about Casey Marlowe"] + [
            f"Line {k}: Jordan Pike attended; Casey Marlowe was told." for k in range(30)
        ]
        document_services.document_upload(
            case=case,
            file=SimpleUploadedFile(f"doc{n}.pdf", _pdf(lines), content_type="application/pdf"),
            actor=officer,
        )
    for i in range(args.others):
        new_case(
            i,
            "Someone else entirely. " * 10,
            [
                case_services.PersonInput(
                    role=PartyRole.COMPLAINANT,
                    details={"first_name": f"Other{i}", "last_name": "Person"},
                )
            ],
        )
    sar = register_services.sar_create(
        actor=officer,
        received_on=dt.date(2024, 12, 2),
        requester=person,
        identity_verified_on=dt.date(2024, 12, 2),
    )
    print(
        f"set up {args.cases} cases, {args.documents} documents, {args.others} other cases "
        f"in {time.perf_counter() - start:.1f} s"
    )

    data, _ = _timed("person search", lambda: selectors.person_data(user=officer, person=person))
    print(f"  found {len(data.findings)} places on {len(data.case_ids)} cases")
    bundle, t_start = _timed(
        "start bundle (extract text, propose)",
        lambda: services.bundle_start(sar=sar, actor=officer),
    )
    print(f"  {bundle.redactions.count()} proposals")

    def decide() -> None:
        services.redaction_add(bundle=bundle, actor=officer, text="Jordan Pike", reason="TP")
        for row in bundle.redactions.filter(decision="proposed"):
            services.redaction_decide(
                redaction_row=row, actor=officer, decision="accepted", reason="CD"
            )

    _, t_decide = _timed("decide every proposal", decide)
    built, t_build = _timed(
        "build (records PDF, redact originals, store)",
        lambda: services.bundle_build(bundle=bundle, actor=officer),
    )
    total = t_start + t_decide + t_build
    print(f"{'bundle total (start + decide + build)':<46} {total:8.2f} s  (target 120 s)")
    print(f"  bundle: {built.size / 1e6:.1f} MB zip, {built.pages} pages")

    data_zip = b"".join(services.bundle_file(bundle=built, actor=officer))
    leaks = 0
    with zipfile.ZipFile(io.BytesIO(data_zip)) as archive, tempfile.TemporaryDirectory() as tmp:
        names = [n for n in archive.namelist() if n.endswith(".pdf")]
        for name in names:
            path = Path(tmp) / "f.pdf"
            path.write_bytes(archive.read(name))
            text = subprocess.run(  # noqa: S603
                ["/usr/bin/pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
            leaks += "Jordan Pike" in text
    print(f"  pdftotext: 'Jordan Pike' found in {leaks} of {len(names)} PDFs")


if __name__ == "__main__":
    main()
