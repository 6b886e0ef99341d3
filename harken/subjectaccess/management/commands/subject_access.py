"""`harken subject-access ...`: the subject access work from the command line, through the
same services (and refusals) as the pages and the API. Every subcommand but
`index-documents` acts as `--actor USERNAME`, a feedback officer or administrator, and is
audited as them.

  person PERSON_ID                    everything held on a person (ids, never names, printed)
  pause SAR_REF --reason identity|clarification --on YYYY-MM-DD [--note TEXT]
  restart SAR_REF --on YYYY-MM-DD     the requester's reply arrived
  bundle-start SAR_REF                gather the records, propose redactions
  redactions BUNDLE_ID                list the proposals
  decide BUNDLE_ID REDACTION_ID accepted|rejected [--reason CODE]
  bundle-build BUNDLE_ID
  release BUNDLE_ID --on YYYY-MM-DD --method TEXT
  index-documents [--limit N]         extract the text of documents not yet indexed
  rights-new PERSON_ID rectification|restriction|erasure --on DATE --description TEXT
  rights-done RIGHTS_ID --on DATE --outcome TEXT [--correct FIELD=VALUE ...]
  rights-refuse RIGHTS_ID --on DATE --reason CODE --outcome TEXT
  rights-lift RIGHTS_ID --on DATE --reason TEXT   (a restriction carried out)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken import access
from harken.accounts.models import User
from harken.core.audit import record_reads
from harken.core.errors import ApplicationError
from harken.registers import services as register_services
from harken.registers.models import SubjectAccessRequest
from harken.subjectaccess import rights, selectors, services
from harken.subjectaccess.models import RightsRequest


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date: use YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = "Subject access: person search, the SAR clock's pauses, bundles and redactions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actor", metavar="USERNAME", help="the officer acting")
        sub = parser.add_subparsers(dest="action", required=True)
        person = sub.add_parser("person")
        person.add_argument("person_id", type=int)
        pause = sub.add_parser("pause")
        pause.add_argument("sar")
        pause.add_argument("--reason", required=True)
        pause.add_argument("--on", required=True)
        pause.add_argument("--note", default="")
        restart = sub.add_parser("restart")
        restart.add_argument("sar")
        restart.add_argument("--on", required=True)
        start = sub.add_parser("bundle-start")
        start.add_argument("sar")
        listing = sub.add_parser("redactions")
        listing.add_argument("bundle", type=int)
        decide = sub.add_parser("decide")
        decide.add_argument("bundle", type=int)
        decide.add_argument("redaction", type=int)
        decide.add_argument("decision", choices=["accepted", "rejected"])
        decide.add_argument("--reason", default="")
        build = sub.add_parser("bundle-build")
        build.add_argument("bundle", type=int)
        release = sub.add_parser("release")
        release.add_argument("bundle", type=int)
        release.add_argument("--on", required=True)
        release.add_argument("--method", required=True)
        rnew = sub.add_parser("rights-new")
        rnew.add_argument("person_id", type=int)
        rnew.add_argument("kind")
        rnew.add_argument("--on", required=True)
        rnew.add_argument("--description", required=True)
        rdone = sub.add_parser("rights-done")
        rdone.add_argument("rights_id", type=int)
        rdone.add_argument("--on", required=True)
        rdone.add_argument("--outcome", required=True)
        rdone.add_argument("--correct", action="append", default=[], metavar="FIELD=VALUE")
        rno = sub.add_parser("rights-refuse")
        rno.add_argument("rights_id", type=int)
        rno.add_argument("--on", required=True)
        rno.add_argument("--reason", required=True)
        rno.add_argument("--outcome", required=True)
        rlift = sub.add_parser("rights-lift")
        rlift.add_argument("rights_id", type=int)
        rlift.add_argument("--on", required=True)
        rlift.add_argument("--reason", required=True)
        index = sub.add_parser("index-documents")
        index.add_argument("--limit", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "index-documents":
            done = services.document_text_index_missing(limit=options["limit"])
            self.stdout.write(f"Indexed the text of {done} document(s).")
            return
        actor = self._actor(options["actor"])
        try:
            getattr(self, "do_" + action.replace("-", "_"))(actor, options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _actor(self, username: str | None) -> User:
        if not username:
            raise CommandError("Name the officer acting: --actor USERNAME.")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.")
        return user

    def _sar(self, actor: User, reference: str) -> SubjectAccessRequest:
        sar = SubjectAccessRequest.objects.filter(reference__iexact=reference.strip()).first()
        if sar is None:
            raise CommandError(f"There is no subject access request {reference!r}.")
        return selectors.sar_for_bundles(user=actor, pk=sar.pk)

    def do_person(self, actor: User, options: dict[str, Any]) -> None:
        person = access.visible_people(actor).filter(pk=options["person_id"]).first()
        if person is None:
            raise CommandError("There is no person with that id you can see.")
        data = selectors.person_data(user=actor, person=person)
        record_reads(cases=data.case_ids, user=actor, via="command")
        for finding in data.findings:
            where = finding.case.reference if finding.case else finding.label
            self.stdout.write(f"{finding.where}\t{where}")
        self.stdout.write(
            f"{len(data.findings)} place(s) on {len(data.case_ids)} case(s); "
            f"{data.hidden_cases} restricted case(s) not shown; {len(data.reads)} read(s)."
        )

    def do_pause(self, actor: User, options: dict[str, Any]) -> None:
        sar = self._sar(actor, options["sar"])
        register_services.sar_pause(
            sar=sar,
            actor=actor,
            reason=options["reason"],
            started_on=_date(options["on"]),
            note=options["note"],
        )
        sar.refresh_from_db()
        self.stdout.write(sar.due_explanation)

    def do_restart(self, actor: User, options: dict[str, Any]) -> None:
        sar = self._sar(actor, options["sar"])
        sar = register_services.sar_resume(sar=sar, actor=actor, ended_on=_date(options["on"]))
        self.stdout.write(sar.due_explanation)

    def do_bundle_start(self, actor: User, options: dict[str, Any]) -> None:
        bundle = services.bundle_start(sar=self._sar(actor, options["sar"]), actor=actor)
        self.stdout.write(
            f"Bundle {bundle.pk}: {bundle.redactions.count()} redaction(s) to review."
        )

    def do_redactions(self, actor: User, options: dict[str, Any]) -> None:
        bundle = selectors.bundle_get(user=actor, pk=options["bundle"])
        for row in bundle.redactions.all():
            self.stdout.write(
                f"{row.pk}\t{row.kind}\t{row.decision}\t{row.reason}\t{row.occurrences}\t{row.text}"
            )

    def do_decide(self, actor: User, options: dict[str, Any]) -> None:
        bundle = selectors.bundle_get(user=actor, pk=options["bundle"])
        row = bundle.redactions.filter(pk=options["redaction"]).first()
        if row is None:
            raise CommandError("There is no such redaction in this bundle.")
        services.redaction_decide(
            redaction_row=row, actor=actor, decision=options["decision"], reason=options["reason"]
        )
        self.stdout.write(f"Redaction {row.pk}: {row.decision}.")

    def do_bundle_build(self, actor: User, options: dict[str, Any]) -> None:
        bundle = selectors.bundle_get(user=actor, pk=options["bundle"])
        bundle = services.bundle_build(bundle=bundle, actor=actor)
        self.stdout.write(f"Bundle {bundle.pk} built: {bundle.pages} page(s), {bundle.size} bytes.")

    def do_release(self, actor: User, options: dict[str, Any]) -> None:
        bundle = selectors.bundle_get(user=actor, pk=options["bundle"])
        services.bundle_release(
            bundle=bundle, actor=actor, released_on=_date(options["on"]), method=options["method"]
        )
        self.stdout.write(f"Bundle {bundle.pk} released.")

    def _rights(self, actor: User, pk: int) -> RightsRequest:
        found = RightsRequest.objects.select_related("person").filter(pk=pk).first()
        if found is None or not access.visible_people(actor).filter(pk=found.person_id).exists():
            raise CommandError("There is no request with that id you can see.")
        return found

    def do_rights_new(self, actor: User, options: dict[str, Any]) -> None:
        person = access.visible_people(actor).filter(pk=options["person_id"]).first()
        if person is None:
            raise CommandError("There is no person with that id you can see.")
        made = rights.rights_request_create(
            actor=actor,
            person=person,
            kind=options["kind"],
            received_on=_date(options["on"]),
            description=options["description"],
        )
        self.stdout.write(f"Request {made.pk} recorded. {made.due_explanation}")

    def do_rights_done(self, actor: User, options: dict[str, Any]) -> None:
        corrections = {}
        for item in options["correct"]:
            field, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"{item!r}: write a correction as FIELD=VALUE.")
            corrections[field.strip()] = value
        done = rights.rights_request_carry_out(
            actor=actor,
            request=self._rights(actor, options["rights_id"]),
            done_on=_date(options["on"]),
            outcome=options["outcome"],
            corrections=corrections,
        )
        self.stdout.write(f"Request {done.pk} carried out.")

    def do_rights_refuse(self, actor: User, options: dict[str, Any]) -> None:
        done = rights.rights_request_refuse(
            actor=actor,
            request=self._rights(actor, options["rights_id"]),
            decided_on=_date(options["on"]),
            reason=options["reason"],
            outcome=options["outcome"],
        )
        self.stdout.write(f"Request {done.pk} refused.")

    def do_rights_lift(self, actor: User, options: dict[str, Any]) -> None:
        done = rights.rights_request_lift(
            actor=actor,
            request=self._rights(actor, options["rights_id"]),
            lifted_on=_date(options["on"]),
            reason=options["reason"],
        )
        self.stdout.write(f"Restriction {done.pk} lifted.")
