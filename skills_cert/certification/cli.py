import datetime as dt
import json
from pathlib import Path

import click
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask.cli import AppGroup

from skills_cert.assessment.models import Assessment
from skills_cert.audit import log as audit
from skills_cert.certification import badges, documents, seals, signing
from skills_cert.certification import keys as service
from skills_cert.certification.models import Certificate, SigningKey
from skills_cert.certification.signing.keyfiles import KeyFileError
from skills_cert.errors import InvalidState
from skills_cert.extensions import db
from skills_cert.standards.models import Authority

keys_cli = AppGroup("keys", help="Issuing authorities' signing keys.")


def _key_dir() -> Path:
    return Path(current_app.config["SIGNING_KEY_DIR"])


@keys_cli.command("rotate")
@click.option("--authority", "authorities", multiple=True,
              help="Authority code (repeatable). Default: every authority in the database.")
def rotate(authorities):
    """Start a new key; the old one is retired but stays published for old certificates."""
    codes = authorities or db.session.scalars(sa.select(Authority.code).order_by(Authority.code)).all()
    if not codes:
        click.echo("error: no issuing authority yet; run `flask standards import` first", err=True)
        raise SystemExit(1)
    for code in codes:
        row = service.rotate(db.session, code, _key_dir(), today=dt.date.today())
        click.echo(f"{code}: new key {row.key_id}")
    db.session.commit()


@keys_cli.command("list")
def list_keys():
    """List the published keys with their validity and status."""
    for row in db.session.scalars(sa.select(SigningKey).order_by(SigningKey.authority_code, SigningKey.id)):
        until = row.valid_until.isoformat() if row.valid_until else "-"
        click.echo(f"{row.key_id}\t{row.authority_code}\t{row.status}\t{row.valid_from.isoformat()}\t{until}")


@keys_cli.command("compromise")
@click.argument("key_id")
def compromise(key_id):
    """Mark a key compromised: certificates signed with it are then reported as such."""
    try:
        service.mark_compromised(db.session, key_id, today=dt.date.today())
    except InvalidState as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"key {key_id} marked compromised; issue a new one with `flask keys rotate`")


@keys_cli.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(output: Path):
    """Write the published key set as JSON, for `python -m skills_cert.certification.offline`."""
    data = signing.keyset_to_json(service.published_keys(db.session).values(),
                                  seals.published_roots(_key_dir(), current_app.config["PUBLIC_BASE_URL"]))
    output.write_text(json.dumps(data, indent=2), encoding="utf-8")
    click.echo(f"wrote {len(data['keys'])} key(s) to {output}")


def _authorities(codes) -> list[Authority]:
    query = sa.select(Authority).order_by(Authority.code)
    if codes:
        query = query.where(Authority.code.in_(codes))
    found = db.session.scalars(query).all()
    missing = set(codes) - {a.code for a in found}
    if missing or not found:
        click.echo("error: no such issuing authority: " + (", ".join(sorted(missing)) or "none yet; run "
                   "`flask standards import` first"), err=True)
        raise SystemExit(1)
    return found


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@keys_cli.command("seal-rotate")
@click.option("--authority", "authorities", multiple=True,
              help="Authority code (repeatable). Default: every authority in the database.")
def seal_rotate(authorities):
    """Start a new document-seal key (and the authority's root, the first time); PDFs sealed
    before keep their valid seal."""
    for authority in _authorities(authorities):
        certificate = seals.rotate_seal(_key_dir(), authority.code, authority.country, authority.name, now=_now())
        root = seals.root_certificate(_key_dir(), authority.code)
        audit.record(db.session, actor=None, action="seal.rotate", object_type="seal_certificate",
                     object_id=seals.serial_of(certificate), changes={"authority": authority.code})
        click.echo(f"{authority.code}: new seal {seals.serial_of(certificate)}; "
                   f"root SHA-256 {seals.fingerprint(root)}")
    db.session.commit()


@keys_cli.command("seal-list")
def seal_list():
    """List each authority's seal certificates with their validity and status."""
    for authority in _authorities(()):
        for seal in seals.seal_certificates(_key_dir(), authority.code, now=_now()):
            mark = "\tdevelopment" if seal.development else ""
            click.echo(f"{authority.code}\t{seal.serial}\t{seal.status}\t{seal.not_before.date().isoformat()}"
                       f"\t{seal.not_after.date().isoformat()}{mark}")


@keys_cli.command("seal-compromise")
@click.argument("serial")
@click.option("--authority", required=True, help="Authority code, such as LA-SDI.")
def seal_compromise(serial, authority):
    """Revoke a seal certificate in the authority's CRL (signed by its root); readers given the CRL
    report what it sealed as revoked. Start a new seal with `flask keys seal-rotate`."""
    try:
        seals.mark_compromised(_key_dir(), authority, serial.lower(), now=_now())
    except KeyFileError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)
    audit.record(db.session, actor=None, action="seal.compromised", object_type="seal_certificate",
                 object_id=serial.lower(), changes={"authority": authority})
    db.session.commit()
    click.echo(f"seal {serial} of {authority} revoked; start a new one with `flask keys seal-rotate "
               f"--authority {authority}`")


