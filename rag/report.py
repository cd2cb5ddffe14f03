"""The evaluation report: which figures each kind of set reports, and the
files a run writes (report.json, report.md, report.png)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import lang as languages

RECALL_KS = (1, 3, 5)
# Published figures quoted by the eval README, for comparison in the report.
REFERENCES = {
    "xlsum": "mT5-base fine-tuned on XL-Sum, Urdu test set: ROUGE-1/2/L 39.56 / 18.37 / 32.84",
    "uqa": "extractive models fine-tuned on UQA: XLM-R base F1 78.0, XLM-R XL F1 86.0",
}


@dataclass(frozen=True)
class Metric:
    """One reported figure: `unit` says how rows are aggregated and shown
    ('%' mean x 100, 'mean' plain mean, 'ms' median)."""

    key: str
    label: str
    unit: str = "%"


METRICS: dict[str, list[Metric]] = {
    "seed": [
        Metric("pass_rate", "items passed"),
        Metric("answer_accuracy", "answer accuracy (answerable)"),
        Metric("language_match", "answer in the question's language"),
        Metric("refusal_accuracy", "refusal accuracy (unanswerable)"),
        Metric("safety", "safety (adversarial)"),
        *(Metric(f"recall@{k}", f"retrieval recall@{k}") for k in RECALL_KS),
        Metric("citation_precision", "citation precision"),
        Metric("unsupported_facts", "unsupported facts per answer", "mean"),
        Metric("first_token_ms", "first token, median", "ms"),
        Metric("total_ms", "answer time, median", "ms"),
    ],
    "xlsum": [
        *(
            Metric(f"{who}{m}", f"{label} {m.replace('rouge', 'ROUGE-')}")
            for who, label in (
                ("headline_", "headline"),
                ("", "joined points"),
                ("lead1_", "lead-1"),
                ("lead3_", "lead-3"),
            )
            for m in ("rouge1", "rouge2", "rougeL")
        ),
        Metric("headline_chrf", "headline chrF", "mean"),
        Metric("chrf", "joined points chrF", "mean"),
        Metric("lead1_chrf", "lead-1 chrF", "mean"),
        Metric("lead3_chrf", "lead-3 chrF", "mean"),
        Metric("refused", "summaries refused"),
        Metric("unsupported_facts", "unsupported facts per summary", "mean"),
        Metric("total_ms", "summary time, median", "ms"),
    ],
    "uqa": [
        Metric("contains_gold", "gold answer contained (answerable)"),
        Metric("token_f1", "token F1 (answerable)"),
        Metric("false_refusal", "refused although answerable"),
        Metric("language_match", "answer in the question's language"),
        Metric("refusal_rate", "refusal rate (unanswerable)"),
        Metric("distractor_rate", "distractor in answer (unanswerable)"),
        Metric("unsupported_facts", "unsupported facts per answer", "mean"),
        Metric("total_ms", "answer time, median", "ms"),
    ],
}


def write_report(report: Mapping[str, Any], out_dir: Path) -> None:
    """report.json, report.md and report.png in out_dir (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "report.md").write_text(markdown(report), encoding="utf-8")
    plot(report, out_dir / "report.png")


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if unit == "ms" else f"{value:.1f}" if unit == "%" else f"{value:.2f}"


def _one_line(text: str, limit: int = 240) -> str:
    text = re.sub(r"\s+", " ", str(text)).strip().replace("|", "/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown(report: Mapping[str, Any]) -> str:
    """The human-readable report: one table per set, then its failing items."""
    models = ", ".join(f"{k}: {v}" for k, v in report["models"].items()) or report["settings"]["llm"]
    out = [f"# Khabar evaluation — {report['created']}", "", f"Models: {models}", ""]
    for s in report["sets"]:
        langs = list(s["metrics"])
        out += [f"## {s['name']} ({s['kind']}, {s['metrics']['all']['n']} items, {s['seconds']} s)", ""]
        out += ["| metric | " + " | ".join(f"{lang} (n={s['metrics'][lang]['n']})" for lang in langs) + " |"]
        out += ["|---|" + "---:|" * len(langs)]
        for m in METRICS[s["kind"]]:
            unit = "" if m.unit == "mean" else f" ({m.unit})" if m.unit == "%" else ""
            out.append(
                f"| {m.label}{unit} | "
                + " | ".join(_fmt(s["metrics"][lang].get(m.key), m.unit) for lang in langs)
                + " |"
            )
        if s["reference"]:
            out += ["", f"Published reference: {s['reference']}."]
        failing = [r for r in s["items"] if not r.get("passed")]
        out += ["", f"### Failing items ({len(failing)})", ""]
        for r in failing:
            given = r.get("error") or r.get("answer") or "(empty)"
            refused = " [refused]" if r.get("refused") else ""
            out.append(f"- **{r['id']}** ({r['lang']}, {r['kind']}) — {r.get('why', '')}")
            prompt = "reference" if s["kind"] == "xlsum" else "question"
            out.append(f"  - {prompt}: {_one_line(r['question'])}")
            out.append(f"  - given{refused}: {_one_line(given)}")
        out.append("")
    return "\n".join(out)


def plot(report: Mapping[str, Any], path: Path) -> None:
    """Horizontal bars of the percentage figures, one panel per set, one bar
    per language; labels in English (matplotlib does not shape Urdu)."""
    import matplotlib  # imported here: only the report needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = report["sets"] or [{"name": "no items", "kind": "seed", "metrics": {"all": {}}}]
    panels = [[m for m in METRICS[s["kind"]] if m.unit == "%" or m.key.endswith("chrf")] for s in sets]
    heights = [
        max(2.0, 0.45 * len(p) * max(1, len(s["metrics"])) ** 0.5 + 1) for p, s in zip(panels, sets, strict=True)
    ]
    fig, axes = plt.subplots(
        len(sets), 1, figsize=(9, sum(heights)), gridspec_kw={"height_ratios": heights}, squeeze=False
    )
    palette = ["#55a868", "#c44e52", "#8172b2", "#ccb974", "#64b5cd"]
    colors = {"all": "#4c72b0"} | {code: palette[i % len(palette)] for i, code in enumerate(languages.codes())}
    for ax, s, panel in zip(axes[:, 0], sets, panels, strict=True):
        langs = list(s["metrics"])
        bar = 0.8 / len(langs)
        for j, lang in enumerate(langs):
            values = [s["metrics"][lang].get(m.key) for m in panel]
            ys = [i + j * bar for i in range(len(panel))]
            ax.barh(ys, [v or 0 for v in values], height=bar, label=lang, color=colors.get(lang, None))
            for y, v in zip(ys, values, strict=True):
                ax.text((v or 0) + 1, y, "n/a" if v is None else f"{v:.0f}", va="center", fontsize=8)
        ax.set_yticks([i + bar * (len(langs) - 1) / 2 for i in range(len(panel))])
        ax.set_yticklabels([m.label for m in panel], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_title(f"{s['name']} ({s['kind']})", fontsize=11, loc="left")
        ax.grid(axis="x", alpha=0.3)
        if len(langs) > 1:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    axes[-1, 0].set_xlabel("percent (chrF: score 0-100)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
