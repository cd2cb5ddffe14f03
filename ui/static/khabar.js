() => {
  // The upload picker offers .txt and .md files; the type itself is checked on the
  // server (Gradio's client-side check would show the file name as HTML in a toast).
  const acceptArticles = () => {
    for (const input of document.querySelectorAll("#kh-upload input[type=file]")) {
      if (input.getAttribute("accept") !== ".txt,.md") input.setAttribute("accept", ".txt,.md");
    }
  };
  acceptArticles();
  new MutationObserver(acceptArticles).observe(document.body, { childList: true, subtree: true });

  // A click on a citation number [n] (in an answer) or on a passage number (in the
  // evidence panel) opens the folded evidence around its target and scrolls to it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.kh-cite, a.kh-jump");
    if (!link) return;
    const id = (link.getAttribute("href") || "").split("#").pop();
    const target = id && document.getElementById(id);
    event.preventDefault();
    event.stopPropagation();
    if (!target) return;
    for (let p = target.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    target.classList.remove("kh-flash");
    void target.offsetWidth;
    target.classList.add("kh-flash");
  }, true);
}
