"""Answering a question about the indexed articles.

The modules, in the order a question meets them:
- `ask`: the use case — screening, follow-up resolution, retrieval, the choice
  of strategy, and the Answer;
- `deps`: what answering needs from the rest of the system, passed in;
- `names`: is the name asked about in the article (spelling and script aside);
- `decision` / `spans` / `features`: the learned answer decision and short
  answer spans (fitted on Urdu SQuAD 2.0, see bench/train_answerer.py);
- `extractive`: answers cut from the article's own sentences;
- `generative`: answers written by a chat model that reads the edition,
  verified against the sentences they cite;
- `citations`: numbered citations with the aligned sentence of the other edition.
"""
