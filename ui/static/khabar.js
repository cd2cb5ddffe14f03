() => {
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
