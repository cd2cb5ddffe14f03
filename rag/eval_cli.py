"""The `khabar eval` command (registered in `rag.cli` with
`cli.add_command(eval_command)`). It receives the Settings as the click
context object and converts KhabarError into a click error, once, here."""

from __future__ import annotations

from pathlib import Path

import click

from .config import Settings
from .errors import KhabarError


def settings_from(ctx: click.Context) -> Settings:
    """The Settings passed by the `khabar` group: the context object itself,
    or its "settings" entry; fresh Settings when run on its own."""
    obj = ctx.find_root().obj
    if isinstance(obj, dict):
        obj = obj.get("settings")
    return obj if isinstance(obj, Settings) else Settings()


@click.command("eval")
@click.argument("sets", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("artifacts/eval"),
    show_default=True,
    help="Folder for report.md, report.json and report.png.",
)
@click.option(
    "--model", default=None, help="Chat model: a registry id or a path to a GGUF file (default: the configured one)."
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Evaluate only the first N items of each set.")
@click.option("--ids", "ids", multiple=True, help="Only these item ids (comma-separated; may be repeated).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def eval_command(
    ctx: click.Context,
    sets: tuple[Path, ...],
    out_dir: Path,
    model: str | None,
    limit: int | None,
    ids: tuple[str, ...],
    quiet: bool,
) -> None:
    """Measure answers, grounding, refusals and summaries on evaluation SETS
    (.jsonl: seed questions, XL-Sum or UQA). Articles are indexed in a
    temporary workspace, never in your index. Low scores still exit 0."""
    from .evaluation import evaluate  # imported here: keeps `khabar --help` light

    settings = settings_from(ctx)
    if model:
        settings = settings.model_copy(update={"llm": model})
    wanted = [i.strip() for chunk in ids for i in chunk.split(",") if i.strip()]
    try:
        report = evaluate(list(sets), settings, out_dir, limit=limit, ids=wanted, progress=not quiet)
    except KhabarError as err:
        exc = click.ClickException(str(err))
        exc.exit_code = err.exit_code  # type: ignore[misc]  # click keeps it per class
        raise exc from None
    for s in report["sets"]:
        figures = s["metrics"]["all"]
        shown = ", ".join(f"{k} {v}" for k, v in figures.items() if v is not None and k != "n")
        click.echo(f"{s['name']} ({s['kind']}, {figures['n']} items): {shown}")
        errors = sum(1 for r in s["items"] if r.get("error"))
        if errors:
            click.echo(f"  {errors} item(s) failed with an error; see the report.", err=True)
    click.echo(f"Report: {out_dir / 'report.md'} (also report.json, report.png)")