@keys_cli.command("seal-root")
@click.option("--authority", required=True, help="Authority code, such as LA-SDI.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def seal_root(authority, output: Path):
    """Write the authority's root certificate (PEM), to install as trusted in PDF readers."""
    root = seals.root_certificate(_key_dir(), authority)
    if root is None:
        click.echo(f"error: {authority} has no root certificate yet; run `flask keys seal-rotate`", err=True)
        raise SystemExit(1)
    output.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    click.echo(f"wrote {output}; SHA-256 {seals.fingerprint(root)}")


certificates_cli = AppGroup("certificates", help="Certificates as the office hands them out.")


def _export_one(certificate: Certificate, output: Path, settings: documents.SealSettings) -> Path | None:
    state = certificate.state(dt.date.today())
    if state != "valid":
        click.echo(f"skipped {certificate.number}: {state}; no PDF is issued for it", err=True)
        return None
    try:
        credential = badges.credential_for(db.session, certificate, badges.CredentialSettings.from_config(
            current_app.config), now=_now()).document
    except badges.KEY_PROBLEMS as exc:
        click.echo(f"error: {certificate.number}: the credential cannot be signed: {exc}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    (output / documents.credential_filename(certificate)).write_text(credential, encoding="utf-8")
    path = output / documents.filename(certificate)
    path.write_bytes(documents.sealed_pdf(certificate, current_app.config["PUBLIC_BASE_URL"], settings,
                                          credential=credential))
    return path


@certificates_cli.command("export")
@click.argument("number", required=False)
@click.option("--session", "session_id", type=int, help="Every valid certificate of this test session.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write <number>.pdf and <number>.credential.json into (made if missing).")
def export_certificates(number, session_id, output: Path):
    """Write the sealed PDF and the Open Badges credential of certificate NUMBER, or of a whole
    session (--session ID)."""
    if bool(number) == bool(session_id):
        click.echo("error: give a certificate NUMBER or --session ID, not both", err=True)
        raise SystemExit(2)
    if number:
        found = db.session.scalars(sa.select(Certificate).where(Certificate.number == number.strip().upper())).all()
    else:
        found = db.session.scalars(sa.select(Certificate).join(Assessment, Certificate.assessment_id == Assessment.id)
                                   .where(Assessment.session_id == session_id).order_by(Certificate.number)).all()
    if not found:
        click.echo(f"error: no certificate {'numbered ' + number if number else 'in session %d' % session_id}",
                   err=True)
        raise SystemExit(1)
    output.mkdir(parents=True, exist_ok=True)
    settings = documents.SealSettings.from_config(current_app.config)
    written = [path for path in (_export_one(c, output, settings) for c in found) if path is not None]
    for path in written:
        click.echo(f"wrote {path}")
    if not written:
        raise SystemExit(1)


@certificates_cli.command("approve-session")
@click.argument("session_id", type=int)
@click.option("--officer", required=True, help="Username of the certifying officer approving.")
def approve_session(session_id: int, officer: str):
    """Approve every submitted result of test session SESSION_ID the officer may approve, issuing
    their certificates, committed in batches; run it again to carry on after an interruption."""
    from skills_cert.accounts.users import find_user
    from skills_cert.assessment.models import TestSession
    from skills_cert.certification import session_approval
    from skills_cert.certification.keys import key_settings
    from skills_cert.errors import NotAllowed

    user, test_session = find_user(db.session, officer), db.session.get(TestSession, session_id)
    if user is None or not user.is_active or test_session is None:
        click.echo(f"error: no active user named {officer!r}" if test_session else
                   f"error: no test session {session_id}", err=True)
        raise SystemExit(1)
    found = session_approval.overview(db.session, test_session, user)
    try:
        run = found.run or session_approval.start(db.session, test_session, [
            (a.id, a.version) for a in (*found.ready, *(a for a, _f in found.flagged), *found.yours)], actor=user)
        db.session.commit()
        run = session_approval.proceed(db.session, run, actor=user, today=dt.date.today(),
                                       commit=db.session.commit, **key_settings(current_app.config))
    except (InvalidState, NotAllowed) as exc:
        db.session.rollback()
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"certificates {run.certificates}, statements of attainment {run.attainments}, "
               f"approved without a certificate {run.without_certificate}, skipped {len(run.skipped)}")
    for assessment_id, reason, *message in run.skipped:
        click.echo(f"skipped assessment {assessment_id}: {' '.join([reason, *message])}")
