"""Machine editions: translate an article with a chat model that reads the
source language, sentence by sentence, and save it marked as machine
translation. The default model cannot read Urdu, so it refuses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ModelAbilityError, UnknownArticleError
from .paths import id_file_stem, inside
from .prompts import LANGUAGE_NAMES

if TYPE_CHECKING:
    from .pipeline import Pipeline

SYSTEM = (
    "Translate the user's sentence from {source} into {target}. Keep names and numbers exactly. "
    "Reply with the translation only."
)


def translate_article(p: Pipeline, article: str, target: str) -> Path:
    store = p.store()
    languages = store.languages(article)
    if not languages:
        raise UnknownArticleError(article, store.articles())
    if target in languages:
        raise ModelAbilityError(f"{article} already has a {LANGUAGE_NAMES[target]} edition.")
    source = sorted(languages)[0]
    llm = p.llm_spec()
    if source not in llm.reads or target not in llm.writes:
        raise ModelAbilityError(
            f"The chat model {llm.id} reads {','.join(sorted(llm.reads))} and writes {','.join(sorted(llm.writes))}; "
            f"translating {LANGUAGE_NAMES[source]} to {LANGUAGE_NAMES[target]} needs one that reads {source} and writes "
            f"{target}. Put such a GGUF in models/ or set KHABAR_LLM (see `khabar models`)."
        )
    gen = p.generator()
    src_path = Path(next(v["path"] for v in store.manifest.editions.values() if v["article"] == article and v["language"] == source))
    lines = []
    for x in store.usable_passages(article, source):  # flagged sentences are never sent to the model
        messages = [
            {"role": "system", "content": SYSTEM.format(source=LANGUAGE_NAMES[source], target=LANGUAGE_NAMES[target])},
            {"role": "user", "content": x.text},
        ]
        lines.append(gen.chat(messages, max_tokens=256).strip().replace("\n", " "))
    out = p.settings.articles_dir / f"{id_file_stem(article)}.{target}.txt"
    inside(p.settings.articles_dir, out)
    front = (
        f"---\narticle: {article}\nlanguage: {target}\nprovenance: machine-translation\n"
        f"translator: {llm.id} (machine translation of {src_path.name}, not reviewed)\nsource: {src_path.name}\n---\n"
    )
    out.write_text(front + "\n".join(lines) + "\n", encoding="utf-8")
    return out
