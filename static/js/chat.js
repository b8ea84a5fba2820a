// FinBot page: send questions to chat/stream and show the answer as it arrives.
// Without this file (or without fetch streaming) the forms post to the page and it still works.
// Everything the server or the learner wrote is added with textContent, never as HTML.
(() => {
  "use strict";
  const form = document.getElementById("chat-form");
  if (!form || !window.fetch || !window.TextDecoder || !window.ReadableStream) return;

  const log = document.getElementById("chat-log");
  const textarea = form.querySelector("textarea");
  const send = document.getElementById("chat-send");
  const status = document.getElementById("chat-status");
  const suggestions = document.getElementById("chat-suggestions");
  const history = document.getElementById("chat-history");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let conversationId = form.dataset.conversationId || "";
  let busy = false;

  const wide = window.matchMedia("(min-width: 900px)");
  const syncDrawer = () => { if (history && wide.matches) history.open = true; };
  syncDrawer();
  wide.addEventListener("change", syncDrawer);

  function bubble(role, text) {
    const item = document.createElement("li");
    item.className = `bubble ${role}`;
    const label = document.createElement("span");
    label.className = "sr-only";
    label.textContent = role === "user" ? form.dataset.you : "FinBot:";
    const body = document.createElement("p");
    body.className = "text";
    body.textContent = text;
    item.append(label, body);
    const intro = log.querySelector(".intro");
    if (intro) intro.remove();
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function safeUrl(url) {
    // Links come from our own server; accept only paths on this site.
    return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : null;
  }

  function showLinks(item, links) {
    const usable = (links || []).filter((link) => safeUrl(link.url));
    if (!usable.length) return;
    const holder = document.createElement("p");
    holder.className = "chat-links";
    const icons = { game: "🎮", video: "🎬", article: "📖" };
    usable.forEach((link) => {
      const anchor = document.createElement("a");
      anchor.className = "pill";
      anchor.href = safeUrl(link.url);
      anchor.textContent = `${icons[link.kind] || "🔗"} ${link.title}`;
      holder.append(anchor, " ");
    });
    item.appendChild(holder);
  }

  function showSuggestions(questions) {
    if (!suggestions || !questions || !questions.length) return;
    const group = suggestions.querySelector(".chips");
    group.replaceChildren(
      ...questions.map((question) => {
        const button = document.createElement("button");
        button.type = "submit";
        button.name = "message";
        button.className = "suggestion";
        button.value = question;
        button.textContent = question;
        return button;
      }),
    );
  }

  function remember(id, title) {
    if (conversationId) return;
    conversationId = String(id);
    const url = form.dataset.conversationUrl.replace(/0\/$/, `${id}/`);
    window.history.replaceState(null, "", url);
    const list = document.getElementById("conversation-list");
    if (!list) return;
    const empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    const entry = document.createElement("li");
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = title;
    anchor.setAttribute("aria-current", "page");
    entry.appendChild(anchor);
    list.querySelectorAll("a[aria-current]").forEach((link) => link.removeAttribute("aria-current"));
    list.prepend(entry);
    const count = document.getElementById("conversation-count");
    if (count) count.textContent = String(Number(count.textContent) + 1);
  }

  function parse(frame) {
    let event = "message";
    const data = [];
    frame.split("\n").forEach((line) => {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    });
    if (!data.length) return null;
    try {
      return { event, data: JSON.parse(data.join("\n")) };
    } catch (error) {
      return null;
    }
  }

  async function ask(message) {
    if (busy || !message) return;
    busy = true;
    send.disabled = true;
    status.textContent = form.dataset.typing;
    const asked = bubble("user", message);
    const answer = bubble("assistant", "");
    answer.setAttribute("aria-busy", "true");
    const text = answer.querySelector(".text");
    let finished = false;
    const body = conversationId ? { message, conversation_id: Number(conversationId) } : { message };
    try {
      const response = await fetch(form.dataset.streamUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        let detail = null;
        try {
          const problem = await response.json();
          detail = problem.detail || Object.values(problem).flat().join(" ");
        } catch (error) {
          detail = null;
        }
        throw new Error(detail || form.dataset.failed);
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const parsed = parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (!parsed) continue;
          if (parsed.event === "message" && typeof parsed.data.token === "string") {
            text.textContent += parsed.data.token;
          } else if (parsed.event === "done") {
            finished = true;
            // The server hides private data (card numbers, PINs…): show what it kept.
            if (typeof parsed.data.question === "string") asked.querySelector(".text").textContent = parsed.data.question;
            remember(parsed.data.conversation_id, parsed.data.conversation_title || message);
            showLinks(answer, parsed.data.links);
            showSuggestions(parsed.data.suggestions);
          } else if (parsed.event === "error") {
            throw new Error(parsed.data.detail || form.dataset.failed);
          }
        }
      }
      if (!finished) throw new Error(form.dataset.failed);
      status.textContent = "";
    } catch (error) {
      answer.classList.add("failed");
      text.textContent = error.message || form.dataset.failed;
      status.textContent = "";
    } finally {
      answer.removeAttribute("aria-busy");
      answer.scrollIntoView({ block: "nearest" });
      busy = false;
      send.disabled = false;
      textarea.focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = textarea.value.trim();
    if (!message) {
      textarea.focus();
      return;
    }
    textarea.value = "";
    ask(message);
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  if (suggestions) {
    suggestions.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = event.submitter;
      if (button && button.value) ask(button.value);
    });
  }
})();
