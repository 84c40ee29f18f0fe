"""translate review: diffs, the HTML report, approval."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from translate.cli.options import settings_from, workdir_option


@click.group("review")
def command() -> None:
    """Review post-edits: what changed from the MT draft, edit rates, approval, the review app."""


def _load(ctx: click.Context, article: str, workdir: Path | None):
    from translate.pipeline.articleref import resolve_article
    from translate.formats.xliff import read_pair_file

    settings = settings_from(ctx)
    ref = resolve_article(article, workdir or settings.workdir)
    art, stamp = read_pair_file(ref.pair_file)
    return settings, ref, art, stamp


@command.command("diff")
@click.argument("article")
@click.option("--edited", is_flag=True, help="Only segments whose target differs from the MT draft.")
@click.option("--color/--no-color", default=None, help="Colours [when the output is a terminal].")
@click.option("--riskiest", is_flag=True, help="The riskiest segments first (QA risk score), not in article order.")
@workdir_option
@click.pass_context
def diff(ctx: click.Context, article: str, edited: bool, color: bool | None, riskiest: bool, workdir: Path | None) -> None:
    """Word-level differences between each MT draft and the current target of ARTICLE.

    Coloured in a terminal; piped, deletions read [-like this-] and insertions {+like this+}.
    """
    from translate.qa.config import qa_config
    from translate.review.diffs import format_diff, review_article

    settings, _, art, _ = _load(ctx, article, workdir)
    review = review_article(art, settings.glossary, qa_config=qa_config(settings.source))
    use_color = sys.stdout.isatty() if color is None else color
    click.echo(format_diff(review, color=use_color, only_edited=edited, riskiest=riskiest), color=use_color)


@command.command("report")
@click.argument("article")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The HTML file.")
@click.option("--riskiest", is_flag=True, help="The riskiest segments first (QA risk score), not in article order.")
@workdir_option
@click.pass_context
def report(ctx: click.Context, article: str, output: Path, riskiest: bool, workdir: Path | None) -> None:
    """A self-contained HTML page for editors: side by side, edits highlighted, HTER, glossary."""
    from translate.core.fsio import atomic_write_text
    from translate.qa.config import qa_config
    from translate.review.diffs import render_report, review_article

    settings, ref, art, _ = _load(ctx, article, workdir)
    review = review_article(art, settings.glossary, qa_config=qa_config(settings.source))
    atomic_write_text(output, render_report(review, riskiest=riskiest))
    hter = "n/a" if review.hter is None else f"{review.hter * 100:.1f}%"
    click.echo(f"{ref.slug}: {len(review.segments)} segments, {review.edited} edited, HTER {hter}, "
               f"{review.violations} glossary violations, {review.qa_errors} QA errors -> {output}")


@command.command("approve")
@click.argument("article")
@click.option("--segments", "segment_ids", default=None, metavar="ID,ID...",
              help="Only these segments (comma-separated ids) [every reviewed segment].")
@click.option("--by", default=None, metavar="NAME", help="Who approves [your login].")
@workdir_option
@click.pass_context
def approve(ctx: click.Context, article: str, segment_ids: str | None, by: str | None, workdir: Path | None) -> None:
    """Move reviewed segments of ARTICLE to final, recording who and when."""
    from translate.review.approve import approve_article

    settings = settings_from(ctx)
    ids = [s.strip() for s in segment_ids.split(",") if s.strip()] if segment_ids else None
    outcome = approve_article(article, workdir or settings.workdir, segment_ids=ids, by=by, memory=settings.memory)
    click.echo(f"{outcome.slug}: {outcome.approved} segments approved by {outcome.by}; "
               f"{outcome.final} of {outcome.total} final -> {outcome.pair_file}")
    if outcome.not_reviewed:
        click.echo(f"Not approved (not reviewed yet): {', '.join(outcome.not_reviewed[:10])}"
                   + (" ..." if len(outcome.not_reviewed) > 10 else ""), err=True)
    if outcome.warning:
        click.echo(f"Warning: {outcome.warning}", err=True)


_REVIEW_KEYS = {"host", "port", "token"}


@command.command("serve")
@workdir_option
@click.option("--host", default=None, help="Address to listen on [127.0.0.1: this machine only]. Any other "
              "address needs a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port [8000]; 0 picks a free one.")
@click.option("--token", envvar="TRANSLATE_REVIEW_TOKEN", default=None, metavar="SECRET",
              help="Access token every request must carry (required off loopback) [translate.toml [review] "
                   "token, or $TRANSLATE_REVIEW_TOKEN].")
@click.option("--by", default=None, metavar="NAME", help="Editor name for edits and approvals until the page "
              "is told another [your login].")
@click.option("--open", "open_browser", is_flag=True, help="Open the workspace page in the default browser.")
@click.pass_context
def serve(ctx: click.Context, workdir: Path | None, host: str | None, port: int | None, token: str | None,
          by: str | None, open_browser: bool) -> None:
    """A local web app over the workspace: post-edit, confirm, approve and publish in the browser.

    Every save goes through the same library as the CLI: under the article's lock, merged with
    what is on disk, refused with both texts shown when someone saved the segment meanwhile.
    """
    from translate.core.config import read_section
    from translate.core.errors import ConfigError, TranslateError, UsageError
    from translate.review.web import MISSING_HINT

    try:
        import flask  # noqa: F401
        import flask_wtf  # noqa: F401
        import waitress  # noqa: F401
    except ImportError:
        raise TranslateError(MISSING_HINT) from None
    from translate.qa.config import qa_config
    from translate.qa.gate import qa_check_for
    from translate.qa.review_hook import review_findings
    from translate.review.web import make_server
    from translate.review.web.app import WebConfig, create_app
    from translate.review.web.security import check_token_strength, is_loopback

    settings = settings_from(ctx)
    qa = qa_config(settings.source)
    table = read_section(settings.source, "review", _REVIEW_KEYS) if settings.source is not None else {}
    for key, kind in (("host", str), ("port", int), ("token", str)):
        if key in table and (not isinstance(table[key], kind) or isinstance(table[key], bool)):
            raise ConfigError(f"{settings.source}: [review] {key} must be {'a number' if kind is int else 'a string'}.")
    host = host or table.get("host") or "127.0.0.1"
    port = port if port is not None else table.get("port", 8000)
    token = token or table.get("token") or None
    loopback = is_loopback(host)
    if not loopback and not token:
        raise UsageError(f"--host {host} is reachable from other machines: give a token (--token, "
                         "$TRANSLATE_REVIEW_TOKEN or token under [review] in translate.toml).")
    if token and (problem := check_token_strength(token)):
        raise UsageError(f"--token: {problem}")
    workdir = workdir or settings.workdir
    if not Path(workdir).is_dir():
        raise UsageError(f"{workdir}: no such workspace. Run `translate run ARTICLE` first, or give --workdir.")
    app = create_app(WebConfig(workdir=Path(workdir), glossary=settings.glossary, memory=settings.memory,
                               settings=settings, editor=by or "", token=token, loopback=loopback,
                               findings=review_findings(qa), qa_gate=qa_check_for(qa)[0]))
    try:
        server = make_server(app, host, port)
    except OSError as exc:
        raise TranslateError(f"cannot listen on {host}:{port} ({exc.strerror or exc}). Choose another --port.") from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{server.effective_port}/"
    click.echo(f"Review app for {workdir} at {url}{f'?token={token}' if token else ''}")
    if not loopback:
        click.echo(f"Listening on {host}: every request needs the token.", err=True)
    click.echo("Ctrl+C stops it.", err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url + (f"?token={token}" if token else ""))
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.close()


@command.command("waive")
@click.argument("article")
@click.option("--segment", "segment_id", required=True, metavar="ID", help="The segment (ids: translate qa, review diff).")
@click.option("--check", "check_id", required=True, metavar="CHECK", help="The QA check whose finding is accepted.")
@click.option("--by", default=None, metavar="NAME", help="Who waives it [your login].")
@click.option("--reason", default="", help="Why the finding is acceptable (shown in the report and the pair file).")
@click.option("--remove", is_flag=True, help="Withdraw the waiver instead.")
@workdir_option
@click.pass_context
def waive_command(ctx: click.Context, article: str, segment_id: str, check_id: str, by: str | None, reason: str, remove: bool,
          workdir: Path | None) -> None:
    """Accept one QA check's finding on one segment of ARTICLE (recorded in the pair file).

    The waiver covers the segment's current French only: once the text changes, the check
    applies again. A waived error no longer holds publication back.
    """
    from translate.formats.exchange import current_user
    from translate.qa.workspace import waive as record

    settings = settings_from(ctx)
    who = by or current_user()
    record(article, workdir or settings.workdir, segment=segment_id, check=check_id, by=who, reason=reason,
           remove=remove)
    verb = "withdrawn" if remove else f"recorded for {who}"
    click.echo(f"{article}: waiver of {check_id} on {segment_id} {verb}")
