"""Attacks through files, article ids and uploads (issue 8, holes 1, 2, 5, 8, 9
and the leftovers of 10), each carried out through the CLI (click's CliRunner,
or a subprocess when the process itself could hang) and through the app's
handlers on a real pipeline with the fake models. See SECURITY.md."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import pytest
from click.testing import CliRunner, Result
from conftest import ARTICLE, EN_FRONT, EN_SENTENCES
from fake_models import ScriptedGenerator

import rag.corpus
from rag.cli import cli
from rag.config import Settings
from rag.corpus import MAX_BYTES, read_edition, read_editions
from rag.embedding import HashEmbedder
from rag.errors import ArticleError, UnsafePathError
from rag.paths import id_file_stem, inside
from rag.pipeline import Pipeline
from rag.store import Store
from rag.types import SummaryProgress, check_article_id, safe_article_id
from ui.handlers import Handlers

SCRIPT = Path(__file__).resolve().parent / "fake_khabar.py"
SECRET = "The vault code is 97531."
Run = Callable[..., Result]


def _no_progress(*args: object, **kwargs: object) -> None:
    return None


@pytest.fixture
def pipeline(settings: Settings) -> Pipeline:
    return Pipeline(settings, embedder=HashEmbedder(), generator=ScriptedGenerator([]))


@pytest.fixture
def run(settings: Settings, pipeline: Pipeline) -> Run:
    def invoke(args: list[str]) -> Result:
        return CliRunner().invoke(cli, args, obj={"settings": settings, "pipeline": pipeline})

    return invoke


@pytest.fixture
def app(settings: Settings, pipeline: Pipeline) -> Handlers:
    """The app's handlers around a real pipeline (fake models), the pair indexed."""
    pipeline.index()
    return Handlers(pipeline, settings)


