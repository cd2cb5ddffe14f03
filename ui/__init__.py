"""Khabar's web app: a Gradio page built around any `PipelineLike` object.

Nothing in `rag/` imports this package; `khabar ui` imports it lazily."""