def _upload(app: Handlers, folder: Path, name: str, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / name
    src.write_text(text, encoding="utf-8")
    status = app.add_article(str(src), progress=_no_progress)[0]
    assert isinstance(status, str)
    return status


def _outside(root: Path, data: Path) -> set[Path]:
    """Every path under `root` except the data folder and what it holds."""
    return {p for p in root.rglob("*") if not p.is_relative_to(data)}


# --- hole 1: article ids name files -----------------------------------------------------------


@pytest.mark.parametrize("good", ["raid", "000_22fab8ac2ad17a84", "خبر_نامہ", "کراچی-۲۰۲۵", "a.b-c_d", "x" * 100])
def test_article_id_rule_accepts_plain_ids(good: str) -> None:
    assert check_article_id(good) == good
    assert id_file_stem(good) == good


@pytest.mark.parametrize(
    "bad",
    ["/tmp/x/pwn", "../../x/pwn", "..", ".hidden", "-rf", "a b", "a:b", "a\\b", "x" * 101, "", "a\u202eb", "a\x00b"],
)
def test_article_id_rule_refuses_paths_and_oddities(bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid article id"):
        check_article_id(bad)
    stem = id_file_stem(bad)
    assert stem.startswith("id-") and "/" not in stem and "\\" not in stem


def test_ids_from_file_names_are_made_valid() -> None:
    assert safe_article_id("my story (draft)") == "my_story_draft_"
    assert safe_article_id("..x") == "x"
    check_article_id(safe_article_id("../../../etc"))


def test_inside_refuses_paths_that_leave_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "summaries"
    folder.mkdir(parents=True)
    assert inside(folder, folder / "a.json") == (folder / "a.json").resolve()
    for escape in (folder / ".." / "x.json", folder / "/etc/x.json", folder / "..", folder):
        with pytest.raises(UnsafePathError, match="outside"):
            inside(folder, escape)
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        inside(folder, folder / "link" / "x.json")


@pytest.mark.parametrize("bad_id", ["ABS", "../../x/pwn"])
def test_front_matter_id_that_is_a_path_is_refused_naming_the_file(tmp_path: Path, bad_id: str) -> None:
    bad_id = str(tmp_path / "x" / "pwn") if bad_id == "ABS" else bad_id
    path = tmp_path / "evil.en.txt"
    path.write_text(f"---\narticle: {bad_id}\nlanguage: en\n---\nThe park budget is 1 rupee.\n", encoding="utf-8")
    with pytest.raises(ArticleError) as err:
        read_edition(path)
    message = str(err.value)
    assert "evil.en.txt" in message and "not a usable article id" in message and "letters, digits" in message


@pytest.mark.parametrize("bad_id", ["ABS", "../../x/pwn"])
def test_cli_summarize_of_a_path_id_writes_nothing_outside_the_data_folder(
    run: Run, settings: Settings, tmp_path: Path, bad_id: str
) -> None:
    """Attack: `article: /abs/x/pwn` or `../../x/pwn`, then `khabar index` and `khabar summarize`."""
    bad_id = str(tmp_path / "x" / "pwn") if bad_id == "ABS" else bad_id
    (settings.articles_dir / "evil.en.txt").write_text(
        f"---\narticle: {bad_id}\nlanguage: en\n---\nThe park budget is one rupee. The minister said so on Monday.\n",
        encoding="utf-8",
    )
    before = _outside(tmp_path, settings.data_dir)
    indexed = run(["index"])
    assert indexed.exit_code == 0
    assert "evil.en.txt" in indexed.output and "not a usable article id" in indexed.output
    summary = run(["summarize", "--article", bad_id, "--json"])
    assert summary.exit_code != 0  # the id is not indexed
    after = _outside(tmp_path, settings.data_dir)
    assert after == before, f"written outside the data folder: {after - before}"
    assert not (tmp_path / "x").exists()


def test_summary_cache_of_an_unsafe_id_already_in_an_index_stays_inside(
    run: Run, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built before the id check may hold `../../x/pwn`: the cache
    file is then named by a hash, inside data/summaries."""
    evil = "../../x/pwn"
    (settings.articles_dir / "evil.en.txt").write_text(
        f"---\narticle: {evil}\nlanguage: en\n---\nThe park budget is one rupee. The minister said so on Monday.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(rag.corpus, "article_id_problem", lambda value: None, raising=False)  # the old, unchecked reader
    assert run(["index"]).exit_code == 0
    monkeypatch.undo()
    result = run(["summarize", "--article", evil, "--json"])
    assert result.exit_code == 0, result.output
    cached = list(settings.summary_cache_dir.iterdir()) if settings.summary_cache_dir.exists() else []
    assert cached and all(p.name.startswith("id-") for p in cached)
    assert not (tmp_path / "x").exists()


def test_app_upload_with_a_path_id_is_refused_and_writes_nothing(app: Handlers, settings: Settings, tmp_path: Path) -> None:
    """Attack through the app: upload `article: /abs/pwn`, then ask for its summary."""
    target = tmp_path / "outside" / "pwn"
    status = _upload(app, tmp_path / "src", "evil.txt", f"---\narticle: {target}\nlanguage: en\n---\nThe budget is 1 rupee.\n")
    assert status.startswith("✗") and "not a usable article id" in status
    assert [a.article for a in app.pipeline.articles()] == [ARTICLE]
    assert not settings.uploads_dir.exists() or not any(settings.uploads_dir.iterdir())
    with pytest.raises(gr.Error):
        list(app.summarize(str(target), progress=_no_progress))
    assert not (tmp_path / "outside").exists()


@pytest.mark.parametrize("evil", ["../../pwn", "ABS"])
def test_app_summary_download_stays_in_its_folder(
    app: Handlers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, evil: str
) -> None:
    """The Markdown download is named from the article id: an id that is a path
    (from an index made before the check) must not climb out of its folder."""
    temp_root = tmp_path / "t1" / "t2"
    temp_root.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    (tmp_path / "abs").mkdir()
    evil = str(tmp_path / "abs" / "pwn") if evil == "ABS" else evil
    real = app.pipeline.summarize(ARTICLE, "both")
    real.article = evil
    done = SummaryProgress(real, 1.0, "done", True)
    monkeypatch.setattr(app.pipeline, "summarize_stream", lambda *a, **k: iter([done]))
    list(app.summarize(ARTICLE, progress=_no_progress))
    written = list(temp_root.glob("khabar-summary-*/*"))
    assert [p.name for p in written] == [f"{id_file_stem(evil)}-summary.md"]
    assert not (tmp_path / "t1" / "pwn-summary.md").exists()
    assert not any((tmp_path / "abs").iterdir())


# --- hole 2: an upload never takes over an indexed edition ------------------------------------


def test_app_upload_cannot_replace_an_indexed_edition(app: Handlers, tmp_path: Path) -> None:
    """Attack: front matter naming the indexed article and language, with a false fact."""
    before = app.pipeline.article_text(ARTICLE, "en")
    status = _upload(
        app, tmp_path / "src", "budget.txt", f"---\narticle: {ARTICLE}\nlanguage: en\n---\nThe park budget is 1 rupee.\n"
    )
    assert status.startswith("✗") and "already indexed" in status and "new id" in status
    assert app.pipeline.article_text(ARTICLE, "en") == before
    texts = [p.text for p in app.pipeline.store().passages]  # type: ignore[attr-defined]
    assert "The park budget is 1 rupee." not in texts


def test_app_upload_cannot_add_an_edition_to_an_indexed_article(app: Handlers, tmp_path: Path) -> None:
    app.pipeline.index()
    status = _upload(app, tmp_path / "src", "x.txt", f"---\narticle: {ARTICLE}\nlanguage: ur\n---\nبجٹ ایک روپیہ ہے۔\n")
    assert status.startswith("✗") and "already indexed" in status


def test_app_upload_named_like_an_indexed_edition_becomes_a_new_article(app: Handlers, tmp_path: Path) -> None:
    status = _upload(app, tmp_path / "src", f"{ARTICLE}.en.txt", "The park budget is 1 rupee.\n")
    assert status.startswith("✓"), status
    articles = {a.article: a for a in app.pipeline.articles()}
    assert set(articles) == {ARTICLE, f"{ARTICLE}-1"}
    assert "The park budget" not in app.pipeline.article_text(ARTICLE, "en")


def test_app_reupload_of_the_same_file_is_already_there(app: Handlers, settings: Settings, tmp_path: Path) -> None:
    text = "The harbour reopened on Friday.\nBoats returned.\n"
    first = _upload(app, tmp_path / "a", "story.txt", text)
    second = _upload(app, tmp_path / "b", "story.txt", text)
    assert first.startswith("✓") and second.startswith("Already there")
    assert [a.article for a in app.pipeline.articles()] == [ARTICLE, "story"]
    assert [p.name for p in settings.uploads_dir.iterdir()] == ["story.txt"]


def test_app_upload_of_an_indexed_seed_file_is_already_there(app: Handlers, settings: Settings) -> None:
    seed = settings.articles_dir / f"{ARTICLE}.en.txt"
    status = app.add_article(str(seed), progress=_no_progress)[0]
    assert status.startswith("Already there") and f"edition of “{EN_SENTENCES[0]}”" in status  # by headline
    assert not settings.uploads_dir.exists() or not any(settings.uploads_dir.iterdir())


def test_app_api_upload_cannot_take_over_an_article(app: Handlers, settings: Settings, tmp_path: Path) -> None:
    """The same attacks through the served app, with gradio_client: a takeover
    of the indexed English edition, and an id that is a path."""
    import socket

    from gradio_client import Client, handle_file

    from ui.app import launch

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = launch(app.pipeline, port=port, settings=settings, block=False)
    try:
        client = Client(server.local_url, verbose=False)
        takeover = tmp_path / "budget.txt"
        takeover.write_text(f"---\narticle: {ARTICLE}\nlanguage: en\n---\nThe park budget is 1 rupee.\n", encoding="utf-8")
        status = client.predict([handle_file(str(takeover))], api_name="/add_article")[0]  # a list: several files at once
        assert status.startswith("✗") and "already indexed" in status
        climb = tmp_path / "climb.txt"
        climb.write_text("---\narticle: ../../x/pwn\nlanguage: en\n---\nThe park budget is 1 rupee.\n", encoding="utf-8")
        status = client.predict([handle_file(str(climb))], api_name="/add_article")[0]
        assert status.startswith("✗") and "not a usable article id" in status
        answer = client.predict("What is the park budget?", "", api_name="/ask")
        assert not any("1 rupee" in c["text"] for c in answer["citations"])
    finally:
        server.close()
    assert [a.article for a in app.pipeline.articles()] == [ARTICLE]
    assert "park budget" not in app.pipeline.article_text(ARTICLE, "en")
    assert not (settings.data_dir.parent / "x").exists()


def test_cli_index_replacing_an_edition_from_another_file_says_so(run: Run, tmp_path: Path) -> None:
    assert run(["index"]).exit_code == 0
    other = tmp_path / "other" / "mine.en.txt"
    other.parent.mkdir()
    other.write_text(EN_FRONT + "The park budget is 75 million rupees.\n", encoding="utf-8")
    result = run(["index", str(other)])
    assert result.exit_code == 0
    assert f"Replaced: edition {ARTICLE}:en was indexed from" in result.output and str(other) in result.output
    again = run(["index", str(other)])
    assert "Replaced" not in again.output  # the same file again replaces nothing


# --- hole 9 and issue 11 item 4: uploads live in the data folder and survive crashes -----------


def test_uploads_go_to_the_data_folder_and_stay_indexed_after_a_restart(
    app: Handlers, settings: Settings, tmp_path: Path
) -> None:
    before = sorted(p.name for p in settings.articles_dir.iterdir())
    assert _upload(app, tmp_path / "src", "story.txt", "The harbour reopened on Friday.\n").startswith("✓")
    assert sorted(p.name for p in settings.articles_dir.iterdir()) == before  # seeds/ untouched
    assert (settings.uploads_dir / "story.txt").is_file()
    restarted = Pipeline(settings, embedder=HashEmbedder(), generator=ScriptedGenerator([]))
    result = CliRunner().invoke(cli, ["index"], obj={"settings": settings, "pipeline": restarted})
    assert result.exit_code == 0
    assert [a.article for a in restarted.articles()] == [ARTICLE, "story"]


class Killed(BaseException):
    """Stands for a SIGKILL: nothing catches it, no clean-up runs."""


def test_upload_killed_before_indexing_is_recovered_without_a_duplicate(
    app: Handlers, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.indexer

    text = "The harbour reopened on Friday.\nBoats returned.\n"

    def killed(*args: object, **kwargs: object) -> None:
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(rag.indexer, "build", killed)
        with pytest.raises(Killed):
            _upload(app, tmp_path / "a", "story.txt", text)
    assert [a.article for a in app.pipeline.articles()] == [ARTICLE]  # the crash: saved, not indexed
    # the same file uploaded again is found on disk, indexed, and not copied
    status = _upload(app, tmp_path / "b", "story.txt", text)
    assert status.startswith("✓"), status
    assert [a.article for a in app.pipeline.articles()] == [ARTICLE, "story"]
    assert [p.name for p in settings.uploads_dir.iterdir()] == ["story.txt"]


def test_upload_killed_before_indexing_is_indexed_at_start_up(
    app: Handlers, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.indexer

    def killed(*args: object, **kwargs: object) -> None:
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(rag.indexer, "build", killed)
        with pytest.raises(Killed):
            _upload(app, tmp_path / "a", "story.txt", "The harbour reopened on Friday.\n")
    from ui.uploads import recover_uploads  # (here, so the other tests run on code without it)

    (settings.uploads_dir / ".other.txt.4242.part").write_text("half of an upl", encoding="utf-8")  # killed mid-write
    restarted = Pipeline(settings, embedder=HashEmbedder(), generator=ScriptedGenerator([]))
    report = recover_uploads(restarted, settings.uploads_dir)  # what `khabar ui` runs before serving
    assert report is not None and report["embedded"] == ["story:en"]
    assert [a.article for a in restarted.articles()] == [ARTICLE, "story"]
    assert recover_uploads(restarted, settings.uploads_dir) is None
    assert not [p for p in settings.uploads_dir.iterdir() if p.name.startswith(".")]  # no half-written file


def test_khabar_ui_indexes_uploads_left_by_a_crash_before_serving(
    app: Handlers, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.cli
    import ui.app

    settings.uploads_dir.mkdir(parents=True)
    (settings.uploads_dir / "story.txt").write_text("The harbour reopened on Friday.\n", encoding="utf-8")  # saved, never indexed
    served: list[list[str]] = []
    monkeypatch.setattr(ui.app, "launch", lambda p, **kw: served.append([a.article for a in p.articles()]))
    monkeypatch.setattr(rag.cli, "_warm_quietly", lambda p: None)
    result = CliRunner().invoke(cli, ["ui"], obj={"settings": settings, "pipeline": app.pipeline})
    assert result.exit_code == 0, result.output
    assert served == [[ARTICLE, "story"]]
    assert "story" in result.output


# --- hole 5: symbolic links out of the articles folder ------------------------------------------


def test_cli_index_does_not_follow_links_out_of_the_folder(run: Run, settings: Settings, tmp_path: Path) -> None:
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    folder = settings.articles_dir
    (folder / "vault.txt").symlink_to(secret)
    (folder / "host.txt").symlink_to("/etc/hostname")
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    result = run(["index"])
    assert result.exit_code == 0
    for name in ("vault.txt", "host.txt", "gone.txt"):
        assert name in result.output
    assert "outside" in result.output and "dangling" in result.output
    store = Store.load(settings.index_dir)
    assert {p.article for p in store.passages} == {ARTICLE}
    assert not any("97531" in p.text for p in store.passages)


def test_cli_index_of_a_link_given_by_name_is_refused(run: Run, tmp_path: Path) -> None:
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    link = tmp_path / "public" / "vault.txt"
    link.parent.mkdir()
    link.symlink_to(secret)
    result = run(["index", str(link)])
    assert "vault.txt" in result.output and "not followed" in result.output
    index = tmp_path / "data" / "index"
    assert not index.exists() or not any("97531" in p.text for p in Store.load(index).passages)


def test_links_inside_the_folder_are_still_read(tmp_path: Path) -> None:
    (tmp_path / "real.en.txt").write_text(" ".join(EN_SENTENCES) + "\n", encoding="utf-8")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.en.txt")
    editions, errors = read_editions([tmp_path])
    assert sorted(e.article for e in editions) == ["alias", "real"] and errors == []


# --- hole 8: unbounded reads ---------------------------------------------------------------------


def _fake_khabar(args: list[str], tmp_path: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHABAR_", "FAKE_"))}
    env.update(KHABAR_DATA_DIR=str(tmp_path / "data"), KHABAR_ARTICLES_DIR=str(tmp_path / "articles"))
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


@pytest.mark.parametrize("kind", ["fifo", "device", "link-out", "dangling"])
def test_python_m_rag_index_refuses_without_hanging(pipeline: Pipeline, settings: Settings, tmp_path: Path, kind: str) -> None:
    """The real `python -m rag index PATH` process (an index built with the hash
    embedder, so nothing needs a model): each bad path is named, none is read."""
    pipeline.index()
    if kind == "fifo":
        target = tmp_path / "pipe.txt"
        os.mkfifo(target)
    elif kind == "device":
        target = Path("/dev/zero")
    else:
        secret = tmp_path / "private" / "secret.txt"
        secret.parent.mkdir()
        if kind == "link-out":
            secret.write_text(SECRET + "\n", encoding="utf-8")
        target = tmp_path / "public" / "vault.txt"
        target.parent.mkdir()
        target.symlink_to(secret)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHABAR_")}
    env.update(
        KHABAR_DATA_DIR=str(settings.data_dir),
        KHABAR_ARTICLES_DIR=str(settings.articles_dir),
        KHABAR_EMBEDDER=str(tmp_path / "hash-64"),  # the id the index was built with: no model is loaded
    )
    result = subprocess.run(
        [sys.executable, "-m", "rag", "index", str(target)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit_memory,  # an unbounded read (/dev/zero) fails fast instead of filling the machine
    )
    assert f"Skipped: {target}" in result.stderr, result.stderr
    expected = {"fifo": "FIFO", "device": "device", "link-out": "outside", "dangling": "dangling"}[kind]
    assert expected in result.stderr
    assert not any("97531" in p.text for p in Store.load(settings.index_dir).passages)


def test_cli_index_of_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = _fake_khabar(["index", str(fifo)], tmp_path)  # subprocess.TimeoutExpired if it hangs
    assert "pipe.txt" in result.stderr and "FIFO" in result.stderr


def test_a_fifo_in_the_articles_folder_is_named_and_the_rest_indexed(tmp_path: Path, articles_dir: Path) -> None:
    os.mkfifo(articles_dir / "pipe.txt")
    result = _fake_khabar(["index"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pipe.txt" in result.stderr and "Indexed 2 editions" in result.stdout


def test_cli_index_of_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    result = _fake_khabar(["index", "/dev/zero"], tmp_path, timeout=20)
    assert "/dev/zero" in result.stderr and "device" in result.stderr


def test_a_big_sparse_file_is_refused_by_its_size_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(1 << 30)  # 1 GB, no blocks on disk
    tracemalloc.start()
    try:
        with pytest.raises(ArticleError, match="1,073,741,824 bytes, over the 1,000,000-byte limit"):
            read_edition(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


def test_reading_is_capped_even_when_the_size_lies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows after its size was checked is read to MAX_BYTES + 1, no further."""
    grown = tmp_path / "grown.txt"
    grown.write_bytes(b"a" * (3 * MAX_BYTES))
    real_fstat, real_read = os.fstat, os.read
    asked: list[int] = []

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(rag.corpus.os, "fstat", lambda fd: Small(real_fstat(fd)))

    def counting_read(fd: int, n: int) -> bytes:
        asked.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(rag.corpus.os, "read", counting_read)
    with pytest.raises(ArticleError, match="over the 1,000,000-byte limit"):
        read_edition(grown)
    assert sum(asked) <= MAX_BYTES + 1


# --- hole 10 (last bullet): leftovers of an interrupted save --------------------------------------


def test_leftover_new_and_old_folders_are_cleaned_at_load(pipeline: Pipeline, settings: Settings) -> None:
    pipeline.index()
    index = settings.index_dir
    for leftover in ("index.new", "index.old"):
        (index.parent / leftover).mkdir()
        (index.parent / leftover / "passages.jsonl").write_text("garbage", encoding="utf-8")
    store = Store.load(index)
    assert len(store.passages) == 8
    assert sorted(p.name for p in index.parent.iterdir() if p.name.startswith("index")) == ["index"]


def test_an_interrupted_swap_is_put_back_at_the_next_index(run: Run, settings: Settings) -> None:
    assert run(["index"]).exit_code == 0
    index = settings.index_dir
    index.rename(index.with_name("index.old"))  # killed between the two renames
    (index.with_name("index.new")).mkdir()
    result = run(["index"])
    assert result.exit_code == 0 and "up to date" in result.output
    assert sorted(p.name for p in index.parent.iterdir() if p.name.startswith("index")) == ["index"]


def test_leftovers_are_not_touched_while_another_process_saves(pipeline: Pipeline, settings: Settings) -> None:
    pipeline.index()
    new = settings.index_dir.with_name("index.new")
    new.mkdir()
    fd = os.open(settings.data_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a running save holds
        Store.load(settings.index_dir)
        assert new.is_dir()
    finally:
        os.close(fd)
    Store.load(settings.index_dir)
    assert not new.exists()
